/**
 * Entities and the audit trail in SQLite: a document table with a unique key per
 * kind, a reference table for lookups, and an append-only audit table whose
 * head (the last chained entry's seq and hash) is a row of `meta`.
 */

import type Database from 'better-sqlite3';
import { ConflictError, NotFoundError } from '../../errors';
import { sealAudit } from '../audit-chain';
import type { AuditEntry, AuditHead, AuditQuery, Entity, EntityKind, StoredAuditEntry } from '../contract';

type Prepare = (sql: string) => Database.Statement;

/** The `meta` key of the audit trail's head: `<seq> <hash>`. */
const AUDIT_HEAD = 'audit_head';

interface EntityRow {
  kind: EntityKind;
  id: string;
  unique_key: string | null;
  refs: string;
  doc: string;
}

export class SqliteEntities {
  constructor(
    private readonly db: Database.Database,
    private readonly prepare: Prepare,
  ) {}

  create(entity: Entity): void {
    this.db.transaction(() => {
      if (this.prepare('SELECT 1 FROM entities WHERE kind = ? AND id = ?').get(entity.kind, entity.id)) {
        throw new ConflictError(`A ${entity.kind} with id ${entity.id} already exists.`);
      }
      this.checkKeyFree(entity);
      this.write(entity);
    }).immediate();
  }

  replace(entity: Entity): void {
    this.db.transaction(() => {
      if (!this.prepare('SELECT 1 FROM entities WHERE kind = ? AND id = ?').get(entity.kind, entity.id)) {
        throw new NotFoundError(`No ${entity.kind} with id ${entity.id}.`);
      }
      this.checkKeyFree(entity);
      this.prepare('DELETE FROM entity_refs WHERE kind = ? AND id = ?').run(entity.kind, entity.id);
      this.prepare('DELETE FROM entities WHERE kind = ? AND id = ?').run(entity.kind, entity.id);
      this.write(entity);
    }).immediate();
  }

  get(kind: EntityKind, id: string): Entity | null {
    const row = this.prepare('SELECT kind, id, unique_key, refs, doc FROM entities WHERE kind = ? AND id = ?').get(kind, id) as EntityRow | undefined;
    return row ? this.toEntity(row) : null;
  }

  findByKey(kind: EntityKind, uniqueKey: string): Entity | null {
    const row = this.prepare('SELECT kind, id, unique_key, refs, doc FROM entities WHERE kind = ? AND unique_key = ?').get(kind, uniqueKey) as
      | EntityRow
      | undefined;
    return row ? this.toEntity(row) : null;
  }

  list(kind: EntityKind, ref?: string): Entity[] {
    const rows = (
      ref === undefined
        ? this.prepare('SELECT kind, id, unique_key, refs, doc FROM entities WHERE kind = ? ORDER BY id').all(kind)
        : this.prepare(
            `SELECT e.kind, e.id, e.unique_key, e.refs, e.doc FROM entity_refs r JOIN entities e ON e.kind = r.kind AND e.id = r.id
             WHERE r.kind = ? AND r.ref = ? ORDER BY e.id`,
          ).all(kind, ref)
    ) as EntityRow[];
    return rows.map((row) => this.toEntity(row));
  }

  delete(kind: EntityKind, id: string): boolean {
    return this.db.transaction(() => {
      this.prepare('DELETE FROM entity_refs WHERE kind = ? AND id = ?').run(kind, id);
      return this.prepare('DELETE FROM entities WHERE kind = ? AND id = ?').run(kind, id).changes > 0;
    }).immediate();
  }

  /**
   * Within the caller's IMMEDIATE transaction: the head is read and moved under
   * the write lock, so writers in other processes chain after it. seq continues
   * after the highest ever taken (sqlite_sequence, as AUTOINCREMENT would), never
   * reusing a removed one.
   */
  appendAudit(entries: readonly AuditEntry[]): void {
    if (entries.length === 0) return;
    const head = this.auditHead();
    const taken = (this.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").pluck().get() as number | undefined) ?? 0;
    const sealed = sealAudit(entries, head, Math.max(taken, head?.seq ?? 0) + 1);
    const insert = this.prepare('INSERT INTO audit (seq, partnership, entry, prev_hash, hash) VALUES (?, ?, ?, ?, ?)');
    for (const { seq, prevHash, hash, ...entry } of sealed) insert.run(seq, entry.partnership ?? null, JSON.stringify(entry), prevHash, hash);
    const last = sealed[sealed.length - 1]!;
    this.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(AUDIT_HEAD, `${last.seq} ${last.hash}`);
  }

  auditHead(): AuditHead | null {
    const value = this.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(AUDIT_HEAD) as string | undefined;
    if (value === undefined) return null;
    const [seq, hash] = value.split(' ');
    return { seq: Number(seq), hash: hash ?? '' };
  }

  listAudit(query: AuditQuery): { entries: StoredAuditEntry[]; more: boolean } {
    const after = query.afterSeq ?? 0;
    const rows = (
      query.partnership === undefined
        ? this.prepare('SELECT seq, entry, prev_hash, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?').all(after, query.limit + 1)
        : this.prepare('SELECT seq, entry, prev_hash, hash FROM audit WHERE partnership = ? AND seq > ? ORDER BY seq LIMIT ?').all(
            query.partnership,
            after,
            query.limit + 1,
          )
    ) as Array<{ seq: number; entry: string; prev_hash: string | null; hash: string | null }>;
    const more = rows.length > query.limit;
    if (more) rows.pop();
    return { entries: rows.map(toStoredAuditEntry), more };
  }

  private checkKeyFree(entity: Entity): void {
    if (entity.uniqueKey === undefined) return;
    const holder = this.prepare('SELECT id FROM entities WHERE kind = ? AND unique_key = ?').pluck().get(entity.kind, entity.uniqueKey) as
      | string
      | undefined;
    if (holder !== undefined && holder !== entity.id) {
      throw new ConflictError(`A ${entity.kind} named ${entity.uniqueKey} already exists.`);
    }
  }

  private write(entity: Entity): void {
    this.prepare('INSERT INTO entities (kind, id, unique_key, refs, doc) VALUES (?, ?, ?, ?, ?)').run(
      entity.kind,
      entity.id,
      entity.uniqueKey ?? null,
      JSON.stringify(entity.refs),
      JSON.stringify(entity.doc),
    );
    const ref = this.prepare('INSERT OR IGNORE INTO entity_refs (kind, ref, id) VALUES (?, ?, ?)');
    for (const r of entity.refs) ref.run(entity.kind, r, entity.id);
  }

  private toEntity(row: EntityRow): Entity {
    const entity: Entity = {
      kind: row.kind,
      id: row.id,
      refs: JSON.parse(row.refs) as string[],
      doc: JSON.parse(row.doc) as Record<string, unknown>,
    };
    if (row.unique_key !== null) entity.uniqueKey = row.unique_key;
    return entity;
  }
}

function toStoredAuditEntry(row: { seq: number; entry: string; prev_hash: string | null; hash: string | null }): StoredAuditEntry {
  const entry: StoredAuditEntry = { ...(JSON.parse(row.entry) as AuditEntry), seq: row.seq };
  if (row.prev_hash !== null) entry.prevHash = row.prev_hash;
  if (row.hash !== null) entry.hash = row.hash;
  return entry;
}
