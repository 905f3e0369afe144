/**
 * The SQLite schema. One row per stored version ("record"); integer keys for
 * collections so rows and indexes stay narrow. Every query of the contract is
 * served by an index:
 * - records_by_date: (coll, date_added) pages in date order, the keyset cursor;
 * - records_by_object: (coll, stix_id, version_key, spec_version, date_added)
 *   finds an object's versions and serves match[id], duplicate detection and the
 *   per-object version selection without touching the table (it covers every
 *   column those checks read). It is not UNIQUE: records are only written inside
 *   an IMMEDIATE transaction that checks for the version first, so uniqueness
 *   holds across processes, and the index can carry the extra columns;
 * - records_by_type: (coll, type, date_added) serves match[type] pages;
 * - newest_records: (coll, date_added, valid_until_key), a partial index of
 *   the newest record of each object (next_added_at IS NULL) only: the
 *   retention sweep's queries (findExpired) read it in date order, test
 *   valid_until_key in the index, and stop at their limit. One index serves
 *   both conditions: each index here costs a new version of a stored object
 *   one more random page write;
 * - tombstones: keyed by (coll, removed_at), polled in that order;
 * - audit: by seq, and by (partnership, seq) for a partnership's trail; each
 *   entry carries its hash chain (see audit-chain.ts), the head is in `meta`.
 * The columns newer_at, older_at, higher_spec_at and next_added_at are marks
 * (see version-marks.ts): version selection and expiry test them instead of
 * running subqueries. owner and submitter are keys of `parties` (see
 * sqlite-parties.ts): records stored before version 3 have party 0, the owner
 * ``, and no submitter.
 */

import type Database from 'better-sqlite3';
import { validUntilKeyOf } from '../contract';

export const SCHEMA_VERSION = 4;

/**
 * The SQL function the migrations call for a record's validUntilKey (the
 * contract's validUntilKeyOf, registered on the connection): the key has a
 * variable-length fraction and the timestamp must be a real instant, which
 * plain SQL cannot check; a malformed value gives NULL.
 */
const VALID_UNTIL_KEY_FUNCTION = 'accord_valid_until_key';

/** Statements that bring an older database to this schema, by the version they start from. */
export const MIGRATIONS: Record<number, string> = {
  1: `DROP INDEX IF EXISTS records_by_version;
      ALTER TABLE records ADD COLUMN newer_at INTEGER;
      ALTER TABLE records ADD COLUMN older_at INTEGER;
      ALTER TABLE records ADD COLUMN higher_spec_at INTEGER;
      UPDATE records AS r SET
        newer_at = (SELECT MAX(s.date_added) FROM records s WHERE s.coll = r.coll AND s.stix_id = r.stix_id AND s.spec_version = r.spec_version AND s.version_key > r.version_key),
        older_at = (SELECT MAX(s.date_added) FROM records s WHERE s.coll = r.coll AND s.stix_id = r.stix_id AND s.spec_version = r.spec_version AND s.version_key < r.version_key),
        higher_spec_at = (SELECT MAX(s.date_added) FROM records s WHERE s.coll = r.coll AND s.stix_id = r.stix_id AND s.spec_version > r.spec_version);`,
  // Records stored before owners have the owner `` (only a steward acts for it) and no known submitter.
  2: `ALTER TABLE records ADD COLUMN owner INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE records ADD COLUMN submitter INTEGER;
      ALTER TABLE records ADD COLUMN valid_until_key TEXT;
      ALTER TABLE records ADD COLUMN next_added_at INTEGER;
      CREATE INDEX IF NOT EXISTS records_by_object ON records (coll, stix_id, version_key, spec_version, date_added);
      UPDATE records SET valid_until_key = ${VALID_UNTIL_KEY_FUNCTION}(type, json_extract(body, '$.valid_until'))
        WHERE type = 'indicator' AND json_valid(body);
      UPDATE records AS r SET
        next_added_at = (SELECT MIN(s.date_added) FROM records s INDEXED BY records_by_object WHERE s.coll = r.coll AND s.stix_id = r.stix_id AND s.date_added > r.date_added)
        WHERE EXISTS (SELECT 1 FROM records s INDEXED BY records_by_object WHERE s.coll = r.coll AND s.stix_id = r.stix_id AND s.date_added > r.date_added);`,
  // Entries written before the hash chain keep no hashes: the unchained prefix (docs/reliability.md#audit-trail).
  3: `ALTER TABLE audit ADD COLUMN prev_hash TEXT;
      ALTER TABLE audit ADD COLUMN hash TEXT;`,
};

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS collections (
  pk INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  last_date_added INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS records (
  rid INTEGER PRIMARY KEY,
  coll INTEGER NOT NULL,
  date_added INTEGER NOT NULL,
  stix_id TEXT NOT NULL,
  type TEXT NOT NULL,
  version TEXT NOT NULL,
  version_key TEXT NOT NULL,
  spec_version TEXT NOT NULL,
  versionless INTEGER NOT NULL,
  body TEXT NOT NULL,
  newer_at INTEGER,
  older_at INTEGER,
  higher_spec_at INTEGER,
  owner INTEGER NOT NULL DEFAULT 0,
  submitter INTEGER,
  valid_until_key TEXT,
  next_added_at INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS records_by_date ON records (coll, date_added);
CREATE INDEX IF NOT EXISTS records_by_object ON records (coll, stix_id, version_key, spec_version, date_added);
CREATE INDEX IF NOT EXISTS records_by_type ON records (coll, type, date_added);
CREATE INDEX IF NOT EXISTS newest_records ON records (coll, date_added, valid_until_key) WHERE next_added_at IS NULL;
CREATE TABLE IF NOT EXISTS parties (
  pk INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE
);
INSERT OR IGNORE INTO parties (pk, text) VALUES (0, '');
CREATE TABLE IF NOT EXISTS tombstones (
  coll INTEGER NOT NULL,
  removed_at INTEGER NOT NULL,
  stix_id TEXT NOT NULL,
  versions TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (coll, removed_at)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS statuses (
  id TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS statuses_by_expiry ON statuses (expires_at);
CREATE TABLE IF NOT EXISTS entities (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  unique_key TEXT,
  refs TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS entities_by_key ON entities (kind, unique_key) WHERE unique_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS entity_refs (
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (kind, ref, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  partnership TEXT,
  entry TEXT NOT NULL,
  prev_hash TEXT,
  hash TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_partnership ON audit (partnership, seq);
`;

/** Creates the schema, or brings an older one up to date, in one transaction. */
export function migrate(db: Database.Database): void {
  db.function(VALID_UNTIL_KEY_FUNCTION, { deterministic: true }, (type: unknown, validUntil: unknown) => validUntilKeyOf(String(type), validUntil));
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const found = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as string | undefined;
    for (let version = Number(found ?? SCHEMA_VERSION); version < SCHEMA_VERSION; version++) db.exec(MIGRATIONS[version] ?? '');
    db.exec(SCHEMA_SQL);
    db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
  }).immediate();
}
