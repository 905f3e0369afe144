/**
 * What a retention sweep must have done to the prefilled collection (issue 13),
 * known from the generator alone: which objects are expired indicators, how many
 * versions each object has. The checks compare with it the preview, the sweep's
 * answer, the tombstone feed and the collection read back through its manifest.
 */

import { micros, walkManifest } from './checks';
import type { ExpectedVersions } from './expected';
import type { StixGenerator } from './generator';
import { collectionPath, MAIN, PAGE, ROOT } from './harness';
import type { TaxiiClient } from './http-client';
import { PREFILL_STREAM, type Prefill } from './prefill';

export interface ExpectedSweep {
  /** Versions of every prefilled object, by id. */
  versions: Map<string, number>;
  /** Ids of the expired indicators by the date_added of their newest version (the order a sweep removes them in). */
  expired: string[];
  expiredSet: Set<string>;
  /** Records (versions) of the expired objects. */
  expiredRecords: number;
}

/** An indicator is expired at `now` when its valid_until has passed (the policy's grace is 0 days). */
export function expectedSweep(prefill: Prefill, generator: StixGenerator, now: number): ExpectedSweep {
  const versions = new Map<string, number>();
  /** Position of each expired indicator's newest version: the prefill posts in serial order. */
  const newest = new Map<string, number>();
  let serial = 0;
  for (const obj of generator.objects(PREFILL_STREAM, 0, prefill.objects)) {
    versions.set(obj.id, (versions.get(obj.id) ?? 0) + 1);
    if (obj.type === 'indicator' && Date.parse(String(obj['valid_until'])) < now) newest.set(obj.id, serial);
    serial++;
  }
  const expired = [...newest.keys()].sort((a, b) => newest.get(a)! - newest.get(b)!);
  const expiredSet = new Set(expired);
  let expiredRecords = 0;
  for (const id of expired) expiredRecords += versions.get(id)!;
  return { versions, expired, expiredSet, expiredRecords };
}

/** One collection's part of a preview or sweep answer (`GET /admin/retention/preview`, `POST /admin/retention/sweep`). */
export interface SweptCollection {
  partnership: string;
  collection: string;
  objects: number;
  records: number;
  ids: string[];
}

/** Ids a sweep's answer names per collection (src/retention/sweep.ts); the count covers them all. */
const SWEEP_IDS = 1000;

/**
 * Problems with a preview or sweep answer: only the main collection, every
 * expired object counted, and the oldest expired ids named (a preview as many as
 * its `limit`, a sweep its first 1,000).
 */
export function answerProblems(what: string, collections: SweptCollection[], expected: ExpectedSweep, limit?: number): string[] {
  const problems: string[] = [];
  const others = collections.filter((c) => c.partnership !== ROOT || c.collection !== MAIN);
  if (others.length > 0) problems.push(`${what} lists other collections: ${others.map((c) => `${c.partnership}/${c.collection}`).join(', ')}`);
  const main = collections.find((c) => c.partnership === ROOT && c.collection === MAIN);
  const ids = main?.ids ?? [];
  const counted = limit === undefined ? expected.expired.length : Math.min(limit, expected.expired.length);
  if ((main?.objects ?? 0) !== counted) problems.push(`${what} counts ${main?.objects ?? 0} objects, expected ${counted}`);
  const want = expected.expired.slice(0, limit ?? SWEEP_IDS);
  const firstDifference = want.findIndex((id, i) => ids[i] !== id);
  if (ids.length !== want.length || firstDifference >= 0) {
    problems.push(`${what} lists ${ids.length} ids, expected the ${want.length} oldest expired${firstDifference >= 0 ? `; first difference at ${firstDifference}: ${ids[firstDifference]} for ${want[firstDifference]}` : ''}`);
  }
  return problems;
}

interface TombstoneWire {
  id: string;
  versions: string[];
  removed_at: string;
  reason: string;
}

export interface TombstoneCheck {
  /** removed_at of each tombstone, µs since the epoch, in feed order. */
  removedAt: number[];
  problems: string[];
}

/** Reads the whole tombstone feed of the main collection: each expired id once, with every version, reason `retention`, nothing else. */
export async function checkTombstones(client: TaxiiClient, expected: ExpectedSweep): Promise<TombstoneCheck> {
  const result: TombstoneCheck = { removedAt: [], problems: [] };
  const problem = (text: string) => {
    if (result.problems.length < 10) result.problems.push(text);
  };
  const seen = new Set<string>();
  const base = `${collectionPath(ROOT, MAIN, 'x-accord-tombstones/')}?limit=${PAGE}`;
  let query = base;
  for (;;) {
    const reply = await client.get(query);
    if (reply.status !== 200) {
      problem(`tombstone page: HTTP ${reply.status}: ${reply.body.subarray(0, 300).toString('utf8')}`);
      break;
    }
    const page = JSON.parse(reply.body.toString('utf8')) as { more?: boolean; next?: string; tombstones?: TombstoneWire[] };
    for (const t of page.tombstones ?? []) {
      result.removedAt.push(micros(t.removed_at));
      if (t.reason !== 'retention') problem(`tombstone of ${t.id}: reason ${t.reason}`);
      if (!expected.expiredSet.has(t.id)) problem(`tombstone of ${t.id}, which had not expired`);
      if (seen.has(t.id)) problem(`two tombstones of ${t.id}`);
      seen.add(t.id);
      const versions = expected.versions.get(t.id);
      if (versions !== undefined && t.versions.length !== versions) problem(`tombstone of ${t.id} lists ${t.versions.length} versions of ${versions}`);
    }
    if (!page.more) break;
    if (page.next === undefined) {
      problem('more is true without a next token');
      break;
    }
    query = `${base}&next=${encodeURIComponent(page.next)}`;
  }
  if (seen.size !== expected.expiredSet.size) problem(`${expected.expiredSet.size - seen.size} of ${expected.expiredSet.size} removed objects have no tombstone`);
  return result;
}

export interface ReadBack {
  records: number;
  seconds: number;
  problems: string[];
}

/** Reads every version of the main collection: no expired object, every version of every other prefilled object, every posted version. */
export async function checkRemaining(client: TaxiiClient, expected: ExpectedSweep, posted: ExpectedVersions): Promise<ReadBack> {
  const missing = new Map<string, number>();
  for (const [id, count] of expected.versions) if (!expected.expiredSet.has(id)) missing.set(id, count);
  const seenPosted = new Set<string>();
  const walk = await walkManifest(client, ROOT, MAIN, (record) => {
    if (expected.expiredSet.has(record.id)) return `${record.id} expired but is still there`;
    const left = missing.get(record.id);
    if (left !== undefined) {
      if (left === 1) missing.delete(record.id);
      else missing.set(record.id, left - 1);
      return null;
    }
    const key = posted.match(record.id, record.version);
    if (key === null) return `${record.id} version ${record.version} was neither prefilled nor posted (or is there twice)`;
    if (seenPosted.has(key)) return `${record.id} version ${record.version} is stored twice`;
    seenPosted.add(key);
    return null;
  });
  if (missing.size > 0) walk.problems.push(`${missing.size} objects that had not expired lost versions, e.g. ${missing.keys().next().value}`);
  if (seenPosted.size !== posted.size) walk.problems.push(`${posted.size - seenPosted.size} of ${posted.size} posted versions are missing`);
  return { records: walk.count, seconds: walk.seconds, problems: walk.problems };
}
