/**
 * Which records a RecordQuery selects, stated once and without a database.
 * MongoDB decides each candidate with isSelected; SQLite answers the same
 * question in SQL over its version marks, for speed, and the contract suite
 * checks every backend against selectRecords (TAXII 2.1 §3.4.1).
 */

import type { RecordQuery } from './contract';

/** A stored record as selection sees it. */
export interface SelectableRecord {
  collectionId: string;
  id: string;
  type: string;
  version: string;
  versionKey: string;
  specVersion: string;
  dateAdded: number;
}

/**
 * The versions one object has in one spec version among the records that
 * remain (see isRemaining), by their lowest and highest version key: all that
 * deciding on one record needs to know about the others of its object.
 */
export interface VersionRange {
  specVersion: string;
  minKey: string;
  maxKey: string;
}

type Selection = Pick<RecordQuery, 'specVersions' | 'versions'>;

/** True when the query can select nothing at all (`match[version]` with no selector left). */
export function selectsNothing(q: Pick<RecordQuery, 'versions'>): boolean {
  return !q.versions.all && !q.versions.first && !q.versions.last && q.versions.at.length === 0;
}

/** True when deciding on a record needs the other records of its object. */
export function needsRivals(q: Selection): boolean {
  return q.specVersions === 'latest' || (!q.versions.all && (q.versions.first || q.versions.last));
}

/**
 * True when a record is among those version selection is relative to: in the
 * collection, added after the bound, of a listed spec version. The id and type
 * filters do not narrow them: they keep or drop an object whole (a STIX id
 * starts with its type).
 */
export function isRemaining(record: SelectableRecord, q: RecordQuery): boolean {
  return (
    record.collectionId === q.collectionId &&
    (q.after === undefined || record.dateAdded > q.after) &&
    (!Array.isArray(q.specVersions) || q.specVersions.includes(record.specVersion))
  );
}

/** True when a record passes the `match[id]` and `match[type]` filters. */
export function matchesObject(record: SelectableRecord, q: RecordQuery): boolean {
  return (q.ids === undefined || q.ids.includes(record.id)) && (q.types === undefined || q.types.includes(record.type));
}

/**
 * Whether a remaining record is selected, given the version ranges of its
 * object (every remaining record of its id, itself included). Version keys and
 * spec versions compare as plain strings, as the backends compare them.
 */
export function isSelected(record: { versionKey: string; specVersion: string }, ranges: readonly VersionRange[], q: Selection): boolean {
  let rivals = ranges;
  if (q.specVersions === 'latest') {
    // TAXII 2.1 §3.4.1: without match[spec_version], only the object's latest spec version.
    if (ranges.some((r) => r.specVersion > record.specVersion)) return false;
    rivals = ranges.filter((r) => r.specVersion === record.specVersion);
  }
  const v = q.versions;
  if (v.all) return true;
  // TAXII 2.1 §3.4.1: first, last and exact instants are ORed.
  const key = record.versionKey;
  if (v.first && !rivals.some((r) => r.minKey < key)) return true;
  if (v.last && !rivals.some((r) => r.maxKey > key)) return true;
  return v.at.includes(key);
}

/** Adds a record to the version ranges of its object, by id. */
export function widenRanges(into: Map<string, VersionRange[]>, record: Pick<SelectableRecord, 'id' | 'versionKey' | 'specVersion'>): void {
  const ranges = into.get(record.id) ?? [];
  if (ranges.length === 0) into.set(record.id, ranges);
  const range = ranges.find((r) => r.specVersion === record.specVersion);
  if (range === undefined) ranges.push({ specVersion: record.specVersion, minKey: record.versionKey, maxKey: record.versionKey });
  else {
    if (record.versionKey < range.minKey) range.minKey = record.versionKey;
    if (record.versionKey > range.maxKey) range.maxKey = record.versionKey;
  }
}

/**
 * Every record the query selects among `records`, in dateAdded order, ignoring
 * offset and limit: what countRecords counts and deleteRecords deletes.
 */
export function selectAll<R extends SelectableRecord>(records: readonly R[], q: RecordQuery): R[] {
  if (selectsNothing(q)) return [];
  const remaining = records.filter((r) => isRemaining(r, q));
  const ranges = new Map<string, VersionRange[]>();
  for (const r of remaining) widenRanges(ranges, r);
  return remaining
    .filter((r) => matchesObject(r, q) && isSelected(r, ranges.get(r.id) ?? [], q))
    .sort((a, b) => a.dateAdded - b.dateAdded);
}

/** The page findRecords returns for the query: offset and limit applied, `more` when a record follows. */
export function selectRecords<R extends SelectableRecord>(records: readonly R[], q: RecordQuery): { records: R[]; more: boolean } {
  const selected = selectAll(records, q).slice(q.offset ?? 0);
  if (q.limit === undefined || selected.length <= q.limit) return { records: selected, more: false };
  return { records: selected.slice(0, q.limit), more: true };
}
