/**
 * Reads records: candidates stream from one index scan in dateAdded order, in
 * chunks; for each chunk the ids not seen yet get their rival groups in one
 * indexed aggregation, the selection core (store/selection.ts) decides, and the
 * selected candidates flow on in dateAdded order.
 * A page stops reading once it holds offset + limit + 1 records (the extra one
 * tells whether more follow), or once the next record would take it past its
 * byte budget, so no more candidates are read than one page needs, and the
 * collection is never scanned.
 */

import type { ClientSession, Collection, ObjectId } from 'mongodb';
import type { RecordQuery } from '../contract';
import { isSelected, needsRivals, selectsNothing, type VersionRange } from '../selection';
import { candidateQuery, groupRivals, rivalPipeline, type CandidateDoc, type RivalGroup } from './record-query';
import { INDEX, type RecordDoc } from './schema';

const MIN_CHUNK = 100;
const MAX_CHUNK = 1000;
/** Rival groups kept for a long scan (a count or a delete), after which the cache starts again. */
const MAX_CACHED_IDS = 50_000;

/** How many candidates to decide on at a time: a page's worth, within bounds. */
export function chunkSize(q: Pick<RecordQuery, 'limit' | 'offset'>): number {
  if (q.limit === undefined) return MAX_CHUNK;
  return Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, (q.offset ?? 0) + q.limit + 1));
}

/**
 * The selected candidates, in the order `candidates` gives them (dateAdded).
 * Independent of the driver: `fetchRivals` gives the rival groups of some ids.
 */
export async function* selectCandidates<T extends CandidateDoc>(
  q: RecordQuery,
  candidates: AsyncIterable<T>,
  fetchRivals: (ids: string[]) => Promise<RivalGroup[]>,
  chunk: number,
): AsyncGenerator<T> {
  if (selectsNothing(q)) return;
  const rivals = needsRivals(q);
  let groups = new Map<string, VersionRange[]>();
  let pending: T[] = [];

  async function* decide(): AsyncGenerator<T> {
    if (rivals) {
      if (groups.size > MAX_CACHED_IDS) groups = new Map();
      const missing = [...new Set(pending.map((c) => c.stixId))].filter((id) => !groups.has(id));
      if (missing.length > 0) {
        groupRivals(await fetchRivals(missing), groups);
        for (const id of missing) if (!groups.has(id)) groups.set(id, []);
      }
    }
    const decided = pending;
    pending = [];
    for (const candidate of decided) if (isSelected(candidate, groups.get(candidate.stixId) ?? [], q)) yield candidate;
  }

  for await (const candidate of candidates) {
    pending.push(candidate);
    if (pending.length >= chunk) yield* decide();
  }
  yield* decide();
}

/** A page's byte budget, and how many bytes a record counts for. */
interface PageBudget<T> {
  bytes: number;
  sizeOf(record: T): number;
}

/**
 * Applies offset and limit to the selected records, and the byte budget: the page
 * ends before the record that would take its total past the budget, the first
 * record always included (the rule of Store.findObjectsText). `more` when a
 * selected record follows.
 */
export async function pickPage<T>(q: Pick<RecordQuery, 'limit' | 'offset'>, selected: AsyncIterable<T>, budget?: PageBudget<T>): Promise<{ picked: T[]; more: boolean }> {
  const offset = q.offset ?? 0;
  const limit = q.limit ?? Infinity;
  const picked: T[] = [];
  let skipped = 0;
  let bytes = 0;
  for await (const record of selected) {
    if (skipped < offset) {
      skipped += 1;
      continue;
    }
    if (budget !== undefined) bytes += budget.sizeOf(record);
    if (picked.length >= limit || (budget !== undefined && picked.length > 0 && bytes > budget.bytes)) return { picked, more: true };
    picked.push(record);
  }
  return { picked, more: false };
}

type Candidate = CandidateDoc & { _id?: ObjectId };

/** Streams the selected records of a query within `session` (a snapshot or a transaction); closes its cursor when done. */
async function* streamSelected(records: Collection<RecordDoc>, session: ClientSession, q: RecordQuery, withId: boolean, sized = false): AsyncGenerator<Candidate> {
  const cq = candidateQuery(q, withId, sized);
  const chunk = chunkSize(q);
  const cursor = records.find<Candidate>(cq.filter, { session, sort: cq.sort, hint: cq.hint, projection: cq.projection, batchSize: chunk });
  try {
    yield* selectCandidates(
      q,
      cursor,
      (ids) => records.aggregate<RivalGroup>(rivalPipeline(q, ids), { session, hint: INDEX.recordsByVersion }).toArray(),
      chunk,
    );
  } finally {
    await cursor.close();
  }
}

/** One page of a query: offset and limit applied. */
export async function findPage(
  records: Collection<RecordDoc>,
  session: ClientSession,
  q: RecordQuery,
  withId = false,
): Promise<{ picked: Candidate[]; more: boolean }> {
  if (selectsNothing(q)) return { picked: [], more: false };
  return pickPage(q, streamSelected(records, session, q, withId));
}

/**
 * One page of a query cut by a byte budget, without bodies: each candidate comes
 * with its `_id` and its body's `size`, for the caller to fetch the kept bodies.
 */
export async function findSizedPage(
  records: Collection<RecordDoc>,
  session: ClientSession,
  q: RecordQuery,
  budgetBytes: number,
): Promise<{ picked: Array<Candidate & { _id: ObjectId }>; more: boolean }> {
  if (selectsNothing(q)) return { picked: [], more: false };
  const page = await pickPage(q, streamSelected(records, session, { ...q, withBody: false }, true, true), { bytes: budgetBytes, sizeOf: (c) => c.size ?? 0 });
  // Asked with their ids: every candidate has one.
  return page as { picked: Array<Candidate & { _id: ObjectId }>; more: boolean };
}

/** How many records a query selects, ignoring limit and offset; index-only when no rival is needed. */
export async function countSelected(records: Collection<RecordDoc>, session: ClientSession, q: RecordQuery): Promise<number> {
  if (selectsNothing(q)) return 0;
  const whole: RecordQuery = { ...q, limit: undefined, offset: undefined, withBody: false };
  if (!needsRivals(whole)) {
    const cq = candidateQuery(whole);
    return records.countDocuments(cq.filter, { session, hint: cq.hint });
  }
  let count = 0;
  for await (const _record of streamSelected(records, session, whole, false)) count += 1;
  return count;
}
