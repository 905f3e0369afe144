/**
 * Reads records: candidates stream without bodies from index scans in dateAdded
 * order (one query, or one per group of types, merged), in chunks; for each
 * chunk the ids not seen yet get their rival groups in one covered
 * aggregation, the selection core (store/selection.ts) decides, and the
 * selected candidates flow on in dateAdded order. A regular collection's
 * `version=last` pages read the newest marks instead, with no rival at all,
 * and find an offset by position in the index (regular-reads.ts). The bodies
 * of the picked records alone are fetched, by _id.
 * A page stops reading once it holds offset + limit + 1 records (the extra one
 * tells whether more follow), or once the next record would take it past its
 * byte budget, so no more candidates are read than one page needs, and the
 * collection is never scanned.
 */

import type { ClientSession, Collection, ObjectId } from 'mongodb';
import type { RecordQuery } from '../contract';
import { isSelected, needsRivals, selectsNothing, type VersionRange } from '../selection';
import { candidateQueries, candidateQuery, groupRivals, rivalPipeline, typeGroups, type CandidateDoc, type CandidateQuery, type RivalGroup } from './record-query';
import { fromPosition, positionQuery } from './regular-reads';
import { INDEX, type RecordDoc } from './schema';
import { mergeSorted } from './sorted-merge';

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

export interface StreamOptions {
  withId?: boolean;
  sized?: boolean;
  /** Read the newest marks alone, every one of them selected (regular-reads.ts). */
  regular?: boolean;
}

/**
 * Streams the candidates of `queries` merged in dateAdded order within `session`;
 * closes the cursors when done. `limit` caps each cursor (a regular page needs
 * no more than it returns).
 */
async function* streamCandidates(
  records: Collection<RecordDoc>,
  session: ClientSession,
  queries: CandidateQuery[],
  batchSize: number,
  limit?: number,
): AsyncGenerator<Candidate> {
  const cursors = queries.map((cq) =>
    records.find<Candidate>(cq.filter, { session, sort: cq.sort, hint: cq.hint, projection: cq.projection, batchSize, ...(limit === undefined ? {} : { limit }) }),
  );
  try {
    yield* mergeSorted(cursors, (c) => c.dateAdded);
  } finally {
    await Promise.all(cursors.map((cursor) => cursor.close()));
  }
}

/** Streams the selected records of a query within `session` (a snapshot or a transaction), without bodies. */
async function* streamSelected(records: Collection<RecordDoc>, session: ClientSession, q: RecordQuery, options: StreamOptions = {}): AsyncGenerator<Candidate> {
  const queries = candidateQueries(q, options);
  if (options.regular === true) {
    // Every newest mark after the bound is selected (regular-reads.ts): no rival to look up, and no more to read than the page.
    const wanted = q.limit === undefined ? undefined : (q.offset ?? 0) + q.limit + 1;
    yield* streamCandidates(records, session, queries, Math.ceil(Math.min(wanted ?? MAX_CHUNK, MAX_CHUNK) / queries.length) + 1, wanted);
    return;
  }
  const chunk = chunkSize(q);
  yield* selectCandidates(
    q,
    streamCandidates(records, session, queries, Math.ceil(chunk / queries.length) + 1),
    (ids) => records.aggregate<RivalGroup>(rivalPipeline(q, ids), { session, hint: INDEX.recordsByVersion }).toArray(),
    chunk,
  );
}

/**
 * Where a regular page at `offset` starts: the dateAdded of the offset-th
 * selected record, from the index alone; undefined when there are no more.
 * Over MAX_TYPE_SCANS types the groups' index entries are merged and counted.
 */
async function findPosition(records: Collection<RecordDoc>, session: ClientSession, q: RecordQuery, offset: number): Promise<number | undefined> {
  const groups = q.types === undefined ? [undefined] : typeGroups(q.types);
  const queries = groups.map((types) => positionQuery(q, offset, types));
  if (queries.length === 1) {
    const { filter, ...options } = queries[0]!;
    const [doc] = await records.find<{ dateAdded: number }>(filter, { session, ...options }).toArray();
    return doc?.dateAdded;
  }
  const cursors = queries.map(({ filter, sort, hint, projection }) => records.find<{ dateAdded: number }>(filter, { session, sort, hint, projection, batchSize: MAX_CHUNK }));
  let skipped = 0;
  try {
    for await (const doc of mergeSorted(cursors, (d) => d.dateAdded)) {
      if (skipped === offset) return doc.dateAdded;
      skipped += 1;
    }
    return undefined;
  } finally {
    await Promise.all(cursors.map((cursor) => cursor.close()));
  }
}

/**
 * The query whose first record is the one at `q.offset`: a regular page finds
 * it by position in the index, so skipped records are never read; null when the
 * offset is past the end. Other pages skip in pickPage.
 */
async function positioned(records: Collection<RecordDoc>, session: ClientSession, q: RecordQuery, regular: boolean): Promise<RecordQuery | null> {
  if (!regular || q.offset === undefined || q.offset === 0) return q;
  const at = await findPosition(records, session, q, q.offset);
  return at === undefined ? null : fromPosition(q, at);
}

/** Sets the bodies of `picked` from their documents, read by _id in `session`. */
export async function attachBodies(records: Collection<RecordDoc>, session: ClientSession, picked: Array<Candidate & { _id: ObjectId }>): Promise<void> {
  const byId = new Map(picked.map((c) => [c._id.toHexString(), c]));
  for (let i = 0; i < picked.length; i += MAX_CHUNK) {
    const ids = picked.slice(i, i + MAX_CHUNK).map((c) => c._id);
    for await (const doc of records.find<{ _id: ObjectId; body: string }>({ _id: { $in: ids } }, { session, projection: { _id: 1, body: 1 } })) {
      byId.get(doc._id.toHexString())!.body = doc.body;
    }
  }
}

/**
 * One page of a query: offset and limit applied. Candidates are read without
 * bodies; with `withBody`, only the picked records' bodies are then fetched, by
 * _id in the same session.
 */
export async function findPage(
  records: Collection<RecordDoc>,
  session: ClientSession,
  q: RecordQuery,
  withId = false,
  regular = false,
): Promise<{ picked: Candidate[]; more: boolean }> {
  if (selectsNothing(q)) return { picked: [], more: false };
  const from = await positioned(records, session, q, regular);
  if (from === null) return { picked: [], more: false };
  const page = await pickPage(from, streamSelected(records, session, { ...from, withBody: false }, { withId: withId || q.withBody, regular }));
  // Asked with their ids when bodies are wanted: every candidate has one.
  if (q.withBody) await attachBodies(records, session, page.picked as Array<Candidate & { _id: ObjectId }>);
  return page;
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
  regular = false,
): Promise<{ picked: Array<Candidate & { _id: ObjectId }>; more: boolean }> {
  if (selectsNothing(q)) return { picked: [], more: false };
  const from = await positioned(records, session, q, regular);
  if (from === null) return { picked: [], more: false };
  const stream = streamSelected(records, session, { ...from, withBody: false }, { withId: true, sized: true, regular });
  const page = await pickPage(from, stream, { bytes: budgetBytes, sizeOf: (c) => c.size ?? 0 });
  // Asked with their ids: every candidate has one.
  return page as { picked: Array<Candidate & { _id: ObjectId }>; more: boolean };
}

/** How many records a query selects, ignoring limit and offset; index-only when no rival is needed. */
export async function countSelected(records: Collection<RecordDoc>, session: ClientSession, q: RecordQuery): Promise<number> {
  if (selectsNothing(q)) return 0;
  const whole: RecordQuery = { ...q, limit: undefined, offset: undefined, withBody: false };
  if (!needsRivals(whole)) {
    // A count does not sort: one query serves any number of types.
    const cq = candidateQuery(whole);
    return records.countDocuments(cq.filter, { session, hint: cq.hint });
  }
  let count = 0;
  for await (const _record of streamSelected(records, session, whole)) count += 1;
  return count;
}
