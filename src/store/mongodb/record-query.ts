/**
 * Translates a contract RecordQuery into MongoDB queries, as pure functions;
 * which of the candidates are selected is decided by the selection core
 * (src/store/selection.ts).
 *
 * A page is read in two kinds of query, both on an index:
 * - candidates: the records passing the per-record filters (bound, ids, types,
 *   listed spec versions, exact instants when only those are asked), in
 *   dateAdded order, by records_by_version for ids, records_by_type for types
 *   (one ordered index scan per type, merged), otherwise records_by_date;
 * - rivals: for the ids among the candidates, the lowest and highest versionKey
 *   per spec version among that object's records after the bound (and in the
 *   listed spec versions), grouped on records_by_version: the version ranges
 *   the core decides on.
 */

import type { Document, Filter } from 'mongodb';
import type { RecordQuery, StoredRecord } from '../contract';
import { isSelected as isSelectedAmong, type VersionRange } from '../selection';
import { INDEX, type RecordDoc } from './schema';

/**
 * Above this many types, a page walks records_by_date instead: MongoDB merges
 * one index scan per value only up to internalQueryMaxScansToExplode (200), and
 * past it would sort every record of those types.
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
  if (q.types !== undefined && q.types.length <= MAX_TYPE_SCANS) return INDEX.recordsByType;
  return INDEX.recordsByDate;
}

export function candidateQuery(q: RecordQuery, withId = false, sized = false): CandidateQuery {
  const filter = remainingConditions(q);
  if (q.ids !== undefined) filter.stixId = { $in: q.ids };
  if (q.types !== undefined) filter.type = { $in: q.types };
  const v = q.versions;
  // Only exact instants asked: the instant is a per-record condition and can narrow the candidates.
  if (!v.all && !v.first && !v.last) filter.versionKey = { $in: v.at };
  const projection: Document = { _id: withId ? 1 : 0, dateAdded: 1, stixId: 1, type: 1, version: 1, versionKey: 1, specVersion: 1 };
  if (q.withBody) projection.body = 1;
  // The server measures the body and sends the number: a body past a page's budget never travels.
  if (sized) projection.size = { $strLenBytes: '$body' };
  return { filter, sort: { dateAdded: 1 }, hint: candidateIndex(q), projection };
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
