/**
 * Findings → profile-dependent issues → verdict (docs/validation.md#profiles,
 * #messages): one issue per (pointer, rule), errors then warnings then info, document
 * order within each.
 */
import { severityOf, type Finding, type Issue, type ObjectVerdict, type Profile, type Severity } from './issues';
import { compareOrderKeys, documentOrderKey, type KeyPositions } from './pointer';

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Issues kept per object (docs/validation.md#limits). Accord choice:
 * the first 1,000 after ordering, so errors come first; acceptance is decided on all.
 */
export const MAX_ISSUES_PER_OBJECT = 1000;

const MISSING = /^required propert(?:y|ies) (.+) (?:is|are) missing$/;

/** "required property 'a' is missing" + "… 'b' …" → "required properties 'a', 'b' are missing". */
function mergeMissing(kept: string, added: string): string {
  const a = MISSING.exec(kept);
  const b = MISSING.exec(added);
  if (!a || !b || a[1]!.split(', ').includes(b[1]!)) return kept;
  return `required properties ${a[1]}, ${b[1]} are missing`;
}

export function toIssues(findings: readonly Finding[], profile: Profile, advice: boolean, root: unknown): Issue[] {
  const seen = new Map<string, number>();
  const issues: Issue[] = [];
  for (const f of findings) {
    if (f.level === 'advisory' && !advice) continue;
    const key = `${f.pointer}\u0000${f.rule}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const kept = issues[earlier] as Issue;
      // Every missing property is named, in one issue (not only the first).
      if (f.rule === 'required-property') kept.message = mergeMissing(kept.message, f.message);
      // Two checks of one rule at one place: a leniency holds only if both allow it.
      if (kept.leniency !== undefined && f.leniency === undefined) {
        kept.severity = severityOf(f, profile);
        delete kept.leniency;
      }
      continue;
    }
    seen.set(key, issues.length);
    const issue: Issue = { rule: f.rule, severity: severityOf(f, profile), pointer: f.pointer, message: f.message };
    if (f.leniency !== undefined && profile === 'standard' && f.level === 'must') issue.leniency = f.leniency;
    if (f.position !== undefined) issue.position = f.position;
    issues.push(issue);
  }
  if (issues.length < 2) return issues;
  const cache: KeyPositions = new Map();
  const keyed = issues.map((issue, index) => ({ issue, index, order: documentOrderKey(root, issue.pointer, cache) }));
  keyed.sort(
    (a, b) =>
      SEVERITY_RANK[a.issue.severity] - SEVERITY_RANK[b.issue.severity] || compareOrderKeys(a.order, b.order) || a.index - b.index,
  );
  return keyed.map((k) => k.issue);
}

export function makeVerdict(index: number, obj: unknown, issues: Issue[]): ObjectVerdict {
  let id: string | null = null;
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    const candidate = (obj as Record<string, unknown>)['id'];
    if (typeof candidate === 'string') id = candidate;
  }
  const accepted = !issues.some((i) => i.severity === 'error');
  return { index, id, version: versionOf(obj), accepted, issues: issues.length > MAX_ISSUES_PER_OBJECT ? issues.slice(0, MAX_ISSUES_PER_OBJECT) : issues };
}

/** `modified`, else `created`, else "" (TAXII 2.1 §5.1 status version). */
export function versionOf(obj: unknown): string {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return '';
  const o = obj as Record<string, unknown>;
  if (typeof o['modified'] === 'string') return o['modified'];
  if (typeof o['created'] === 'string') return o['created'];
  return '';
}
