/**
 * Deleting records in bounded transactions (docs/deployment.md#bounded-deletes).
 * The records a query selects are read first, at one point in time; they are
 * then removed in chunks of at most DELETE_CHUNK records, each chunk one
 * transaction that takes the collection's counter as a write does, removes what
 * is still there, fixes the `newest` marks, leaves the tombstones of what it
 * removed (their removedAt from the counter) and moves the counts. An object
 * whose selected records do not fit one chunk is removed over several, oldest
 * record first, so its newest record goes last and the marks of the others
 * never change before.
 */

import type { ClientSession, ObjectId } from 'mongodb';
import { tombstonesOf, type RecordQuery, type Removal } from '../contract';
import { countRemoved, settleCounter, takeCounter } from './collection-counter';
import { newestChanges } from './lifecycle-query';
import { toTombstoneDoc } from './record-docs';
import { findPage } from './record-reader';
import { INDEX, type RecordDoc } from './schema';
import type { RecordWriterDeps } from './record-writer';
import { inSnapshot, inTransaction } from './transactions';

/** Records per delete transaction: a transaction's size and time stay bounded whatever one object holds. */
export const DELETE_CHUNK = 1000;
const ID_CHUNK = 1000;

/** A delete needs what a write needs. */
type RecordDeleterDeps = RecordWriterDeps;

type Removable = Pick<RecordDoc, 'stixId' | 'type' | 'version' | 'versionKey' | 'dateAdded' | 'newest'> & { _id: ObjectId };

/**
 * The selected records (in dateAdded order) in chunks of at most `max`: each
 * object's records together, in the order of its first record, an object joining
 * the current chunk when it fits whole; an object with more than `max` records
 * is split, its oldest first.
 */
export function deleteChunks<T extends { stixId: string }>(records: readonly T[], max: number): T[][] {
  const byObject = new Map<string, T[]>();
  for (const record of records) {
    const list = byObject.get(record.stixId);
    if (list) list.push(record);
    else byObject.set(record.stixId, [record]);
  }
  const chunks: T[][] = [];
  let current: T[] = [];
  for (const list of byObject.values()) {
    if (current.length + list.length > max && current.length > 0) {
      chunks.push(current);
      current = [];
    }
    for (let i = 0; i < list.length; i += max) {
      const slice = list.slice(i, i + max);
      if (current.length + slice.length > max) {
        chunks.push(current);
        current = [];
      }
      current.push(...slice);
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export class RecordDeleter {
  constructor(private readonly deps: RecordDeleterDeps) {}

  async delete(query: RecordQuery, removal: Removal): Promise<number> {
    const { picked } = await inSnapshot(this.deps.client, (session) =>
      findPage(this.deps.records, session, { ...query, limit: undefined, offset: undefined, withBody: false }, true),
    );
    let removed = 0;
    for (const chunk of deleteChunks(picked, DELETE_CHUNK)) {
      const ids = chunk.map((doc) => doc._id!);
      // Each chunk queues on its own: this process's other writes to the collection pass between chunks.
      removed += await this.deps.queue.run(query.collectionId, () =>
        inTransaction(this.deps.client, (session) => this.deleteChunk(session, query.collectionId, ids, removal)),
      );
    }
    return removed;
  }

  /** One chunk's transaction: returns how many of these records it removed (another delete may have taken some). */
  private async deleteChunk(session: ClientSession, collectionId: string, ids: ObjectId[], removal: Removal): Promise<number> {
    let last = await takeCounter(this.deps.collections, session, collectionId);
    if (last === null) return 0;
    const present = await this.deps.records
      .find<Removable>(
        { _id: { $in: ids } },
        { session, projection: { _id: 1, stixId: 1, type: 1, version: 1, versionKey: 1, dateAdded: 1, newest: 1 } },
      )
      .toArray();
    if (present.length === 0) return 0;
    const { deletedCount } = await this.deps.records.deleteMany({ _id: { $in: present.map((doc) => doc._id) } }, { session });
    // Only an object whose newest record went needs new marks, and only it can be left without records.
    const emptied = await this.remarkNewest(session, collectionId, [...new Set(present.filter((doc) => doc.newest === true).map((doc) => doc.stixId))]);
    const gone = present.map((doc) => ({ id: doc.stixId, version: doc.version, versionKey: doc.versionKey, dateAdded: doc.dateAdded }));
    const tombstones = tombstonesOf(gone, removal, () => (last = Math.max(this.deps.clock(), last! + 1)));
    await this.deps.tombstones.insertMany(tombstones.map((t) => toTombstoneDoc(collectionId, t)), { session });
    const types = new Map(present.map((doc) => [doc.stixId, doc.type]));
    await settleCounter(this.deps.collections, session, collectionId, last, countRemoved(new Map([...emptied].map((id) => [id, types.get(id)!]))));
    return deletedCount;
  }

  /** After a delete: the latest remaining record of each of these objects is its newest. Returns the objects left without records. */
  private async remarkNewest(session: ClientSession, collectionId: string, ids: string[]): Promise<Set<string>> {
    const emptied = new Set(ids);
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const docs = await this.deps.records
        .find<Pick<RecordDoc, 'stixId' | 'dateAdded' | 'newest'> & { _id: ObjectId }>(
          { collection: collectionId, stixId: { $in: ids.slice(i, i + ID_CHUNK) } },
          { session, hint: INDEX.recordsByVersion, projection: { _id: 1, stixId: 1, dateAdded: 1, newest: 1 } },
        )
        .toArray();
      for (const doc of docs) emptied.delete(doc.stixId);
      const changes = newestChanges(docs);
      if (changes.length > 0) {
        await this.deps.records.bulkWrite(
          changes.map(({ doc, newest }) => ({ updateOne: { filter: { _id: doc._id }, update: { $set: { newest } } } })),
          { session, ordered: false },
        );
      }
    }
    return emptied;
  }
}
