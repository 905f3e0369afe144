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
 * - records_by_type: (coll, type, date_added) serves match[type] pages.
 * The columns newer_at, older_at and higher_spec_at are version marks (see
 * version-marks.ts): version selection tests them instead of running subqueries.
 */

export const SCHEMA_VERSION = 2;

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
  higher_spec_at INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS records_by_date ON records (coll, date_added);
CREATE INDEX IF NOT EXISTS records_by_object ON records (coll, stix_id, version_key, spec_version, date_added);
CREATE INDEX IF NOT EXISTS records_by_type ON records (coll, type, date_added);
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
  entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_partnership ON audit (partnership, seq);
`;
