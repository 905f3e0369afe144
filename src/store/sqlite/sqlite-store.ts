/**
 * The embedded SQLite backend (better-sqlite3, WAL). One file in the data
 * directory. better-sqlite3 is synchronous; the contract is async so that other
 * backends fit, and each method here runs to completion in one call.
 */

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreDamagedError, StoreUnavailableError } from '../../errors';
import { formatMicros } from '../../stix/timestamp';
import { nowMicros, type MicroClock } from '../clock';
import { OBJECTS_PER_PART } from '../contract';
import type {
  AddOutcome,
  AuditEntry,
  AuditHead,
  AuditQuery,
  CollectionMark,
  Entity,
  EntityKind,
  ExpiredObject,
  ExpiryQuery,
  MayActFor,
  NewRecord,
  ObjectsText,
  RecordDump,
  RecordPage,
  RecordQuery,
  Removal,
  Store,
  StoreOrigin,
  StoredAuditEntry,
  StoredRecord,
  StoredStatus,
  Tombstone,
  VersionProvenance,
} from '../contract';
import { SqliteDump } from './sqlite-dump';
import { SqliteParties } from './sqlite-parties';
import { SqliteEntities } from './sqlite-entities';
import { SqliteTombstones } from './sqlite-tombstones';
import { VersionMarks } from './version-marks';
import { expiredSql, objectsTextSql, PROVENANCE_SQL, selectRidsSql, selectSql } from './record-query';
import { isDamageCode, sqliteCodeOf } from './integrity';
import { ensureOrigin, markSeeded, readOrigin } from './origin';
import { SqliteRecordWriter } from './record-writer';
import { migrate } from './schema';

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

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly collectionPks = new Map<string, number>();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly entities: SqliteEntities;
  private readonly marks: VersionMarks;
  private readonly dump: SqliteDump;
  private readonly tombstones: SqliteTombstones;
  private readonly writer: SqliteRecordWriter;
  private readonly parties: SqliteParties;

  private constructor(db: Database.Database, clock: MicroClock) {
    this.db = db;
    this.entities = new SqliteEntities(db, (sql) => this.statement(sql));
    this.marks = new VersionMarks((sql) => this.statement(sql));
    this.parties = new SqliteParties((sql) => this.statement(sql));
    this.dump = new SqliteDump(db, (sql) => this.statement(sql), (id) => this.collectionPk(id, true)!, this.marks, this.parties);
    this.tombstones = new SqliteTombstones((sql) => this.statement(sql), clock);
    this.writer = new SqliteRecordWriter((sql) => this.statement(sql), this.marks, this.parties, clock);
  }

  static open(options: SqliteOptions): SqliteStore {
    let db: Database.Database | undefined;
    try {
      if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
      db = new Database(options.path);
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
      const clock = options.clock ?? nowMicros;
      ensureOrigin(db, formatMicros(clock()));
      return new SqliteStore(db, clock);
    } catch (error) {
      db?.close();
      const code = sqliteCodeOf(error);
      if (code !== undefined && isDamageCode(code)) {
        throw new StoreDamagedError(
          `The store file ${options.path} is damaged (${code}: ${(error as Error).message}). Restore it from a backup; \`accord store check\` lists what is damaged (docs/reliability.md#damaged-stores).`,
        );
      }
      throw new StoreUnavailableError(`Cannot open the SQLite store at ${options.path}: ${(error as Error).message}`);
    }
  }

  async addRecords(collectionId: string, records: NewRecord[], mayActFor: MayActFor): Promise<AddOutcome[]> {
    return this.guard(() => {
      const pk = this.collectionPk(collectionId, true)!;
      this.writer.prepareParties(records);
      // IMMEDIATE: date_added is assigned and committed in order across processes.
      return this.db.transaction(() => this.writer.insertAll(pk, records, mayActFor)).immediate();
    });
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

  async findObjectsText(query: RecordQuery, budgetBytes?: number): Promise<ObjectsText> {
    return this.guard(() => {
      const pk = this.collectionPk(query.collectionId, false);
      if (pk === undefined) return { parts: [], count: 0, more: false };
      const page = objectsTextSql(query, pk, budgetBytes);
      // Rows as [date_added, body] arrays: no object per row on the hot read path.
      const rows = this.statement(page.sql).raw(true).all(page.params) as Array<[number, string]>;
      if (rows.length === 0) return { parts: [], count: 0, more: false };
      const last = rows[rows.length - 1]![0];
      // Is there a record past this page (cut by its limit or its budget), under the same bound and version selection?
      const probe = selectSql({ ...query, limit: 1, offset: 0, withBody: false }, pk, 0, last);
      const more = this.statement(probe.sql).get(probe.params) !== undefined;
      const parts: string[] = [];
      for (let i = 0; i < rows.length; i += OBJECTS_PER_PART) parts.push(rows.slice(i, i + OBJECTS_PER_PART).map((row) => row[1]).join(','));
      return { parts, count: rows.length, firstDateAdded: rows[0]![0], lastDateAdded: last, more };
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

  async deleteRecords(query: RecordQuery, removal: Removal): Promise<number> {
    return this.guard(() => {
      const pk = this.collectionPk(query.collectionId, false);
      if (pk === undefined) return 0;
      const { sql, params } = selectRidsSql(query, pk);
      return this.db
        .transaction(() => {
          const removed = this.writer.deleteAll(pk, this.statement(sql).pluck().all(params) as number[]);
          this.tombstones.leave(pk, removed, removal);
          return removed.length;
        })
        .immediate();
    });
  }

  async provenance(collectionId: string, id: string): Promise<VersionProvenance[]> {
    return this.guard(() => {
      const pk = this.collectionPk(collectionId, false);
      if (pk === undefined) return [];
      const rows = this.statement(PROVENANCE_SQL).all(pk, id) as Array<{ version: string; spec_version: string; date_added: number; owner: number; submitter: number | null }>;
      return rows.map((row) => ({
        version: row.version,
        specVersion: row.spec_version,
        dateAdded: row.date_added,
        owner: this.parties.textOf(row.owner),
        submitter: this.parties.submitterOf(row.submitter),
      }));
    });
  }

  async findExpired(query: ExpiryQuery): Promise<ExpiredObject[]> {
    return this.guard(() => {
      const pk = this.collectionPk(query.collectionId, false);
      if (pk === undefined) return [];
      const found = expiredSql(query, pk);
      return found === null ? [] : (this.statement(found.sql).all(found.params) as ExpiredObject[]);
    });
  }

  async listTombstones(collectionId: string, after: number | undefined, limit: number): Promise<{ tombstones: Tombstone[]; more: boolean }> {
    return this.guard(() => {
      const pk = this.collectionPk(collectionId, false);
      return pk === undefined ? { tombstones: [], more: false } : this.tombstones.list(pk, after, limit);
    });
  }

  async purgeTombstones(before: number): Promise<number> {
    return this.guard(() => this.tombstones.purge(before));
  }

  async hasObject(collectionId: string, id: string): Promise<boolean> {
    return this.guard(() => {
      const pk = this.collectionPk(collectionId, false);
      if (pk === undefined) return false;
      return this.statement('SELECT 1 FROM records WHERE coll = ? AND stix_id = ? LIMIT 1').get(pk, id) !== undefined;
    });
  }

  async putStatus(status: StoredStatus): Promise<void> {
    this.guard(() => this.writeStatus(status));
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

  async appendAudit(entries: AuditEntry[], statuses: StoredStatus[] = []): Promise<void> {
    this.guard(() =>
      this.db
        .transaction(() => {
          this.entities.appendAudit(entries);
          for (const status of statuses) this.writeStatus(status);
        })
        .immediate(),
    );
  }

  async auditHead(): Promise<AuditHead | null> {
    return this.guard(() => this.entities.auditHead());
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

  async importTombstones(collectionId: string, tombstones: Tombstone[]): Promise<void> {
    this.guard(() => {
      // Outside the transaction: a rolled-back import must not leave a cached key without its row.
      const pk = this.collectionPk(collectionId, true)!;
      this.db.transaction(() => this.tombstones.import(collectionId, pk, tombstones)).immediate();
    });
  }

  async listStatuses(afterId: string | undefined, limit: number): Promise<StoredStatus[]> {
    return this.guard(() => this.dump.listStatuses(afterId, limit));
  }

  async listSecrets(): Promise<Array<{ name: string; value: string }>> {
    return this.guard(() => this.dump.listSecrets());
  }

  async origin(): Promise<StoreOrigin> {
    return this.guard(() => readOrigin(this.db));
  }

  async markSeeded(): Promise<void> {
    this.guard(() => markSeeded(this.db));
  }

  async ping(): Promise<void> {
    this.guard(() => this.statement('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private writeStatus(status: StoredStatus): void {
    this.statement('INSERT OR REPLACE INTO statuses (id, expires_at, doc) VALUES (?, ?, ?)').run(status.id, status.expiresAt, JSON.stringify(status));
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
      const code = sqliteCodeOf(error);
      if (code !== undefined) {
        // Damage stays; other failures (a full disk) may pass: docs/reliability.md#damaged-stores.
        if (isDamageCode(code)) throw new StoreDamagedError(`The SQLite store is damaged: ${code} (${(error as Error).message})`);
        throw new StoreUnavailableError(`The SQLite store failed: ${code}`);
      }
      throw error;
    }
  }
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
