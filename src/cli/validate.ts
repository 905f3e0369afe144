/**
 * `accord validate FILE… | -`: the ingest validator, offline, so a publisher can
 * check a feed before publishing it. Same validator, same messages as the status
 * resource. Exit 0: no errors (warnings allowed); 1: errors; 2: a file could not be
 * read or is not JSON.
 */

import { readFileSync } from 'node:fs';
import { formatIssue, formatVerdictMessage } from '../stix/messages';
import type { Profile } from '../stix/issues';
import { validateDocument, type DocumentVerdict } from '../stix/document';
import { createValidator } from '../stix/validator';
import { reservedMarkingProblem } from '../partnerships/reserved-markings';
import { firstDuplicateMember } from '../taxii/duplicate-members';

export interface ValidateCommandOptions {
  profile: Profile;
  format: 'text' | 'json';
  advice?: boolean;
}

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Returns the exit code. */
export async function validateCommand(files: string[], options: ValidateCommandOptions, io: Output, readStdin: () => Promise<Buffer>): Promise<number> {
  const validator = createValidator();
  let worst = 0;
  const reports: Array<{ file: string } & DocumentVerdict> = [];
  for (const file of files) {
    let doc: unknown;
    let text: string;
    try {
      // Read as the server reads a body: strict UTF-8, a leading BOM ignored.
      text = new TextDecoder('utf-8', { fatal: true }).decode(file === '-' ? await readStdin() : readFileSync(file));
      doc = JSON.parse(text);
    } catch (error) {
      io.err(`${file}: cannot be read as JSON: ${(error as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA' ? 'not valid UTF-8' : (error as Error).message}`);
      worst = 2;
      continue;
    }
    const verdict = validateDocument(validator, doc, { profile: options.profile, advice: options.advice ?? false });
    applyServerRules(doc, text, verdict);
    if (verdict.documentIssues.some((i) => i.severity === 'error') || verdict.verdicts.some((v) => !v.accepted)) worst = Math.max(worst, 1);
    if (options.format === 'json') reports.push({ file, ...verdict });
    else printText(file, verdict, io);
  }
  if (options.format === 'json') io.out(JSON.stringify(reports, null, 2));
  return worst;
}

/**
 * The rules the server applies to every object after the validator, whatever the
 * collection (duplicate member names, the published TLP ids), so that what passes
 * here is not refused on publishing. Collection settings (marking ceiling, media
 * types) are not known offline.
 */
function applyServerRules(doc: unknown, text: string, verdict: DocumentVerdict): void {
  const objects: unknown[] = verdict.kind === 'array' ? (doc as unknown[]) : verdict.kind === 'object' ? [doc] : ((doc as { objects?: unknown[] }).objects ?? []);
  const refuse = (index: number, rule: string, pointer: string, message: string) => {
    const target = verdict.verdicts.find((v) => v.index === index);
    if (!target) return;
    target.issues.unshift({ rule, severity: 'error', pointer, message });
    target.accepted = false;
  };
  objects.forEach((obj, index) => {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return;
    const misused = reservedMarkingProblem(obj as Record<string, unknown>);
    if (misused !== null) refuse(index, 'tlp-reserved-id', '/id', misused);
  });
  // Only the first repeated name in the file is found; one inside no object (a repeated
  // top-level "objects") is read as JSON.parse reads it, as the server does.
  const duplicate = firstDuplicateMember(text);
  if (duplicate === null) return;
  const inObject = verdict.kind === 'object' ? /^()(.+)$/.exec(duplicate) : verdict.kind === 'array' ? /^\/(\d+)(\/.+)$/.exec(duplicate) : /^\/objects\/(\d+)(\/.+)$/.exec(duplicate);
  if (inObject) refuse(Number(inObject[1] || 0), 'duplicate-member', inObject[2]!, 'this member name appears more than once in its object; the server refuses such an object');
}

function printText(file: string, verdict: DocumentVerdict, io: Output): void {
  for (const issue of verdict.documentIssues) io.out(`${file} (document) ${issue.severity} ${formatIssue(issue)}`);
  const where = (index: number) => (verdict.kind === 'array' ? `/${index}` : verdict.kind === 'object' ? '/' : `/objects/${index}`);
  let accepted = 0;
  for (const v of verdict.verdicts) {
    const id = v.id ?? '(no id)';
    if (v.accepted) accepted++;
    io.out(`${file} ${where(v.index)} ${id} ${v.accepted ? 'accepted' : 'rejected'}${v.issues.length ? `: ${formatVerdictMessage(v)!.split(':')[0]}` : ''}`);
    for (const issue of v.issues) io.out(`${file} ${where(v.index)} ${id} ${issue.severity} ${formatIssue(issue)}`);
  }
  io.out(`${file}: ${verdict.verdicts.length} objects, ${accepted} accepted, ${verdict.verdicts.length - accepted} rejected (${verdict.kind})`);
}
