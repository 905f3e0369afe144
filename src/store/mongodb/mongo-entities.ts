/**
 * Entities, the audit trail, statuses and secrets in MongoDB. Unique indexes
 * make creation and renaming safe under concurrency; the errors and their
 * messages are those of the SQLite backend.
 */

import type { ClientSession, Collection, Filter, MongoClient } from 'mongodb';
import { ConflictError, NotFoundError } from '../../errors';
import type { AuditEntry, AuditHead, AuditQuery, Entity, EntityKind, StoredAuditEntry, StoredStatus } from '../contract';
import { INDEX, META_AUDIT_SEQ, SECRET_PREFIX, type AuditDoc, type CounterDoc, type PendingAuditDoc, type EntityDoc, type SecretDoc, type StatusDoc, type StatusPartDoc } from './schema';
import { AuditAppender, headOf } from './audit-appender';
import { partsOf, statusDocs, statusFrom } from './status-parts';
import { inTransaction, isDuplicateKey } from './transactions';

export interface EntityCollections {
  client: MongoClient;
  entities: Collection<EntityDoc>;
  audit: Collection<AuditDoc>;
  auditPending: Collection<PendingAuditDoc>;
  statuses: Collection<StatusDoc>;
  statusParts: Collection<StatusPartDoc>;
  /** Both on the `meta` collection. */
  counters: Collection<CounterDoc>;
  secrets: Collection<SecretDoc>;
}

const ENTITY_FIELDS = { _id: 0, kind: 1, id: 1, uniqueKey: 1, refs: 1, doc: 1 } as const;

export class MongoEntities {
  private readonly appender: AuditAppender;

  constructor(private readonly c: EntityCollections) {
    this.appender = new AuditAppender({ client: c.client, pending: c.auditPending, audit: c.audit, counters: c.counters });
  }

  async create(entity: Entity): Promise<void> {
    try {
      await this.c.entities.insertOne(toEntityDoc(entity));
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Which index refused it: the id is reported first, as the SQLite backend does.
      if (await this.c.entities.findOne({ kind: entity.kind, id: entity.id }, { projection: { _id: 1 } })) {
        throw new ConflictError(`A ${entity.kind} with id ${entity.id} already exists.`);
      }
      throw new ConflictError(`A ${entity.kind} named ${entity.uniqueKey} already exists.`);
    }
  }

  async replace(entity: Entity): Promise<void> {
    try {
      const result = await this.c.entities.replaceOne({ kind: entity.kind, id: entity.id }, toEntityDoc(entity));
      if (result.matchedCount === 0) throw new NotFoundError(`No ${entity.kind} with id ${entity.id}.`);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      throw new ConflictError(`A ${entity.kind} named ${entity.uniqueKey} already exists.`);
    }
  }

  async get(kind: EntityKind, id: string): Promise<Entity | null> {
    const doc = await this.c.entities.findOne({ kind, id }, { projection: ENTITY_FIELDS, hint: INDEX.entitiesById });
    return doc ? toEntity(doc) : null;
  }

  async findByKey(kind: EntityKind, uniqueKey: string): Promise<Entity | null> {
    const doc = await this.c.entities.findOne(keyLookup(kind, uniqueKey), { projection: ENTITY_FIELDS });
    return doc ? toEntity(doc) : null;
  }

  async list(kind: EntityKind, ref?: string): Promise<Entity[]> {
    const docs =
      ref === undefined
        ? await this.c.entities.find({ kind }, { projection: ENTITY_FIELDS, sort: { id: 1 }, hint: INDEX.entitiesById }).toArray()
        : await this.c.entities.find({ kind, refs: ref }, { projection: ENTITY_FIELDS, sort: { id: 1 }, hint: INDEX.entitiesByRef }).toArray();
    return docs.map(toEntity);
  }

  async delete(kind: EntityKind, id: string): Promise<boolean> {
    return (await this.c.entities.deleteOne({ kind, id })).deletedCount > 0;
  }

  /** Entries and the statuses of their requests, kept in one transaction and then sealed into the chain (audit-appender.ts). */
  async appendAudit(entries: AuditEntry[], statuses: StoredStatus[] = []): Promise<void> {
    if (entries.length === 0 && statuses.length === 0) return;
    await this.appender.append(entries, async (session) => {
      for (const status of statuses) await this.writeStatus(status.id, statusDocs(status), session);
    });
  }

  /** Seals whatever an instance left pending (at start-up, before the trail is read or copied). */
  async sealPendingAudit(): Promise<void> {
    await this.appender.sweep();
  }

  stop(): void {
    this.appender.stop();
  }

  async auditHead(): Promise<AuditHead | null> {
    const counter = await this.c.counters.findOne({ _id: META_AUDIT_SEQ });
    return counter ? headOf(counter) : null;
  }

  async listAudit(query: AuditQuery): Promise<{ entries: StoredAuditEntry[]; more: boolean }> {
    const filter = { _id: { $gt: query.afterSeq ?? 0 }, ...(query.partnership === undefined ? {} : { partnership: query.partnership }) };
    const docs = await this.c.audit
      .find(filter, { sort: { _id: 1 }, limit: query.limit + 1, hint: query.partnership === undefined ? { _id: 1 } : INDEX.auditByPartnership })
      .toArray();
    const more = docs.length > query.limit;
    if (more) docs.pop();
    return {
      entries: docs.map(({ _id, ...entry }) => ({ ...(entry as unknown as AuditEntry), seq: _id })),
      more,
    };
  }

  /** A status with parts is written with them in one transaction; a short one is one write, as before parts existed. */
  async putStatus(status: StoredStatus): Promise<void> {
    const docs = statusDocs(status);
    if (docs.parts.length === 0) await this.writeStatus(status.id, docs);
    else await inTransaction(this.c.client, (session) => this.writeStatus(status.id, docs, session));
  }

  async getStatus(id: string, now: number): Promise<StoredStatus | null> {
    const doc = await this.c.statuses.findOne({ _id: id, expiresAt: { $gt: now } });
    return doc ? this.readStatus(doc) : null;
  }

  /**
   * A status with parts goes with its parts in one transaction, so that none is
   * ever left without them; the others in one range of statuses_by_expiry.
   */
  async purgeStatuses(now: number): Promise<number> {
    const expired = { expiresAt: { $lte: now } };
    let removed = 0;
    const long = await this.c.statuses.find({ ...expired, parts: { $exists: true } }, { projection: { _id: 1 }, hint: INDEX.statusesByExpiry }).toArray();
    for (const { _id } of long) {
      removed += await inTransaction(this.c.client, async (session) => {
        const { deletedCount } = await this.c.statuses.deleteOne({ _id, ...expired }, { session });
        if (deletedCount > 0) await this.c.statusParts.deleteMany(partsOf(_id), { session });
        return deletedCount;
      });
    }
    removed += (await this.c.statuses.deleteMany({ ...expired, parts: { $exists: false } }, { hint: INDEX.statusesByExpiry })).deletedCount;
    return removed;
  }

  async listStatuses(afterId: string | undefined, limit: number): Promise<StoredStatus[]> {
    const find = statusesFind(afterId, limit);
    if (find === null) return [];
    const docs = await this.c.statuses.find(find.filter, find.options).toArray();
    const statuses: StoredStatus[] = [];
    for (const doc of docs) {
      const status = await this.readStatus(doc);
      if (status !== null) statuses.push(status);
    }
    return statuses;
  }

  /** Replaces the status and its parts; the parts of the status it replaces go (statuses are rarely replaced, and then inside a transaction). */
  private async writeStatus(id: string, { doc, parts }: ReturnType<typeof statusDocs>, session?: ClientSession): Promise<void> {
    const options = session === undefined ? {} : { session };
    const before = await this.c.statuses.findOneAndReplace({ _id: id }, doc, { ...options, upsert: true, returnDocument: 'before', projection: { parts: 1 } });
    if (before?.parts !== undefined) await this.c.statusParts.deleteMany(partsOf(id), options);
    if (parts.length > 0) await this.c.statusParts.insertMany(parts, { ...options, ordered: true });
  }

  /** The status a document keeps, its parts read by one range of _id; null when they were purged meanwhile. */
  private async readStatus(doc: StatusDoc): Promise<StoredStatus | null> {
    if (doc.parts === undefined) return statusFrom(doc);
    const parts = await this.c.statusParts.find(partsOf(doc._id), { sort: { _id: 1 }, hint: { _id: 1 }, projection: { n: 1, text: 1 } }).toArray();
    return statusFrom(doc, parts);
  }

  /**
   * The first instance to ask creates the secret; `$setOnInsert` on an upsert
   * keeps whichever value was inserted first, and a lost race on `_id` reads it.
   */
  async getOrCreateSecret(name: string, create: () => string): Promise<string> {
    const _id = SECRET_PREFIX + name;
    const found = await this.c.secrets.findOne({ _id });
    if (found) return found.value;
    try {
      const doc = await this.c.secrets.findOneAndUpdate({ _id }, { $setOnInsert: { value: create() } }, { upsert: true, returnDocument: 'after' });
      return doc!.value;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return (await this.c.secrets.findOne({ _id }))!.value;
    }
  }

  async listSecrets(): Promise<Array<{ name: string; value: string }>> {
    const docs = await this.c.secrets.find({ _id: { $gte: SECRET_PREFIX, $lt: nextPrefix(SECRET_PREFIX) } }, { sort: { _id: 1 } }).toArray();
    return docs.map((doc) => ({ name: doc._id.slice(SECRET_PREFIX.length), value: doc.value }));
  }
}

/**
 * The read of listStatuses, or null when `limit` asks for none: MongoDB reads a
 * `limit` of 0 as no limit at all, the contract (and SQLite's LIMIT) as none.
 */
export function statusesFind(afterId: string | undefined, limit: number): { filter: Filter<StatusDoc>; options: { sort: { _id: 1 }; limit: number; hint: { _id: 1 } } } | null {
  if (limit <= 0) return null;
  return { filter: afterId === undefined ? {} : { _id: { $gt: afterId } }, options: { sort: { _id: 1 }, limit, hint: { _id: 1 } } };
}

/** `$exists` repeats the partial index's filter, so that the planner can use entities_by_key. */
export function keyLookup(kind: EntityKind, uniqueKey: string): Filter<EntityDoc> {
  return { kind, uniqueKey: { $eq: uniqueKey, $exists: true } };
}

function toEntityDoc(entity: Entity): EntityDoc {
  const doc: EntityDoc = { kind: entity.kind, id: entity.id, refs: [...entity.refs], doc: JSON.stringify(entity.doc) };
  if (entity.uniqueKey !== undefined) doc.uniqueKey = entity.uniqueKey;
  return doc;
}

function toEntity(doc: EntityDoc): Entity {
  const entity: Entity = { kind: doc.kind as EntityKind, id: doc.id, refs: doc.refs, doc: JSON.parse(doc.doc) as Record<string, unknown> };
  if (doc.uniqueKey !== undefined && doc.uniqueKey !== null) entity.uniqueKey = doc.uniqueKey;
  return entity;
}

/** The smallest string above every string starting with `prefix`. */
function nextPrefix(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
