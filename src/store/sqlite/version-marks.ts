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
 * One more mark serves retention rather than selection:
 * - next_added_at: date_added of the object's next record in date order, NULL
 *   for its newest record, the one expiry is judged by (findExpired).
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
    const newest = siblings.reduce<Sibling | undefined>((a, b) => (a === undefined || b.date_added > a.date_added ? b : a), undefined);
    for (const s of siblings) {
      // Every mark a sibling gets takes the new record's date_added: one row update each.
      const raised: string[] = [];
      if (s.spec_version === record.specVersion && s.version_key < record.versionKey) raised.push('newer_at');
      if (s.spec_version === record.specVersion && s.version_key > record.versionKey) raised.push('older_at');
      if (s.spec_version < record.specVersion) raised.push('higher_spec_at');
      if (s === newest) raised.push('next_added_at');
      if (raised.length === 0) continue;
      const sets = raised.map((column) => `${column} = @at`).join(', ');
      this.prepare(`UPDATE records SET ${sets} WHERE rid = @rid`).run({ at: record.dateAdded, rid: s.rid });
    }
    return marks;
  }

  /** Recomputes the marks of every record of an object (after a delete or an import). */
  recompute(coll: number, stixId: string): void {
    const all = this.siblings(coll, stixId).sort((a, b) => a.date_added - b.date_added);
    const update = this.prepare('UPDATE records SET newer_at = ?, older_at = ?, higher_spec_at = ?, next_added_at = ? WHERE rid = ?');
    all.forEach((r, i) => {
      const m = marksAmong(
        all.filter((s) => s.rid !== r.rid),
        { versionKey: r.version_key, specVersion: r.spec_version },
      );
      update.run(m.newerAt, m.olderAt, m.higherSpecAt, all[i + 1]?.date_added ?? null, r.rid);
    });
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
