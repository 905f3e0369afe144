/**
 * Reads of the TAXII defaults, `match[version]=last` under the latest spec
 * version (TAXII 2.1 §3.4.1), on a regular collection, as pure functions.
 *
 * Why they are exact: while a collection's counter says `counted: true` and
 * `irregular: 0`, every stored record came after every stored record of its
 * object in the order of version selection (record-regularity.ts). So among
 * the records of an object added after any bound, the one with the latest
 * spec version and then the latest version is the one added last: the newest
 * record, marked `newest: true`, when it was added after the bound (and no
 * record of the object remains otherwise). The selected records are therefore
 * exactly the newest marks after the bound, of the asked types, with no other
 * version to look at; and there is one newest mark per object, so the
 * counter's `objects` (per type: `objectsByType`) counts them all. The counter
 * and the marks change in the same transactions (record-writer.ts), so one
 * snapshot sees them agree.
 */

import type { Document, Filter } from 'mongodb';
import type { RecordQuery } from '../contract';
import { objectsOfType } from './collection-counter';
import { INDEX, type CollectionDoc, type RecordDoc } from './schema';

/** What a read needs of the collection's counter. */
export type Regularity = Pick<CollectionDoc, 'objects' | 'objectsByType' | 'irregular' | 'counted'>;

/** The counter fields to read, so that a page reads no more of it. */
export const REGULARITY_FIELDS = { _id: 0, objects: 1, objectsByType: 1, irregular: 1, counted: 1 } as const;

/**
 * True when the query can read the newest marks alone: the counter is exact and
 * nothing irregular was stored, and the query asks the last version of the
 * latest spec version of every object (no `match[id]`: those pages read an
 * object's few versions anyway; no exact instant, which would select records
 * other than the newest).
 */
export function isRegularRead(q: RecordQuery, counter: Regularity | null): boolean {
  return hasRegularShape(q) && counter !== null && counter.counted === true && counter.irregular === 0 && typeof counter.objects === 'number';
}

/** The query half of isRegularRead: without it, the counter need not be read. */
export function hasRegularShape(q: RecordQuery): boolean {
  const v = q.versions;
  return q.specVersions === 'latest' && !v.all && v.last && !v.first && v.at.length === 0 && q.ids === undefined;
}

/** The index of newest marks a query reads: by type when it names types. */
export function newestIndex(types: readonly string[] | undefined): string {
  return types === undefined ? INDEX.newestRecords : INDEX.newestByType;
}

/**
 * The newest marks of `types` (all types when undefined) within a dateAdded
 * range. `newest: true` repeats the indexes' partial filter, which a query must
 * imply for MongoDB to use them.
 */
export function newestFilter(collectionId: string, types: string[] | undefined, dateAdded?: Document): Filter<RecordDoc> {
  const filter: Filter<RecordDoc> = { collection: collectionId, newest: true };
  if (types !== undefined) filter.type = { $in: types };
  if (dateAdded !== undefined) filter.dateAdded = dateAdded;
  return filter;
}

/** The newest marks after a query's bound. */
export function newestAfter(q: Pick<RecordQuery, 'collectionId' | 'after'>, types: string[] | undefined): Filter<RecordDoc> {
  return newestFilter(q.collectionId, types, q.after === undefined ? undefined : { $gt: q.after });
}

export interface PositionQuery {
  filter: Filter<RecordDoc>;
  sort: { dateAdded: 1 };
  hint: string;
  /** Indexed fields only and no _id: the server answers from the index (PROJECTION_COVERED), no document is read. */
  projection: { _id: 0; dateAdded: 1 };
  skip: number;
  limit: 1;
}

/**
 * Where the page at `offset` starts: the dateAdded of the offset-th selected
 * record (from 0), found by skipping index entries, never documents.
 */
export function positionQuery(q: RecordQuery, offset: number, types = q.types): PositionQuery {
  return { filter: newestAfter(q, types), sort: { dateAdded: 1 }, hint: newestIndex(types), projection: { _id: 0, dateAdded: 1 }, skip: offset, limit: 1 };
}

/** A query's page from a position on: the same query, its bound just before the record found there (dateAdded values are integers). */
export function fromPosition(q: RecordQuery, dateAdded: number): RecordQuery {
  return { ...q, after: dateAdded - 1, offset: undefined };
}

/** The objects of the asked types (all when undefined), from the counter. */
export function objectsAmong(counter: Regularity, types: readonly string[] | undefined): number {
  if (types === undefined) return counter.objects ?? 0;
  let total = 0;
  for (const type of new Set(types)) total += objectsOfType(counter.objectsByType, type);
  return total;
}

/** Index-only counts of newest marks tried with this limit before an unlimited one. */
export const COUNT_PROBE = 10_000;

/** Counts newest marks on one side of the bound: `after` (dateAdded > bound) or `upTo` (dateAdded ≤ bound), at most `limit` when given. */
export type CountSide = (side: 'after' | 'upTo', limit?: number) => Promise<number>;

/**
 * How many newest marks lie after the bound, among `total` (all of them):
 * a poller's bound is near the end and an early bound near the start, so a
 * limited count on each side answers both in one short index scan; only a
 * bound far from both ends costs a full index-only count.
 */
export async function countAfterBound(total: number, countSide: CountSide): Promise<number> {
  const after = await countSide('after', COUNT_PROBE);
  if (after < COUNT_PROBE) return after;
  const upTo = await countSide('upTo', COUNT_PROBE);
  if (upTo < COUNT_PROBE) return Math.max(0, total - upTo);
  return countSide('after');
}

/** The dateAdded condition of one side of the bound. */
export function sideCondition(after: number, side: 'after' | 'upTo'): Document {
  return side === 'after' ? { $gt: after } : { $lte: after };
}
