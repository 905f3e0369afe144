/**
 * Translates a contract RecordQuery into MongoDB queries, as pure functions, and
 * decides version selection the way src/store/sqlite/record-query.ts does.
 *
 * A page is read in two kinds of query, both on an index:
 * - candidates: the records passing the per-record filters (bound, ids, types,
 *   listed spec versions, exact instants when only those are asked), in
 *   dateAdded order, by records_by_version for ids, records_by_type for types
 *   (one ordered index scan per type, merged), otherwise records_by_date;
 * - rivals: for the ids among the candidates, the lowest and highest versionKey
 *   per spec version among that object's records after the bound (and in the
 *   listed spec versions), grouped on records_by_version.
 *
 * Version selection is relative to the records left after the bound and the
 * spec-version filter (docs/taxii.md#pipeline): a record is the `last` of its object when
 * no other remaining record of the same id has a later version; with `latest`,
 * only records of the object's highest remaining spec version remain, and first
 * and last are chosen among those.
 */

import type { Document, Filter } from 'mongodb';
import type { RecordQuery, StoredRecord } from '../contract';
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

/** True when the query can select nothing at all (`match[version]` with no selector left). */
export function selectsNothing(q: RecordQuery): boolean {
  return !q.versions.all && !q.versions.first && !q.versions.last && q.versions.at.length === 0;
}

/** True when deciding on a record needs the other records of its object. */
export function needsRivals(q: RecordQuery): boolean {
  return q.specVersions === 'latest' || (!q.versions.all && (q.versions.first || q.versions.last));
}

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

export function candidateQuery(q: RecordQuery, withId = false): CandidateQuery {
  const filter = remainingConditions(q);
  if (q.ids !== undefined) filter.stixId = { $in: q.ids };
  if (q.types !== undefined) filter.type = { $in: q.types };
  const v = q.versions;
  // Only exact instants asked: the instant is a per-record condition and can narrow the candidates.
  if (!v.all && !v.first && !v.last) filter.versionKey = { $in: v.at };
  const projection: Document = { _id: withId ? 1 : 0, dateAdded: 1, stixId: 1, type: 1, version: 1, versionKey: 1, specVersion: 1 };
  if (q.withBody) projection.body = 1;
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

/**
 * Whether a candidate is selected, given its object's rival groups (every
 * remaining record of the id, the candidate included). Versions and spec
 * versions are compared as plain strings, as MongoDB and SQLite both do.
 */
export function isSelected(candidate: CandidateDoc, groups: RivalGroup[], q: RecordQuery): boolean {
  let rivals = groups;
  if (q.specVersions === 'latest') {
    // TAXII 2.1 §3.4.1: without match[spec_version], only the object's latest spec version.
    if (groups.some((g) => g._id.specVersion > candidate.specVersion)) return false;
    rivals = groups.filter((g) => g._id.specVersion === candidate.specVersion);
  }
  const v = q.versions;
  if (v.all) return true;
  const key = candidate.versionKey;
  if (v.first && !rivals.some((g) => g.minKey < key)) return true;
  if (v.last && !rivals.some((g) => g.maxKey > key)) return true;
  return v.at.includes(key);
}

/** Groups rival rows by object id. */
export function groupRivals(rows: RivalGroup[], into: Map<string, RivalGroup[]> = new Map()): Map<string, RivalGroup[]> {
  for (const row of rows) {
    const list = into.get(row._id.stixId);
    if (list) list.push(row);
    else into.set(row._id.stixId, [row]);
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
