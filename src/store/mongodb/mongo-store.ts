/**
 * The MongoDB backend (official driver), for several Accord instances sharing
 * one database. It needs a replica set, for transactions and snapshot reads; a
 * single-node replica set is enough. Semantics are those of the SQLite backend:
 * - timestamps stay strings, ordered by their `timestampKey` stored beside them;
 * - dateAdded is strictly increasing per collection across processes and
 *   committed in that order (record-writer.ts);
 * - a page is read at one point in time (a snapshot session) through indexes
 *   only (page-reader.ts), and cursors carry no server state;
 * - records carry their object's owner, their submitter and the `newest` mark,
 *   and deletes leave tombstones, in the write's transaction (record-writer.ts);
 *   a database written before them is upgraded at start-up (upgrade.ts).
 */

import { MongoClient, MongoError, MongoServerSelectionError, type Collection, type Db } from 'mongodb';
import { AccordError, StoreUnavailableError } from '../../errors';
import { nowMicros, type MicroClock } from '../clock';
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
  StoredStatus,
  Tombstone,
  VersionProvenance,
} from '../contract';
import { formatMicros } from '../../stix/timestamp';
import { clientOptionsOf, DEFAULT_MONGO_LIMITS, writeConcernOf, type MongoLimits } from './client-settings';
import { describeMongoError, STORE_RETRY_AFTER_SECONDS } from './error-kinds';
import { LifecycleReader } from './lifecycle-reader';
import { MongoEntities, type EntityCollections } from './mongo-entities';
import { inheritedReadConcernMessage, newerSchemaMessage, noPrimaryMessage, replicaSetOf, schemaStepOf, serversSeenBy } from './open-checks';
import { ensureOrigin, markSeeded, readOrigin } from './origin';
import { dumpOf, exportFind } from './record-docs';
import { PageReader } from './page-reader';
import { RecordDeleter } from './record-deleter';
import { RecordWriter } from './record-writer';
import {
  COLLECTIONS,
  ensureIndexes,
  INDEX,
  META_AUDIT_SEQ,
  META_SCHEMA_VERSION,
  SCHEMA_VERSION,
  type CollectionDoc,
  type CounterDoc,
  type RecordDoc,
  type TombstoneDoc,
} from './schema';
import { guard, isDuplicateKey, KeyedQueue, setTransactionPolicy, transactionPolicyOf } from './transactions';
import { upgradeRecords } from './upgrade';

export interface MongoOptions {
  /** A connection string to a replica set, e.g. `mongodb://db1,db2,db3/?replicaSet=rs0`. */
  uri: string;
  database: string;
  clock?: MicroClock;
  /** The configured bounds (docs/deployment.md#errors-timeouts-and-bounds); the defaults otherwise. */
  limits?: MongoLimits;
}

export class MongoStore implements Store {
  private readonly records: Collection<RecordDoc>;
  private readonly collections: Collection<CollectionDoc>;
  private readonly writer: RecordWriter;
  private readonly deleter: RecordDeleter;
  private readonly lifecycle: LifecycleReader;
  private readonly pages: PageReader;
  private readonly entities: MongoEntities;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    clock: MicroClock,
    private readonly limits: MongoLimits,
  ) {
    this.records = db.collection<RecordDoc>(COLLECTIONS.records);
    this.collections = db.collection<CollectionDoc>(COLLECTIONS.collections);
    const tombstones = db.collection<TombstoneDoc>(COLLECTIONS.tombstones);
    const writing = { client, records: this.records, collections: this.collections, tombstones, clock, queue: new KeyedQueue(limits.maxQueuedWrites) };
    this.writer = new RecordWriter(writing);
    this.deleter = new RecordDeleter(writing);
    this.lifecycle = new LifecycleReader(this.records, this.collections, tombstones);
    this.pages = new PageReader(client, this.records, this.collections);
    this.entities = new MongoEntities(entityCollectionsOf(client, db));
  }

  /** Connects, checks for a replica set, and creates the indexes and counters if missing. */
  static async open(options: MongoOptions): Promise<MongoStore> {
    const limits = options.limits ?? DEFAULT_MONGO_LIMITS;
    let client: MongoClient | undefined;
    try {
      client = new MongoClient(options.uri, clientOptionsOf(limits));
      const readConcern = inheritedReadConcernMessage(client);
      if (readConcern !== null) throw new StoreUnavailableError(`Cannot open the MongoDB store: ${readConcern}`);
      setTransactionPolicy(client, transactionPolicyOf(limits));
      await client.connect();
      const hello = await client.db('admin').command({ hello: 1 });
      if (typeof hello.setName !== 'string' && hello.msg !== 'isdbgrid') {
        throw new StoreUnavailableError(
          'MongoDB is running as a standalone server: Accord needs a replica set for transactions (a single-node replica set is enough; start mongod with --replSet and run rs.initiate()).',
        );
      }
      const db = client.db(options.database, { writeConcern: writeConcernOf(limits) });
      const counters = db.collection<CounterDoc>(COLLECTIONS.meta);
      // Before anything is written: a newer Accord may have changed what the indexes and documents are.
      const stored = (await counters.findOne({ _id: META_SCHEMA_VERSION }))?.value;
      if (stored !== undefined && schemaStepOf(stored, SCHEMA_VERSION) === 'newer') {
        throw new StoreUnavailableError(`Cannot open the MongoDB store: ${newerSchemaMessage(options.database, stored, SCHEMA_VERSION)}`);
      }
      await ensureIndexes(db);
      for (const [id, value] of [
        [META_SCHEMA_VERSION, SCHEMA_VERSION],
        [META_AUDIT_SEQ, 0],
      ] as const) {
        await counters.updateOne({ _id: id }, { $setOnInsert: { value } }, { upsert: true }).catch((error: unknown) => {
          if (!isDuplicateKey(error)) throw error;
        });
      }
      const schema = await counters.findOne({ _id: META_SCHEMA_VERSION });
      if ((schema?.value ?? SCHEMA_VERSION) < SCHEMA_VERSION) {
        await upgradeRecords({ client, records: db.collection<RecordDoc>(COLLECTIONS.records), collections: db.collection<CollectionDoc>(COLLECTIONS.collections) });
        await counters.updateOne({ _id: META_SCHEMA_VERSION }, { $max: { value: SCHEMA_VERSION } });
      }
      const clock = options.clock ?? nowMicros;
      await ensureOrigin(db, formatMicros(clock()));
      const store = new MongoStore(client, db, clock, limits);
      // Entries an instance kept but did not seal (it stopped in between) join the chain before anything reads it.
      await store.entities.sealPendingAudit();
      return store;
    } catch (error) {
      await client?.close().catch(() => undefined);
      if (error instanceof AccordError) throw error;
      const replicaSet = replicaSetOf(options.uri);
      if (error instanceof MongoServerSelectionError && replicaSet !== undefined) {
        const servers = serversSeenBy(error);
        throw new StoreUnavailableError(`Cannot open the MongoDB store (database ${options.database}): ${noPrimaryMessage(replicaSet, limits.serverSelectionTimeoutMs, servers)}`);
      }
      const reason = error instanceof MongoError ? describeMongoError(error) : String(error);
      throw new StoreUnavailableError(`Cannot open the MongoDB store (database ${options.database}): ${reason}`);
    }
  }

  async addRecords(collectionId: string, records: NewRecord[], mayActFor: MayActFor): Promise<AddOutcome[]> {
    return guard(() => this.writer.add(collectionId, records, mayActFor));
  }

  async findRecords(query: RecordQuery): Promise<RecordPage> {
    return guard(() => this.pages.findRecords(query));
  }

  async findObjectsText(query: RecordQuery, budgetBytes = Infinity): Promise<ObjectsText> {
    return guard(() => this.pages.findObjectsText(query, budgetBytes));
  }

  async countRecords(query: RecordQuery): Promise<number> {
    return guard(() => this.pages.countRecords(query));
  }

  async deleteRecords(query: RecordQuery, removal: Removal): Promise<number> {
    return guard(() => this.deleter.delete(query, removal));
  }

  async provenance(collectionId: string, id: string): Promise<VersionProvenance[]> {
    return guard(() => this.lifecycle.provenance(collectionId, id));
  }

  async findExpired(query: ExpiryQuery): Promise<ExpiredObject[]> {
    return guard(() => this.lifecycle.findExpired(query));
  }

  async listTombstones(collectionId: string, after: number | undefined, limit: number): Promise<{ tombstones: Tombstone[]; more: boolean }> {
    return guard(() => this.lifecycle.listTombstones(collectionId, after, limit));
  }

  async purgeTombstones(before: number): Promise<number> {
    return guard(() => this.lifecycle.purgeTombstones(before));
  }

  async hasObject(collectionId: string, id: string): Promise<boolean> {
    return guard(async () => {
      const doc = await this.records.findOne({ collection: collectionId, stixId: id }, { projection: { _id: 1 }, hint: INDEX.recordsByVersion });
      return doc !== null;
    });
  }

  async putStatus(status: StoredStatus): Promise<void> {
    return guard(() => this.entities.putStatus(status));
  }

  async getStatus(id: string, now: number): Promise<StoredStatus | null> {
    return guard(() => this.entities.getStatus(id, now));
  }

  async purgeStatuses(now: number): Promise<number> {
    return guard(() => this.entities.purgeStatuses(now));
  }

  async createEntity(entity: Entity): Promise<void> {
    return guard(() => this.entities.create(entity));
  }

  async replaceEntity(entity: Entity): Promise<void> {
    return guard(() => this.entities.replace(entity));
  }

  async getEntity(kind: EntityKind, id: string): Promise<Entity | null> {
    return guard(() => this.entities.get(kind, id));
  }

  async findEntityByKey(kind: EntityKind, uniqueKey: string): Promise<Entity | null> {
    return guard(() => this.entities.findByKey(kind, uniqueKey));
  }

  async listEntities(kind: EntityKind, ref?: string): Promise<Entity[]> {
    return guard(() => this.entities.list(kind, ref));
  }

  async deleteEntity(kind: EntityKind, id: string): Promise<boolean> {
    return guard(() => this.entities.delete(kind, id));
  }

  async appendAudit(entries: AuditEntry[], statuses?: StoredStatus[]): Promise<void> {
    return guard(() => this.entities.appendAudit(entries, statuses));
  }

  async auditHead(): Promise<AuditHead | null> {
    return guard(() => this.entities.auditHead());
  }

  async listAudit(query: AuditQuery): Promise<{ entries: StoredAuditEntry[]; more: boolean }> {
    return guard(() => this.entities.listAudit(query));
  }

  async getOrCreateSecret(name: string, create: () => string): Promise<string> {
    return guard(() => this.entities.getOrCreateSecret(name, create));
  }

  async listCollections(): Promise<CollectionMark[]> {
    return guard(async () => {
      const docs = await this.collections.find({}, { sort: { _id: 1 } }).toArray();
      return docs.map((doc) => ({ id: doc._id, lastDateAdded: doc.lastDateAdded }));
    });
  }

  async exportRecords(collectionId: string, after: number | undefined, limit: number): Promise<RecordDump[]> {
    return guard(async () => {
      const find = exportFind(collectionId, after, limit);
      if (find === null) return [];
      const docs = await this.records.find<Omit<RecordDoc, 'collection'>>(find.filter, find.options).toArray();
      return docs.map(dumpOf);
    });
  }

  async importRecords(collectionId: string, records: RecordDump[], lastDateAdded?: number): Promise<void> {
    return guard(() => this.writer.import(collectionId, records, lastDateAdded));
  }

  async importTombstones(collectionId: string, tombstones: Tombstone[]): Promise<void> {
    return guard(() => this.writer.importTombstones(collectionId, tombstones));
  }

  async listStatuses(afterId: string | undefined, limit: number): Promise<StoredStatus[]> {
    return guard(() => this.entities.listStatuses(afterId, limit));
  }

  async listSecrets(): Promise<Array<{ name: string; value: string }>> {
    return guard(() => this.entities.listSecrets());
  }

  async origin(): Promise<StoreOrigin> {
    return guard(() => readOrigin(this.db));
  }

  async markSeeded(): Promise<void> {
    return guard(() => markSeeded(this.db));
  }

  /** Within its own bound, shorter than server selection: a load balancer's probe must not hang on an outage. */
  async ping(): Promise<void> {
    return guard(async () => {
      await withinTime(this.db.command({ ping: 1 }), this.limits.healthTimeoutMs);
    });
  }

  async close(): Promise<void> {
    this.entities.stop();
    await this.client.close();
  }
}

/**
 * Entities (organisations, users, keys, partnerships), statuses, the audit trail and the `meta`
 * documents are read with majority read concern: an instance never acts on a write that a
 * failover could still roll back (a key, a partnership, an audit head that would then never have
 * existed). Inside transactions the transaction's snapshot applies instead; records are read
 * through snapshot sessions (already majority-committed data), which a collection-level read
 * concern would contradict, so they keep the default.
 */
export function entityCollectionsOf(client: MongoClient, db: Db): EntityCollections {
  const majority = { readConcern: { level: 'majority' } } as const;
  return {
    client,
    entities: db.collection(COLLECTIONS.entities, majority),
    audit: db.collection(COLLECTIONS.audit, majority),
    auditPending: db.collection(COLLECTIONS.auditPending, majority),
    statuses: db.collection(COLLECTIONS.statuses, majority),
    statusParts: db.collection(COLLECTIONS.statusParts, majority),
    counters: db.collection(COLLECTIONS.meta, majority),
    secrets: db.collection(COLLECTIONS.meta, majority),
  };
}

/** The work's outcome, or a transient 503 once `ms` have passed (the work itself ends on its own, within the driver's bounds). */
export function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new StoreUnavailableError(`The store did not answer within ${ms} ms.`, { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS })),
      ms,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
