/**
 * Correctness checks run beside the measurements (outside the timed part):
 * every Add Objects answer is a complete status without failures, and a
 * collection read back through its manifest (`match[version]=all`) has strictly
 * increasing `date_added` and every posted version exactly once.
 */

import type { ExpectedVersions } from './expected';
import { headerText, type Reply, type TaxiiClient } from './http-client';
import { collectionPath, PAGE } from './harness';

export interface ManifestRecord {
  id: string;
  date_added: string;
  version: string;
  media_type?: string;
}

/** Microseconds since the epoch of a TAXII timestamp (whole seconds through Date, the fraction as digits). */
export function micros(timestamp: string): number {
  const dot = timestamp.indexOf('.');
  const seconds = Date.parse(`${timestamp.slice(0, 19)}Z`) / 1000;
  const fraction = dot < 0 ? '' : timestamp.slice(dot + 1, timestamp.length - 1);
  return seconds * 1e6 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

/** Why an Add Objects answer is not the complete success the bench expects, or null. */
export function statusProblem(reply: Reply, expectedCount: number): string | null {
  if (reply.status !== 202) return `HTTP ${reply.status}: ${reply.body.subarray(0, 300).toString('utf8')}`;
  const status = JSON.parse(reply.body.toString('utf8')) as { status?: string; success_count?: number; failure_count?: number; failures?: unknown[] };
  if (status.status !== 'complete' || status.success_count !== expectedCount || status.failure_count !== 0) {
    return `status ${status.status}, ${status.success_count} successes, ${status.failure_count} failures of ${expectedCount}: ${JSON.stringify(status.failures ?? []).slice(0, 300)}`;
  }
  return null;
}

export interface WalkResult {
  count: number;
  /** Problems found (first few), empty when the collection is as expected. */
  problems: string[];
  /** `date_added` of every PAGE-th record (index PAGE·k + PAGE − 1): the `added_after` that starts page k + 1. */
  bounds: string[];
  lastDateAdded?: string;
  seconds: number;
}

/**
 * Reads a collection's manifest with `match[version]=all` from `after` to the end,
 * checking strict `date_added` order; `visit` checks each record against what was posted.
 */
export async function walkManifest(
  client: TaxiiClient,
  root: string,
  collection: string,
  visit: (record: ManifestRecord, index: number) => string | null,
  after?: string,
): Promise<WalkResult> {
  const start = process.hrtime.bigint();
  const result: WalkResult = { count: 0, problems: [], bounds: [], seconds: 0 };
  const problem = (text: string) => {
    if (result.problems.length < 10) result.problems.push(text);
  };
  const base = `${collectionPath(root, collection, 'manifest/')}?match[version]=all&limit=${PAGE}`;
  let query = after !== undefined ? `${base}&added_after=${after}` : base;
  let previous = after !== undefined ? micros(after) : -1;
  for (;;) {
    const reply = await client.get(query);
    if (reply.status !== 200) {
      problem(`manifest page: HTTP ${reply.status}: ${reply.body.subarray(0, 300).toString('utf8')}`);
      break;
    }
    const page = JSON.parse(reply.body.toString('utf8')) as { more?: boolean; next?: string; objects?: ManifestRecord[] };
    const records = page.objects ?? [];
    for (const record of records) {
      const at = micros(record.date_added);
      if (!(at > previous)) problem(`record ${result.count} (${record.id}): date_added ${record.date_added} not after the previous one`);
      previous = at;
      const mismatch = visit(record, result.count);
      if (mismatch !== null) problem(`record ${result.count}: ${mismatch}`);
      result.count++;
      if (result.count % PAGE === 0) result.bounds.push(record.date_added);
      result.lastDateAdded = record.date_added;
    }
    if (records.length > 0 && headerText(reply.headers, 'x-taxii-date-added-last') !== records[records.length - 1]!.date_added) {
      problem(`X-TAXII-Date-Added-Last ${headerText(reply.headers, 'x-taxii-date-added-last')} is not the last record's date_added`);
    }
    if (!page.more) break;
    if (page.next === undefined) {
      problem('more is true without a next token');
      break;
    }
    query = `${base}&next=${encodeURIComponent(page.next)}`;
  }
  result.seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return result;
}

/** Checks a collection holds exactly the posted versions (any order), each once, in strict date_added order. */
export async function verifyPosted(client: TaxiiClient, root: string, collection: string, expected: ExpectedVersions, after?: string): Promise<WalkResult> {
  const seen = new Set<string>();
  const walk = await walkManifest(
    client,
    root,
    collection,
    (record) => {
      const key = expected.match(record.id, record.version);
      if (key === null) return `${record.id} version ${record.version} was never posted`;
      if (seen.has(key)) return `${record.id} version ${record.version} is stored twice`;
      seen.add(key);
      return null;
    },
    after,
  );
  if (seen.size !== expected.size) walk.problems.push(`${expected.size - seen.size} posted versions are missing (posted ${expected.size}, found ${seen.size})`);
  return walk;
}
