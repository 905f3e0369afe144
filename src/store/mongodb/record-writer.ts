/**
 * Writing records. Each write is one transaction that first bumps the TAXII
 * collection's counter document: concurrent writers to one collection, in any
 * process, conflict there and run one after the other, so dateAdded values are
 * assigned as `max(clock, last + 1)` (docs/taxii.md#date-added) and become visible in
 * their order: a writer can only take the counter after the previous one has
 * committed. Duplicate detection and the owner check read inside that
 * transaction; the unique indexes are the backstop, and a refused insert is
 * retried once, when the read then finds the duplicate. The same update that
 * raises the counter's last dateAdded moves its counts (collection-counter.ts).
 * Deletes are in record-deleter.ts.
 */

import type { ClientSession, Collection, MongoClient, ObjectId } from 'mongodb';
import { ConflictError, UnprocessableContentError } from '../../errors';
import { checkImportable } from '../import-checks';
import { formatMicros, timestampKey } from '../../stix/timestamp';
import type { MicroClock } from '../clock';
import { actsFor, bytesOverStoreLimit, MAX_STORED_OBJECT_BYTES, type AddOutcome, type MayActFor, type NewRecord, type RecordDump, type Tombstone } from '../contract';
import { countAdded, higherPlace, NEW_COUNTER, settleCounter, takeCounter } from './collection-counter';
import { markNewest, recordDocOf, toTombstoneDoc, withLifecycle } from './record-docs';
import type { VersionPlace } from './record-regularity';
import { INDEX, type CollectionDoc, type RecordDoc, type TombstoneDoc } from './schema';
import { inTransaction, isDuplicateKey, type KeyedQueue } from './transactions';

const ID_CHUNK = 1000;

export interface RecordWriterDeps {
  client: MongoClient;
  records: Collection<RecordDoc>;
  collections: Collection<CollectionDoc>;
  tombstones: Collection<TombstoneDoc>;
  clock: MicroClock;
  queue: KeyedQueue;
}

interface Existing {
  dateAdded: number;
  version: string;
  /** Only when asked for; empty otherwise. */
  body: string;
}

/** What the stored records of an object say about it. */
interface StoredObject {
  /** The owner of its first record (by dateAdded): the object's owner. */
  owner: string;
  firstDateAdded: number;
  /** The highest (spec version, version) among them: where regularity is judged from (record-regularity.ts). */
  highest: VersionPlace;
}

/** The identity of a stored version: id and version instant, or id alone for an object without a version. */
export function versionIdentity(id: string, versionKey: string | null): string {
  return versionKey === null ? `none\u0000${id}` : `at\u0000${id}\u0000${versionKey}`;
}

export class RecordWriter {
  private readonly known = new Set<string>();

  constructor(private readonly deps: RecordWriterDeps) {}

  async add(collectionId: string, records: NewRecord[], mayActFor: MayActFor): Promise<AddOutcome[]> {
    await this.ensureCounter(collectionId);
    if (records.length === 0) return [];
    return this.deps.queue.run(collectionId, () => retryOnDuplicate(() => this.addOnce(collectionId, records, mayActFor)));
  }

  async import(collectionId: string, records: RecordDump[], lastDateAdded: number | undefined): Promise<void> {
    for (const r of records) checkStorable(collectionId, r);
    await this.ensureCounter(collectionId);
    await this.deps.queue.run(collectionId, async () => {
      try {
        await inTransaction(this.deps.client, async (session) => {
          let last = await this.lockCounter(session, collectionId);
          // A record without a version also collides with any other versionless record of its id.
          const identities = (r: RecordDump) => [versionIdentity(r.id, r.versionKey), ...(r.versionless ? [versionIdentity(r.id, null)] : [])];
          const { hits, objects } = await this.findExisting(session, collectionId, records.map((r) => r.id), new Set(records.flatMap(identities)), false);
          for (const r of records) {
            checkImportable(collectionId, r, last, identities(r).some((identity) => hits.has(identity)));
            last = r.dateAdded;
          }
          // Each imported record is the newest of its object so far, as when it was first added.
          const docs = markNewest(records.map((r) => recordDocOf(collectionId, r)));
          await this.unmarkNewest(session, collectionId, docs, objects);
          if (docs.length > 0) await this.deps.records.insertMany(docs, { session });
          await settleCounter(this.deps.collections, session, collectionId, Math.max(last, lastDateAdded ?? 0), countAdded(docs, highestOf(objects)));
        });
      } catch (error) {
        if (isDuplicateKey(error)) throw new ConflictError(`Cannot import into collection ${collectionId}: a record is already stored.`);
        throw error;
      }
    });
  }

  async importTombstones(collectionId: string, tombstones: Tombstone[]): Promise<void> {
    await this.ensureCounter(collectionId);
    await this.deps.queue.run(collectionId, async () => {
      try {
        await inTransaction(this.deps.client, async (session) => {
          const last = await this.lockCounter(session, collectionId);
          const times = tombstones.map((t) => t.removedAt);
          const taken = await this.deps.tombstones.countDocuments({ collection: collectionId, removedAt: { $in: times } }, { session, hint: INDEX.tombstonesByTime });
          if (taken > 0 || new Set(times).size < times.length || !times.every(Number.isSafeInteger)) throw tombstoneConflict(collectionId);
          if (tombstones.length > 0) await this.deps.tombstones.insertMany(tombstones.map((t) => toTombstoneDoc(collectionId, t)), { session });
          await settleCounter(this.deps.collections, session, collectionId, times.reduce((a, b) => Math.max(a, b), last));
        });
      } catch (error) {
        if (isDuplicateKey(error)) throw tombstoneConflict(collectionId);
        throw error;
      }
    });
  }

  private addOnce(collectionId: string, records: NewRecord[], mayActFor: MayActFor): Promise<AddOutcome[]> {
    return inTransaction(this.deps.client, async (session) => {
      let last = await this.lockCounter(session, collectionId);
      const wanted = new Set(records.map((r) => versionIdentity(r.id, r.versionKey)));
      const { hits: stored, objects } = await this.findExisting(session, collectionId, records.map((r) => r.id), wanted, true);
      const outcomes: AddOutcome[] = [];
      const docs: RecordDoc[] = [];
      // Earlier records of this same call count as stored (docs/taxii.md#versioning: same version means same id and instant).
      const seen = new Map<string, Existing>();
      // The first record of an object fixes its owner, also for later records of this call.
      const owners = new Map([...objects].map(([id, object]) => [id, object.owner]));
      for (const record of records) {
        // A record is one document of at most 16 MiB: a larger object is refused alone, as SQLite refuses it.
        const bytes = bytesOverStoreLimit(record.body);
        if (bytes !== null) {
          outcomes.push({ kind: 'too-large', bytes });
          continue;
        }
        const identity = versionIdentity(record.id, record.versionKey);
        const found = seen.get(identity) ?? stored.get(identity);
        if (found) {
          outcomes.push({ kind: 'duplicate', dateAdded: found.dateAdded, version: found.version, sameContent: found.body === record.body });
          continue;
        }
        const owner = owners.get(record.id) ?? record.owner;
        if (owners.has(record.id) && !actsFor(mayActFor, owner)) {
          outcomes.push({ kind: 'owned', owner });
          continue;
        }
        owners.set(record.id, owner);
        const dateAdded = Math.max(this.deps.clock(), last + 1);
        last = dateAdded;
        // TAXII 2.1 §3.4.1 leaves the version of an object without one to the server: its first dateAdded.
        const version = record.version ?? formatMicros(dateAdded);
        docs.push(
          withLifecycle(
            {
              collection: collectionId,
              dateAdded,
              stixId: record.id,
              type: record.type,
              version,
              versionKey: record.versionKey ?? timestampKey(version),
              specVersion: record.specVersion,
              versionless: record.versionKey === null,
              body: record.body,
            },
            owner,
            record.submitter,
            record.validUntilKey,
          ),
        );
        seen.set(identity, { dateAdded, version, body: record.body });
        outcomes.push({ kind: 'added', dateAdded, version });
      }
      markNewest(docs);
      await this.unmarkNewest(session, collectionId, docs, objects);
      if (docs.length > 0) await this.deps.records.insertMany(docs, { session, ordered: true });
      await settleCounter(this.deps.collections, session, collectionId, last, countAdded(docs, highestOf(objects)));
      return outcomes;
    });
  }

  /** Before new records of stored objects are inserted: their previous newest records are newest no more. */
  private async unmarkNewest(session: ClientSession, collectionId: string, docs: RecordDoc[], objects: Map<string, StoredObject>): Promise<void> {
    const superseded = [...new Set(docs.map((doc) => doc.stixId))].filter((id) => objects.has(id));
    for (let i = 0; i < superseded.length; i += ID_CHUNK) {
      await this.deps.records.updateMany(
        { collection: collectionId, stixId: { $in: superseded.slice(i, i + ID_CHUNK) }, newest: true },
        { $set: { newest: false } },
        { session, hint: INDEX.recordsByVersion },
      );
    }
  }

  /**
   * The stored records of these ids whose identity is wanted, by identity
   * (see versionIdentity), with their bodies when asked; and each stored
   * object's owner, from the same read.
   */
  private async findExisting(
    session: ClientSession,
    collectionId: string,
    ids: string[],
    wanted: Set<string>,
    withBody: boolean,
  ): Promise<{ hits: Map<string, Existing>; objects: Map<string, StoredObject> }> {
    const hits = new Map<string, Existing & { _id: ObjectId }>();
    const objects = new Map<string, StoredObject>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += ID_CHUNK) {
      const docs = await this.deps.records
        .find<{ _id: ObjectId; stixId: string; versionKey: string; specVersion: string; versionless: boolean; dateAdded: number; version: string; owner?: string }>(
          { collection: collectionId, stixId: { $in: unique.slice(i, i + ID_CHUNK) } },
          {
            session,
            hint: INDEX.recordsByVersion,
            projection: { _id: 1, stixId: 1, versionKey: 1, specVersion: 1, versionless: 1, dateAdded: 1, version: 1, owner: 1 },
          },
        )
        .toArray();
      for (const doc of docs) {
        const identity = versionIdentity(doc.stixId, doc.versionless ? null : doc.versionKey);
        if (wanted.has(identity)) hits.set(identity, { _id: doc._id, dateAdded: doc.dateAdded, version: doc.version, body: '' });
        const known = objects.get(doc.stixId);
        const highest = higherPlace(known?.highest, doc);
        if (!known || doc.dateAdded < known.firstDateAdded) objects.set(doc.stixId, { owner: doc.owner ?? '', firstDateAdded: doc.dateAdded, highest });
        else known.highest = highest;
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
    return { hits, objects };
  }

  /** Creates the counter document outside any transaction, so that transactions never race to create it. */
  private async ensureCounter(collectionId: string): Promise<void> {
    if (this.known.has(collectionId)) return;
    try {
      await this.deps.collections.updateOne({ _id: collectionId }, { $setOnInsert: NEW_COUNTER }, { upsert: true });
    } catch (error) {
      // Two first writers upserting at once: one insert loses on _id, and the document exists.
      if (!isDuplicateKey(error)) throw error;
    }
    this.known.add(collectionId);
  }

  /** Takes the collection for this transaction and returns its last dateAdded. */
  private async lockCounter(session: ClientSession, collectionId: string): Promise<number> {
    const last = await takeCounter(this.deps.collections, session, collectionId);
    if (last === null) throw new Error(`counter document of collection ${collectionId} is missing`);
    return last;
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

function tombstoneConflict(collectionId: string): ConflictError {
  return new ConflictError(`Cannot import tombstones into collection ${collectionId}: a removal time is already taken.`);
}

/** The highest stored place of each object that had records before a write. */
function highestOf(objects: Map<string, StoredObject>): Map<string, VersionPlace> {
  return new Map([...objects].map(([id, object]) => [id, object.highest]));
}

/**
 * An imported record must fit one document (contract: MAX_STORED_OBJECT_BYTES);
 * checked before the transaction, so a copy stops with the record named instead
 * of a driver error.
 */
export function checkStorable(collectionId: string, record: RecordDump): void {
  const bytes = bytesOverStoreLimit(record.body);
  if (bytes === null) return;
  throw new UnprocessableContentError(
    `Cannot import ${record.id} version ${record.version} into collection ${collectionId}: its text is ${bytes} bytes, over the ${MAX_STORED_OBJECT_BYTES} bytes a MongoDB store keeps per object.`,
  );
}
