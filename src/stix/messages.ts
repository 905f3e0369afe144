/**
 * The status-resource message of a verdict (docs/validation.md#messages; TAXII 2.1 §4.3.1
 * status details): counts, then `[rule] pointer: text` joined by `; `, the root
 * pointer written `/`, capped at 4,096 characters.
 */
import type { Issue, ObjectVerdict, Severity } from './issues';

export const MAX_MESSAGE_LENGTH = 4096;

const NOUNS: Record<Severity, [string, string]> = {
  error: ['error', 'errors'],
  warning: ['warning', 'warnings'],
  info: ['info', 'info'],
};

function count(n: number, severity: Severity): string {
  const [one, many] = NOUNS[severity];
  return `${n} ${n === 1 ? one : many}`;
}

/** Pointers and texts are shortened so that one issue never crowds out the others (a member name may be megabytes long). */
const MAX_POINTER = 200;
const MAX_TEXT = 1000;

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The status message of an object refused by one rule outside the validator (the ingest and partnership rules). */
export function formatRefusal(rule: string, pointer: string, text: string): string {
  return `1 error: [${rule}] ${pointer === '' ? '' : `${shorten(pointer, MAX_POINTER)}: `}${shorten(text, MAX_TEXT)}`;
}

export function formatIssue(issue: Issue): string {
  return `[${issue.rule}] ${issue.pointer === '' ? '/' : shorten(issue.pointer, MAX_POINTER)}: ${shorten(issue.message, MAX_TEXT)}`;
}

/** The status-resource message for a verdict (counts, then `[rule] pointer: text; …`, capped at 4,096 chars), or undefined for a clean success. */
export function formatVerdictMessage(verdict: ObjectVerdict): string | undefined {
  if (verdict.issues.length === 0) return undefined;
  const totals: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const issue of verdict.issues) totals[issue.severity]++;
  const header = (['error', 'warning', 'info'] as const)
    .filter((s) => totals[s] > 0)
    .map((s) => count(totals[s], s))
    .join(', ');
  let message = `${header}: `;
  const parts = verdict.issues.map(formatIssue);
  for (let i = 0; i < parts.length; i++) {
    const part = (i > 0 ? '; ' : '') + (parts[i] as string);
    const rest = parts.length - i;
    // Room for this part plus, if more follow, the longest possible "… (+n more)" tail.
    const tail = rest > 1 ? ` … (+${rest - 1} more)`.length : 0;
    if (message.length + part.length + tail > MAX_MESSAGE_LENGTH) {
      const suffix = ` … (+${rest} more)`;
      if (message.length + suffix.length > MAX_MESSAGE_LENGTH) message = message.slice(0, MAX_MESSAGE_LENGTH - suffix.length);
      return message + suffix;
    }
    message += part;
  }
  return message;
}
