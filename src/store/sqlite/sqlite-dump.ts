/**
 * Reading and writing a whole SQLite store for `accord store copy`: collections
 * with their last dateAdded, records exactly as stored (owner and submitter
 * included), statuses and secrets.
 */

import type Database from 'better-sqlite3';
import { checkImportable } from '../import-checks';
import { indicatorsOnly, type CollectionMark, type RecordDump, type StoredStatus } from '../contract';
import { submitterText, type SqliteParties } from './sqlite-parties';
import type { VersionMarks } from './version-marks';

type Prepare = (sql: string) => Database.Statement;

interface DumpRow {
  stix_id: string;
  type: string;
  version: string;
  version_key: string;
  spec_version: string;
  versionless: number;
  date_added: number;
  body: string;
  owner: number;
  submitter: number | null;
  valid_until_key: string | null;
}

export class SqliteDump {
  constructor(
    private readonly db: Database.Database,
    private readonly prepare: Prepare,
    /** The collection's integer key, created when missing. */
    private readonly collectionPk: (collectionId: string) => number,
    private readonly marks: VersionMarks,
    private readonly parties: SqliteParties,
  ) {}

  listCollections(): CollectionMark[] {
    const rows = this.prepare('SELECT id, last_date_added FROM collections ORDER BY id').all() as Array<{ id: string; last_date_added: number }>;
    return rows.map((row) => ({ id: row.id, lastDateAdded: row.last_date_added }));
  }

  exportRecords(pk: number, after: number | undefined, limit: number): RecordDump[] {
    const rows = this.prepare(
      `SELECT stix_id, type, version, version_key, spec_version, versionless, date_added, body, owner, submitter, valid_until_key
       FROM records INDEXED BY records_by_date WHERE coll = ? AND date_added > ? ORDER BY date_added LIMIT ?`,
    ).all(pk, after ?? Number.MIN_SAFE_INTEGER, limit) as DumpRow[];
    return rows.map((row) => ({
      id: row.stix_id,
      type: row.type,
      version: row.version,
      versionKey: row.version_key,
      specVersion: row.spec_version,
      versionless: row.versionless === 1,
      dateAdded: row.date_added,
      body: row.body,
      owner: this.parties.textOf(row.owner),
      submitter: this.parties.submitterOf(row.submitter),
      validUntilKey: row.valid_until_key,
    }));
  }

  importRecords(collectionId: string, records: RecordDump[], lastDateAdded: number | undefined): void {
    // Outside the transaction: a rolled-back import must not leave a cached key without its row.
    const pk = this.collectionPk(collectionId);
    const submitters = records.map((r) => (r.submitter === null ? null : submitterText(r.submitter)));
    this.parties.remember([...records.map((r) => r.owner), ...submitters.flatMap((text) => (text === null ? [] : [text]))]);
    this.db.transaction(() => {
      let last = this.prepare('SELECT last_date_added FROM collections WHERE pk = ?').pluck().get(pk) as number;
      const insert = this.prepare(
        `INSERT INTO records (coll, date_added, stix_id, type, version, version_key, spec_version, versionless, body, newer_at, older_at, higher_spec_at,
           owner, submitter, valid_until_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      records.forEach((r, i) => {
        const siblings = this.marks.siblings(pk, r.id);
        const taken = siblings.some((s) => s.version_key === r.versionKey || (r.versionless && s.versionless === 1));
        checkImportable(collectionId, r, last, taken);
        // Each imported record is the collection's newest so far, as when it was first added.
        const m = this.marks.placeNewest(siblings, { versionKey: r.versionKey, specVersion: r.specVersion, dateAdded: r.dateAdded });
        const submitter = submitters[i]!;
        insert.run(
          pk, r.dateAdded, r.id, r.type, r.version, r.versionKey, r.specVersion, r.versionless ? 1 : 0, r.body,
          m.newerAt, m.olderAt, m.higherSpecAt, this.parties.keyOf(r.owner), submitter === null ? null : this.parties.keyOf(submitter), indicatorsOnly(r),
        );
        last = r.dateAdded;
      });
      this.prepare('UPDATE collections SET last_date_added = ? WHERE pk = ?').run(Math.max(last, lastDateAdded ?? 0), pk);
    }).immediate();
  }

  listStatuses(afterId: string | undefined, limit: number): StoredStatus[] {
    const docs = this.prepare('SELECT doc FROM statuses WHERE id > ? ORDER BY id LIMIT ?').pluck().all(afterId ?? '', limit) as string[];
    return docs.map((doc) => JSON.parse(doc) as StoredStatus);
  }

  listSecrets(): Array<{ name: string; value: string }> {
    const rows = this.prepare("SELECT key, value FROM meta WHERE key >= 'secret:' AND key < 'secret;' ORDER BY key").all() as Array<{
      key: string;
      value: string;
    }>;
    return rows.map((row) => ({ name: row.key.slice('secret:'.length), value: row.value }));
  }
}
