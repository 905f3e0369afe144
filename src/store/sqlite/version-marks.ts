/**
 * Version marks: per record, the latest date_added among the other versions of
 * the same object that would outrank it. With them, "the last (or first) version
 * among the records added after the bound B" (docs/taxii.md#pipeline) is a column test,
 * `mark IS NULL OR mark <= B`, instead of a subquery per row:
 * - newer_at: latest date_added of a same-spec version with a higher version key
 *   (r is `last` after B unless such a version was added after B);
 * - older_at: the same for lower version keys (`first`);
 * - higher_spec_at: latest date_added of a version with a higher spec version
 *   (r survives the default "latest spec version" unless one was added after B).
 * The marks are kept up to date on every insert (an object's new version is the
 * newest record, so it raises its siblings' marks to its own date_added) and
 * recomputed for an object after a delete. Rivals of another spec version are
 * not in newer_at/older_at, so explicit multi-spec filters use the subqueries.
 */

import type Database from 'better-sqlite3';

type Prepare = (sql: string) => Database.Statement;

export interface Sibling {
  rid: number;
  version_key: string;
  spec_version: string;
  date_added: number;
  versionless: number;
}

export interface Marks {
  newerAt: number | null;
  olderAt: number | null;
  higherSpecAt: number | null;
}

export class VersionMarks {
  constructor(private readonly prepare: Prepare) {}

  /** Every stored version of an object, from the covering index. */
  siblings(coll: number, stixId: string): Sibling[] {
    return this.prepare(
      'SELECT rid, version_key, spec_version, date_added, versionless FROM records INDEXED BY records_by_object WHERE coll = ? AND stix_id = ?',
    ).all(coll, stixId) as Sibling[];
  }

  /** The marks of a record about to be inserted; raises the marks of the siblings it outranks. */
  placeNewest(siblings: Sibling[], record: { versionKey: string; specVersion: string; dateAdded: number }): Marks {
    const marks = marksAmong(siblings, record);
    const raise = (column: string) => this.prepare(`UPDATE records SET ${column} = ? WHERE rid = ?`);
    for (const s of siblings) {
      if (s.spec_version === record.specVersion && s.version_key < record.versionKey) raise('newer_at').run(record.dateAdded, s.rid);
      if (s.spec_version === record.specVersion && s.version_key > record.versionKey) raise('older_at').run(record.dateAdded, s.rid);
      if (s.spec_version < record.specVersion) raise('higher_spec_at').run(record.dateAdded, s.rid);
    }
    return marks;
  }

  /** Recomputes the marks of every record of an object (after a delete or an import). */
  recompute(coll: number, stixId: string): void {
    const all = this.siblings(coll, stixId);
    const update = this.prepare('UPDATE records SET newer_at = ?, older_at = ?, higher_spec_at = ? WHERE rid = ?');
    for (const r of all) {
      const m = marksAmong(
        all.filter((s) => s.rid !== r.rid),
        { versionKey: r.version_key, specVersion: r.spec_version },
      );
      update.run(m.newerAt, m.olderAt, m.higherSpecAt, r.rid);
    }
  }
}

function marksAmong(others: Sibling[], record: { versionKey: string; specVersion: string }): Marks {
  let newerAt: number | null = null;
  let olderAt: number | null = null;
  let higherSpecAt: number | null = null;
  const later = (a: number | null, b: number) => (a === null || b > a ? b : a);
  for (const s of others) {
    if (s.spec_version === record.specVersion && s.version_key > record.versionKey) newerAt = later(newerAt, s.date_added);
    if (s.spec_version === record.specVersion && s.version_key < record.versionKey) olderAt = later(olderAt, s.date_added);
    if (s.spec_version > record.specVersion) higherSpecAt = later(higherSpecAt, s.date_added);
  }
  return { newerAt, olderAt, higherSpecAt };
}
