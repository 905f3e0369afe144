/**
 * Writing records in SQLite, inside the store's IMMEDIATE transactions: each
 * added record's duplicate check, owner check and version marks come from one
 * read of the object's versions on the covering records_by_object index.
 */

import type Database from 'better-sqlite3';
import { formatMicros, timestampKey } from '../../stix/timestamp';
import type { MicroClock } from '../clock';
import { actsFor, bytesOverStoreLimit, indicatorsOnly, type AddOutcome, type MayActFor, type NewRecord, type RemovedRecord } from '../contract';
import { submitterText, type SqliteParties } from './sqlite-parties';
import type { VersionMarks } from './version-marks';

type Prepare = (sql: string) => Database.Statement;

interface ExistingRow {
  date_added: number;
  version: string;
  body: string;
}

export class SqliteRecordWriter {
  constructor(
    private readonly prepare: Prepare,
    private readonly marks: VersionMarks,
    private readonly parties: SqliteParties,
    private readonly clock: MicroClock,
  ) {}

  /** Outside the transaction: the owners and submitters a call may write get their keys. */
  prepareParties(records: NewRecord[]): void {
    this.parties.remember(records.flatMap((r) => [r.owner, submitterText(r.submitter)]));
  }

  /**
   * Inside an IMMEDIATE transaction, after prepareParties: each record sees the
   * ones before it, of this call included.
   */
  insertAll(pk: number, records: NewRecord[], mayActFor: MayActFor): AddOutcome[] {
    let last = this.prepare('SELECT last_date_added FROM collections WHERE pk = ?').pluck().get(pk) as number;
    const readExisting = this.prepare('SELECT date_added, version, body FROM records WHERE rid = ?');
    const readOwner = this.prepare('SELECT owner FROM records WHERE rid = ?').pluck();
    const insert = this.prepare(
      `INSERT INTO records (coll, date_added, stix_id, type, version, version_key, spec_version, versionless, body, newer_at, older_at, higher_spec_at,
         owner, submitter, valid_until_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const outcomes: AddOutcome[] = [];
    for (const record of records) {
      // The limit MongoDB must keep, kept here too so that both backends give one answer.
      const bytes = bytesOverStoreLimit(record.body);
      if (bytes !== null) {
        outcomes.push({ kind: 'too-large', bytes });
        continue;
      }
      // The object's versions so far (usually none): duplicate check, owner and version marks from one index read.
      const siblings = this.marks.siblings(pk, record.id);
      const same =
        record.versionKey === null
          ? siblings.find((s) => s.versionless === 1)
          : siblings.find((s) => s.versionless === 0 && s.version_key === record.versionKey);
      if (same) {
        const existing = readExisting.get(same.rid) as ExistingRow;
        outcomes.push({
          kind: 'duplicate',
          dateAdded: existing.date_added,
          version: existing.version,
          sameContent: existing.body === record.body,
        });
        continue;
      }
      let owner = this.parties.keyOf(record.owner);
      if (siblings.length > 0) {
        // The object's owner is its first record's: one lookup by rowid, only for a new version of a stored object.
        const first = siblings.reduce((a, b) => (b.date_added < a.date_added ? b : a));
        owner = readOwner.get(first.rid) as number;
        if (!actsFor(mayActFor, this.parties.textOf(owner))) {
          outcomes.push({ kind: 'owned', owner: this.parties.textOf(owner) });
          continue;
        }
      }
      const dateAdded = Math.max(this.clock(), last + 1);
      last = dateAdded;
      const version = record.version ?? formatMicros(dateAdded);
      const versionKey = record.versionKey ?? timestampKey(version);
      const m = this.marks.placeNewest(siblings, { versionKey, specVersion: record.specVersion, dateAdded });
      insert.run(
        pk, dateAdded, record.id, record.type, version, versionKey, record.specVersion, record.versionKey === null ? 1 : 0, record.body,
        m.newerAt, m.olderAt, m.higherSpecAt, owner, this.parties.keyOf(submitterText(record.submitter)), indicatorsOnly(record),
      );
      outcomes.push({ kind: 'added', dateAdded, version });
    }
    this.prepare('UPDATE collections SET last_date_added = ? WHERE pk = ?').run(last, pk);
    return outcomes;
  }

  /** Inside a transaction: deletes these records, recomputes the marks of their objects, and says what went. */
  deleteAll(pk: number, rids: number[]): RemovedRecord[] {
    const remove = this.prepare('DELETE FROM records WHERE rid = ? RETURNING stix_id AS id, version, version_key AS versionKey, date_added AS dateAdded');
    const removed = rids.map((rid) => remove.get(rid) as RemovedRecord);
    for (const stixId of new Set(removed.map((r) => r.id))) this.marks.recompute(pk, stixId);
    return removed;
  }
}
