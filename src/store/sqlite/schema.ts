/**
 * The SQLite schema. One row per stored version ("record"); integer keys for
 * collections so rows and indexes stay narrow. Every query of the contract is
 * served by an index:
 * - records_by_date: (coll, date_added) pages in date order, the keyset cursor;
 * - records_by_version: (coll, stix_id, version_key) finds an object's versions,
 *   serves match[id], version selection and duplicate detection (unique);
 * - records_by_type: (coll, type, date_added) serves match[type] pages.
 */

export const SCHEMA_VERSION = 1;

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
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS records_by_date ON records (coll, date_added);
CREATE UNIQUE INDEX IF NOT EXISTS records_by_version ON records (coll, stix_id, version_key);
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
