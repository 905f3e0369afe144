/**
 * Translates a contract RecordQuery into MongoDB queries, as pure functions;
 * which of the candidates are selected is decided by the selection core
 * (src/store/selection.ts).
 *
 * A page is read in two kinds of query, both on an index:
 * - candidates: the records passing the per-record filters (bound, ids, types,
 *   listed spec versions, exact instants when only those are asked), in
 *   dateAdded order, without their bodies, by records_by_object for ids,
 *   records_by_type for types (one ordered index scan per type, merged),
 *   otherwise records_by_date; on a regular collection, `version=last` pages
 *   read the newest marks instead (regular-reads.ts);
 * - rivals: for the ids among the candidates, the lowest and highest versionKey
 *   per spec version among that object's records after the bound (and in the
 *   listed spec versions), grouped on records_by_object, which holds every
 *   field the aggregation reads, so no document is fetched: the version ranges
 *   the core decides on.
 */

import type { Document, Filter } from 'mongodb';
import type { RecordQuery, StoredRecord } from '../contract';
import { isSelected as isSelectedAmong, type VersionRange } from '../selection';
import { newestAfter, newestIndex } from './regular-reads';
import { INDEX, type RecordDoc } from './schema';

/**
 * Types one ordered query may scan: MongoDB merges one index scan per value
 * only up to internalQueryMaxScansToExplode (200), and past it would sort every
 * record of those types. More types are read as several queries, merged
 * (typeGroups, sorted-merge.ts).
 */
export const MAX_TYPE_SCANS = 100;

/** The fields a candidate brings back. */
export type CandidateDoc = Pick<RecordDoc, 'dateAdded' | 'stixId' | 'type' | 'version' | 'versionKey' | 'specVersion'> & {
  body?: string;
  /** The body's length in UTF-8 bytes, when asked instead of the body (a page with a byte budget). */
  size?: number;
};

/** One row of the rival aggregation: an object's version range within one spec version. */
export interface RivalGroup {
  _id: { stixId: string; specVersion: string };
  minKey: string;
  maxKey: string;
}

export interface CandidateQuery {
  filter: Filter<RecordDoc>;
  sort: { dateAdded: 1 };
  hint: string;
  projection: Document;
}

export { needsRivals, selectsNothing } from '../selection';

/** Conditions on the bound and the listed spec versions: shared by candidates and rivals. */
function remainingConditions(q: RecordQuery): Filter<RecordDoc> {
  const filter: Filter<RecordDoc> = { collection: q.collectionId };
  if (q.after !== undefined) filter.dateAdded = { $gt: q.after };
  if (Array.isArray(q.specVersions)) filter.specVersion = { $in: q.specVersions };
  return filter;
}

export function candidateIndex(q: RecordQuery): string {
  if (q.ids !== undefined) return INDEX.recordsByVersion;
  if (q.types !== undefined) return INDEX.recordsByType;
  return INDEX.recordsByDate;
}

export interface CandidateOptions {
  /** Bring each candidate's _id, to fetch bodies or delete by. */
  withId?: boolean;
  /** Bring each candidate's body size in bytes (a page with a byte budget). */
  sized?: boolean;
  /** Read the newest marks alone (regular-reads.ts isRegularRead decided it). */
  regular?: boolean;
}

/**
 * The candidates of a query, in one query whatever the number of types (what
 * a count needs: it does not sort). Candidates never carry bodies: a page
 * fetches the bodies of the records it keeps, by _id (record-reader.ts).
 */
export function candidateQuery(q: RecordQuery, options: CandidateOptions = {}): CandidateQuery {
  const projection: Document = { _id: options.withId === true ? 1 : 0, dateAdded: 1, stixId: 1, type: 1, version: 1, versionKey: 1, specVersion: 1 };
  // The server measures the body and sends the number: a body past a page's budget never travels.
  if (options.sized === true) projection.size = { $strLenBytes: '$body' };
  const sort = { dateAdded: 1 } as const;
  if (options.regular === true) return { filter: newestAfter(q, q.types), sort, hint: newestIndex(q.types), projection };
  const filter = remainingConditions(q);
  if (q.ids !== undefined) filter.stixId = { $in: q.ids };
  if (q.types !== undefined) filter.type = { $in: q.types };
  const v = q.versions;
  // Only exact instants asked: the instant is a per-record condition and can narrow the candidates.
  if (!v.all && !v.first && !v.last) filter.versionKey = { $in: v.at };
  return { filter, sort, hint: candidateIndex(q), projection };
}

/**
 * The candidates of a query as ordered queries of at most MAX_TYPE_SCANS types
 * each, to be merged in dateAdded order: each is one merge of index scans on the
 * server, never an in-memory sort nor a walk of the whole collection.
 */
export function candidateQueries(q: RecordQuery, options: CandidateOptions = {}): CandidateQuery[] {
  if (q.types === undefined || q.ids !== undefined) return [candidateQuery(q, options)];
  return typeGroups(q.types).map((types) => candidateQuery({ ...q, types }, options));
}

/** Types in groups of at most MAX_TYPE_SCANS, each type once. */
export function typeGroups(types: readonly string[]): string[][] {
  const distinct = [...new Set(types)];
  const groups: string[][] = [];
  for (let i = 0; i < distinct.length; i += MAX_TYPE_SCANS) groups.push(distinct.slice(i, i + MAX_TYPE_SCANS));
  return groups.length > 0 ? groups : [[]];
}

/** Version ranges per object and spec version among the remaining records of these ids. */
export function rivalPipeline(q: RecordQuery, ids: string[]): Document[] {
  return [
    { $match: { ...remainingConditions(q), stixId: { $in: ids } } },
    {
      $group: {
        _id: { stixId: '$stixId', specVersion: '$specVersion' },
        minKey: { $min: '$versionKey' },
        maxKey: { $max: '$versionKey' },
      },
    },
  ];
}

/** The version range a rival row describes. */
export function rangeOf(row: RivalGroup): VersionRange {
  return { specVersion: row._id.specVersion, minKey: row.minKey, maxKey: row.maxKey };
}

/** Whether a candidate is selected, given its object's rival rows (every remaining record of the id, the candidate included). */
export function isSelected(candidate: CandidateDoc, groups: RivalGroup[], q: RecordQuery): boolean {
  return isSelectedAmong(candidate, groups.map(rangeOf), q);
}

/** Groups rival rows into version ranges by object id. */
export function groupRivals(rows: RivalGroup[], into: Map<string, VersionRange[]> = new Map()): Map<string, VersionRange[]> {
  for (const row of rows) {
    const list = into.get(row._id.stixId);
    if (list) list.push(rangeOf(row));
    else into.set(row._id.stixId, [rangeOf(row)]);
  }
  return into;
}

export function toStoredRecord(doc: CandidateDoc): StoredRecord {
  const record: StoredRecord = {
    id: doc.stixId,
    type: doc.type,
    version: doc.version,
    specVersion: doc.specVersion,
    dateAdded: doc.dateAdded,
  };
  if (doc.body !== undefined) record.body = doc.body;
  return record;
}
