/**
 * Writing records. Each write is one transaction that first bumps the TAXII
 * collection's counter document: concurrent writers to one collection, in any
 * process, conflict there and run one after the other, so dateAdded values are
 * assigned as `max(clock, last + 1)` (docs/taxii.md#date-added) and become visible in
 * their order: a writer can only take the counter after the previous one has
 * committed. Duplicate detection reads inside that transaction; the unique
 * indexes are the backstop, and a refused insert is retried once, when the read
 * then finds the duplicate.
 */

import type { ClientSession, Collection, MongoClient, ObjectId } from 'mongodb';
import { ConflictError } from '../../errors';
import { checkImportable } from '../import-checks';
import { formatMicros, timestampKey } from '../../stix/timestamp';
import type { MicroClock } from '../clock';
import type { AddOutcome, NewRecord, RecordDump, RecordQuery } from '../contract';
import { findPage } from './record-reader';
import { INDEX, type CollectionDoc, type RecordDoc } from './schema';
import { inTransaction, isDuplicateKey, type KeyedQueue } from './transactions';

const ID_CHUNK = 1000;
const DELETE_CHUNK = 1000;

export interface RecordWriterDeps {
  client: MongoClient;
  records: Collection<RecordDoc>;
  collections: Collection<CollectionDoc>;
  clock: MicroClock;
  queue: KeyedQueue;
}

interface Existing {
  dateAdded: number;
  version: string;
  /** Only when asked for; empty otherwise. */
  body: string;
}

/** The identity of a stored version: id and version instant, or id alone for an object without a version. */
export function versionIdentity(id: string, versionKey: string | null): string {
  return versionKey === null ? `none\u0000${id}` : `at\u0000${id}\u0000${versionKey}`;
}

export class RecordWriter {
  private readonly known = new Set<string>();

  constructor(private readonly deps: RecordWriterDeps) {}

  async add(collectionId: string, records: NewRecord[]): Promise<AddOutcome[]> {
    await this.ensureCounter(collectionId);
    if (records.length === 0) return [];
    return this.deps.queue.run(collectionId, () => retryOnDuplicate(() => this.addOnce(collectionId, records)));
  }

  async import(collectionId: string, records: RecordDump[], lastDateAdded: number | undefined): Promise<void> {
    await this.ensureCounter(collectionId);
    await this.deps.queue.run(collectionId, async () => {
      try {
        await inTransaction(this.deps.client, async (session) => {
          let last = await this.lockCounter(session, collectionId);
          // A record without a version also collides with any other versionless record of its id.
          const identities = (r: RecordDump) => [versionIdentity(r.id, r.versionKey), ...(r.versionless ? [versionIdentity(r.id, null)] : [])];
          const existing = await this.findExisting(session, collectionId, records.map((r) => r.id), new Set(records.flatMap(identities)), false);
          for (const r of records) {
            checkImportable(collectionId, r, last, identities(r).some((identity) => existing.has(identity)));
            last = r.dateAdded;
          }
          if (records.length > 0) await this.deps.records.insertMany(records.map((r) => toDoc(collectionId, r)), { session });
          await this.setLast(session, collectionId, Math.max(last, lastDateAdded ?? 0));
        });
      } catch (error) {
        if (isDuplicateKey(error)) throw new ConflictError(`Cannot import into collection ${collectionId}: a record is already stored.`);
        throw error;
      }
    });
  }

  async delete(query: RecordQuery): Promise<number> {
    return this.deps.queue.run(query.collectionId, () =>
      inTransaction(this.deps.client, async (session) => {
        const locked = await this.deps.collections.updateOne({ _id: query.collectionId }, { $inc: { writes: 1 } }, { session });
        if (locked.matchedCount === 0) return 0;
        const { picked } = await findPage(this.deps.records, session, { ...query, limit: undefined, offset: undefined, withBody: false }, true);
        const ids = picked.map((doc) => doc._id!);
        let removed = 0;
        for (let i = 0; i < ids.length; i += DELETE_CHUNK) {
          removed += (await this.deps.records.deleteMany({ _id: { $in: ids.slice(i, i + DELETE_CHUNK) } }, { session })).deletedCount;
        }
        return removed;
      }),
    );
  }

  private addOnce(collectionId: string, records: NewRecord[]): Promise<AddOutcome[]> {
    return inTransaction(this.deps.client, async (session) => {
      let last = await this.lockCounter(session, collectionId);
      const wanted = new Set(records.map((r) => versionIdentity(r.id, r.versionKey)));
      const stored = await this.findExisting(session, collectionId, records.map((r) => r.id), wanted, true);
      const outcomes: AddOutcome[] = [];
      const docs: RecordDoc[] = [];
      // Earlier records of this same call count as stored (docs/taxii.md#versioning: same version means same id and instant).
      const seen = new Map<string, Existing>();
      for (const record of records) {
        const identity = versionIdentity(record.id, record.versionKey);
        const found = seen.get(identity) ?? stored.get(identity);
        if (found) {
          outcomes.push({ kind: 'duplicate', dateAdded: found.dateAdded, version: found.version, sameContent: found.body === record.body });
          continue;
        }
        const dateAdded = Math.max(this.deps.clock(), last + 1);
        last = dateAdded;
        // TAXII 2.1 §3.4.1 leaves the version of an object without one to the server: its first dateAdded.
        const version = record.version ?? formatMicros(dateAdded);
        docs.push({
          collection: collectionId,
          dateAdded,
          stixId: record.id,
          type: record.type,
          version,
          versionKey: record.versionKey ?? timestampKey(version),
          specVersion: record.specVersion,
          versionless: record.versionKey === null,
          body: record.body,
        });
        seen.set(identity, { dateAdded, version, body: record.body });
        outcomes.push({ kind: 'added', dateAdded, version });
      }
      if (docs.length > 0) await this.deps.records.insertMany(docs, { session, ordered: true });
      await this.setLast(session, collectionId, last);
      return outcomes;
    });
  }

  /**
   * The stored records of these ids whose identity is wanted, by identity
   * (see versionIdentity), with their bodies when asked.
   */
  private async findExisting(
    session: ClientSession,
    collectionId: string,
    ids: string[],
    wanted: Set<string>,
    withBody: boolean,
  ): Promise<Map<string, Existing>> {
    const hits = new Map<string, Existing & { _id: ObjectId }>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += ID_CHUNK) {
      const docs = await this.deps.records
        .find<{ _id: ObjectId; stixId: string; versionKey: string; versionless: boolean; dateAdded: number; version: string }>(
          { collection: collectionId, stixId: { $in: unique.slice(i, i + ID_CHUNK) } },
          { session, hint: INDEX.recordsByVersion, projection: { _id: 1, stixId: 1, versionKey: 1, versionless: 1, dateAdded: 1, version: 1 } },
        )
        .toArray();
      for (const doc of docs) {
        const identity = versionIdentity(doc.stixId, doc.versionless ? null : doc.versionKey);
        if (wanted.has(identity)) hits.set(identity, { _id: doc._id, dateAdded: doc.dateAdded, version: doc.version, body: '' });
      }
    }
    if (withBody && hits.size > 0) {
      const byId = new Map([...hits.values()].map((hit) => [hit._id.toHexString(), hit]));
      const objectIds = [...hits.values()].map((hit) => hit._id);
      for (let i = 0; i < objectIds.length; i += ID_CHUNK) {
        const docs = await this.deps.records
          .find({ _id: { $in: objectIds.slice(i, i + ID_CHUNK) } }, { session, projection: { _id: 1, body: 1 } })
          .toArray();
        for (const doc of docs) byId.get(doc._id.toHexString())!.body = doc.body;
      }
    }
    return hits;
  }

  /** Creates the counter document outside any transaction, so that transactions never race to create it. */
  private async ensureCounter(collectionId: string): Promise<void> {
    if (this.known.has(collectionId)) return;
    try {
      await this.deps.collections.updateOne({ _id: collectionId }, { $setOnInsert: { lastDateAdded: 0, writes: 0 } }, { upsert: true });
    } catch (error) {
      // Two first writers upserting at once: one insert loses on _id, and the document exists.
      if (!isDuplicateKey(error)) throw error;
    }
    this.known.add(collectionId);
  }

  /** Takes the collection for this transaction and returns its last dateAdded. */
  private async lockCounter(session: ClientSession, collectionId: string): Promise<number> {
    const counter = await this.deps.collections.findOneAndUpdate(
      { _id: collectionId },
      { $inc: { writes: 1 } },
      { session, returnDocument: 'after', projection: { lastDateAdded: 1 } },
    );
    if (!counter) throw new Error(`counter document of collection ${collectionId} is missing`);
    return counter.lastDateAdded;
  }

  private async setLast(session: ClientSession, collectionId: string, last: number): Promise<void> {
    await this.deps.collections.updateOne({ _id: collectionId }, { $max: { lastDateAdded: last } }, { session });
  }
}

/** A unique index refusing an insert means another writer won a race the read did not see: read again once. */
async function retryOnDuplicate<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return work();
  }
}


function toDoc(collectionId: string, r: RecordDump): RecordDoc {
  return {
    collection: collectionId,
    dateAdded: r.dateAdded,
    stixId: r.id,
    type: r.type,
    version: r.version,
    versionKey: r.versionKey,
    specVersion: r.specVersion,
    versionless: r.versionless,
    body: r.body,
  };
}
