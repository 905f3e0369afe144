/**
 * The embedded SQLite backend (better-sqlite3, WAL). One file in the data
 * directory. better-sqlite3 is synchronous; the contract is async so that other
 * backends fit, and each method here runs to completion in one call.
 */

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreUnavailableError } from '../../errors';
import { formatMicros, timestampKey } from '../../stix/timestamp';
import { nowMicros, type MicroClock } from '../clock';
import type {
  AddOutcome,
  AuditEntry,
  AuditQuery,
  CollectionMark,
  Entity,
  EntityKind,
  NewRecord,
  ObjectsText,
  RecordDump,
  RecordPage,
  RecordQuery,
  Store,
  StoredAuditEntry,
  StoredRecord,
  StoredStatus,
} from '../contract';
import { SqliteDump } from './sqlite-dump';
import { SqliteEntities } from './sqlite-entities';
import { VersionMarks } from './version-marks';
import { objectsTextSql, selectRidsSql, selectSql } from './record-query';
import { MIGRATIONS, SCHEMA_SQL, SCHEMA_VERSION } from './schema';

export interface SqliteOptions {
  /** Path of the database file, or ':memory:'. */
  path: string;
  /** `FULL` makes every acknowledged write survive a power loss; `NORMAL` survives a process crash. */
  synchronous?: 'FULL' | 'NORMAL';
  /** SQLite page cache, in MiB. */
  cacheMegabytes?: number;
  clock?: MicroClock;
}

interface RecordRow {
  date_added: number;
  stix_id: string;
  type: string;
  version: string;
  spec_version: string;
  body?: string;
}

interface ExistingRow {
  date_added: number;
  version: string;
  body: string;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly clock: MicroClock;
  private readonly collectionPks = new Map<string, number>();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly entities: SqliteEntities;
  private readonly marks: VersionMarks;
  private readonly dump: SqliteDump;

  private constructor(db: Database.Database, clock: MicroClock) {
    this.db = db;
    this.clock = clock;
    this.entities = new SqliteEntities(db, (sql) => this.statement(sql));
    this.marks = new VersionMarks((sql) => this.statement(sql));
    this.dump = new SqliteDump(db, (sql) => this.statement(sql), (id) => this.collectionPk(id, true)!, this.marks);
  }

  static open(options: SqliteOptions): SqliteStore {
    try {
      if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
      const db = new Database(options.path);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      db.pragma('busy_timeout = 5000');
      // A larger page cache than the default 2 MB keeps the object index's upper
      // levels in memory as the collection grows (its random UUID keys).
      db.pragma(`cache_size = -${(options.cacheMegabytes ?? 32) * 1024}`);
      db.pragma('temp_store = MEMORY');
      // Index pages dirtied by one envelope are dirtied again by the next: checkpointing
      // every 64 MB of WAL instead of 4 MB writes each page back once, not each time.
      db.pragma('wal_autocheckpoint = 16384');
      migrate(db);
      return new SqliteStore(db, options.clock ?? nowMicros);
    } catch (error) {
      throw new StoreUnavailableError(`Cannot open the SQLite store at ${options.path}: ${(error as Error).message}`);
    }
  }

  async addRecords(collectionId: string, records: NewRecord[]): Promise<AddOutcome[]> {
    return this.guard(() => this.db.transaction(() => this.insertAll(collectionId, records)).immediate());
  }

  async findRecords(query: RecordQuery): Promise<RecordPage> {
    return this.guard(() => {
      const pk = this.collectionPk(query.collectionId, false);
      if (pk === undefined) return { records: [], more: false };
      const { sql, params } = selectSql(query, pk);
      const rows = this.statement(sql).all(params) as RecordRow[];
      const more = query.limit !== undefined && rows.length > query.limit;
      if (more) rows.pop();
      return { records: rows.map(toStoredRecord), more };
    });
  }

  async findObjectsText(query: RecordQuery): Promise<ObjectsText> {
    return this.guard(() => {
      const pk = this.collectionPk(query.collectionId, false);
      if (pk === undefined) return { parts: [], count: 0, more: false };
      const page = objectsTextSql(query, pk);
      const rows = this.statement(page.sql).all(page.params) as Array<{ n: number; first: number; last: number; text: string }>;
      if (rows.length === 0) return { parts: [], count: 0, more: false };
      const last = rows[rows.length - 1]!.last;
      // Is there a record past this page, under the same bound and version selection?
      const probe = selectSql({ ...query, limit: 1, offset: 0, withBody: false }, pk, 0, last);
      const more = this.statement(probe.sql).get(probe.params) !== undefined;
      return {
        parts: rows.map((r) => r.text),
        count: rows.reduce((sum, r) => sum + r.n, 0),
        firstDateAdded: rows[0]!.first,
        lastDateAdded: last,
        more,
      };
    });
  }

  async countRecords(query: RecordQuery): Promise<number> {
    return this.guard(() => {
      const pk = this.collectionPk(query.collectionId, false);
      if (pk === undefined) return 0;
      const { sql, params } = selectRidsSql(query, pk);
      return this.statement(`SELECT COUNT(*) FROM (${sql})`).pluck().get(params) as number;
    });
  }

  async deleteRecords(query: RecordQuery): Promise<number> {
    return this.guard(() => {
      const pk = this.collectionPk(query.collectionId, false);
      if (pk === undefined) return 0;
      const { sql, params } = selectRidsSql(query, pk);
      return this.db
        .transaction(() => {
          const rids = this.statement(sql).pluck().all(params) as number[];
          const remove = this.statement('DELETE FROM records WHERE rid = ? RETURNING stix_id');
          const touched = new Set<string>();
          for (const rid of rids) touched.add((remove.get(rid) as { stix_id: string }).stix_id);
          for (const stixId of touched) this.marks.recompute(pk, stixId);
          return rids.length;
        })
        .immediate();
    });
  }

  async hasObject(collectionId: string, id: string): Promise<boolean> {
    return this.guard(() => {
      const pk = this.collectionPk(collectionId, false);
      if (pk === undefined) return false;
      return this.statement('SELECT 1 FROM records WHERE coll = ? AND stix_id = ? LIMIT 1').get(pk, id) !== undefined;
    });
  }

  async putStatus(status: StoredStatus): Promise<void> {
    this.guard(() =>
      this.statement('INSERT OR REPLACE INTO statuses (id, expires_at, doc) VALUES (?, ?, ?)').run(
        status.id,
        status.expiresAt,
        JSON.stringify(status),
      ),
    );
  }

  async getStatus(id: string, now: number): Promise<StoredStatus | null> {
    return this.guard(() => {
      const doc = this.statement('SELECT doc FROM statuses WHERE id = ? AND expires_at > ?').pluck().get(id, now) as
        | string
        | undefined;
      return doc === undefined ? null : (JSON.parse(doc) as StoredStatus);
    });
  }

  async purgeStatuses(now: number): Promise<number> {
    return this.guard(() => this.statement('DELETE FROM statuses WHERE expires_at <= ?').run(now).changes);
  }

  async createEntity(entity: Entity): Promise<void> {
    this.guard(() => this.entities.create(entity));
  }

  async replaceEntity(entity: Entity): Promise<void> {
    this.guard(() => this.entities.replace(entity));
  }

  async getEntity(kind: EntityKind, id: string): Promise<Entity | null> {
    return this.guard(() => this.entities.get(kind, id));
  }

  async findEntityByKey(kind: EntityKind, uniqueKey: string): Promise<Entity | null> {
    return this.guard(() => this.entities.findByKey(kind, uniqueKey));
  }

  async listEntities(kind: EntityKind, ref?: string): Promise<Entity[]> {
    return this.guard(() => this.entities.list(kind, ref));
  }

  async deleteEntity(kind: EntityKind, id: string): Promise<boolean> {
    return this.guard(() => this.entities.delete(kind, id));
  }

  async appendAudit(entries: AuditEntry[]): Promise<void> {
    this.guard(() => this.db.transaction(() => entries.forEach((entry) => this.entities.appendAudit(entry)))());
  }

  async listAudit(query: AuditQuery): Promise<{ entries: StoredAuditEntry[]; more: boolean }> {
    return this.guard(() => this.entities.listAudit(query));
  }

  async getOrCreateSecret(name: string, create: () => string): Promise<string> {
    return this.guard(() => {
      const key = `secret:${name}`;
      this.statement('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(key, create());
      return this.statement('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string;
    });
  }

  async listCollections(): Promise<CollectionMark[]> {
    return this.guard(() => this.dump.listCollections());
  }

  async exportRecords(collectionId: string, after: number | undefined, limit: number): Promise<RecordDump[]> {
    return this.guard(() => {
      const pk = this.collectionPk(collectionId, false);
      return pk === undefined ? [] : this.dump.exportRecords(pk, after, limit);
    });
  }

  async importRecords(collectionId: string, records: RecordDump[], lastDateAdded?: number): Promise<void> {
    this.guard(() => this.dump.importRecords(collectionId, records, lastDateAdded));
  }

  async listStatuses(afterId: string | undefined, limit: number): Promise<StoredStatus[]> {
    return this.guard(() => this.dump.listStatuses(afterId, limit));
  }

  async listSecrets(): Promise<Array<{ name: string; value: string }>> {
    return this.guard(() => this.dump.listSecrets());
  }

  async ping(): Promise<void> {
    this.guard(() => this.statement('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Runs inside an IMMEDIATE transaction, so date_added is assigned and committed in order across processes. */
  private insertAll(collectionId: string, records: NewRecord[]): AddOutcome[] {
    const pk = this.collectionPk(collectionId, true)!;
    let last = this.statement('SELECT last_date_added FROM collections WHERE pk = ?').pluck().get(pk) as number;
    const readExisting = this.statement('SELECT date_added, version, body FROM records WHERE rid = ?');
    const insert = this.statement(
      `INSERT INTO records (coll, date_added, stix_id, type, version, version_key, spec_version, versionless, body, newer_at, older_at, higher_spec_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const outcomes: AddOutcome[] = [];
    for (const record of records) {
      // The object's versions so far (usually none): duplicate check and version marks in one index read.
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
      const dateAdded = Math.max(this.clock(), last + 1);
      last = dateAdded;
      const version = record.version ?? formatMicros(dateAdded);
      const versionKey = record.versionKey ?? timestampKey(version);
      const m = this.marks.placeNewest(siblings, { versionKey, specVersion: record.specVersion, dateAdded });
      insert.run(pk, dateAdded, record.id, record.type, version, versionKey, record.specVersion, record.versionKey === null ? 1 : 0, record.body, m.newerAt, m.olderAt, m.higherSpecAt);
      outcomes.push({ kind: 'added', dateAdded, version });
    }
    this.statement('UPDATE collections SET last_date_added = ? WHERE pk = ?').run(last, pk);
    return outcomes;
  }

  private collectionPk(collectionId: string, create: boolean): number | undefined {
    const cached = this.collectionPks.get(collectionId);
    if (cached !== undefined) return cached;
    if (create) this.statement('INSERT OR IGNORE INTO collections (id) VALUES (?)').run(collectionId);
    const pk = this.statement('SELECT pk FROM collections WHERE id = ?').pluck().get(collectionId) as number | undefined;
    if (pk !== undefined) this.collectionPks.set(collectionId, pk);
    return pk;
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof Database.SqliteError) {
        throw new StoreUnavailableError(`The SQLite store failed: ${error.code}`);
      }
      throw error;
    }
  }
}

/** Creates the schema, or brings an older one up to date, in one transaction. */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const found = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as string | undefined;
    for (let version = Number(found ?? SCHEMA_VERSION); version < SCHEMA_VERSION; version++) db.exec(MIGRATIONS[version] ?? '');
    db.exec(SCHEMA_SQL);
    db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
  }).immediate();
}

function toStoredRecord(row: RecordRow): StoredRecord {
  const record: StoredRecord = {
    id: row.stix_id,
    type: row.type,
    version: row.version,
    specVersion: row.spec_version,
    dateAdded: row.date_added,
  };
  if (row.body !== undefined) record.body = row.body;
  return record;
}
