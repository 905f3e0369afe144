/**
 * Reading what the data lifecycle keeps: who submitted each version of an
 * object, which objects the retention sweep should remove (lifecycle-query.ts),
 * and the tombstones deletes left, which are also purged here.
 */

import type { Collection } from 'mongodb';
import type { ExpiredObject, ExpiryQuery, Tombstone, VersionProvenance } from '../contract';
import { expiryFinds, mergeExpired } from './lifecycle-query';
import { provenanceOf, tombstoneOf } from './record-docs';
import { INDEX, type CollectionDoc, type RecordDoc, type TombstoneDoc } from './schema';

export class LifecycleReader {
  constructor(
    private readonly records: Collection<RecordDoc>,
    private readonly collections: Collection<CollectionDoc>,
    private readonly tombstones: Collection<TombstoneDoc>,
  ) {}

  async provenance(collectionId: string, id: string): Promise<VersionProvenance[]> {
    const docs = await this.records
      .find<Pick<RecordDoc, 'version' | 'specVersion' | 'dateAdded' | 'owner' | 'submitter'>>(
        { collection: collectionId, stixId: id },
        { hint: INDEX.recordsByVersion, projection: { _id: 0, version: 1, specVersion: 1, dateAdded: 1, owner: 1, submitter: 1 } },
      )
      .toArray();
    return docs.sort((a, b) => a.dateAdded - b.dateAdded).map(provenanceOf);
  }

  async findExpired(query: ExpiryQuery): Promise<ExpiredObject[]> {
    const answers = await Promise.all(
      expiryFinds(query).map((f) =>
        this.records.find<Pick<RecordDoc, 'stixId' | 'dateAdded'>>(f.filter, { sort: f.sort, hint: f.hint, projection: f.projection, limit: f.limit }).toArray(),
      ),
    );
    return mergeExpired(answers, query.limit);
  }

  async listTombstones(collectionId: string, after: number | undefined, limit: number): Promise<{ tombstones: Tombstone[]; more: boolean }> {
    const filter = after === undefined ? { collection: collectionId } : { collection: collectionId, removedAt: { $gt: after } };
    const docs = await this.tombstones
      .find<Omit<TombstoneDoc, 'collection'>>(filter, { sort: { removedAt: 1 }, limit: limit + 1, hint: INDEX.tombstonesByTime, projection: { _id: 0, collection: 0 } })
      .toArray();
    const more = docs.length > limit;
    if (more) docs.pop();
    return { tombstones: docs.map(tombstoneOf), more };
  }

  /** Collection by collection, each one range of tombstones_by_time. */
  async purgeTombstones(before: number): Promise<number> {
    let removed = 0;
    for (const { _id } of await this.collections.find({}, { projection: { _id: 1 } }).toArray()) {
      removed += (await this.tombstones.deleteMany({ collection: _id, removedAt: { $lt: before } }, { hint: INDEX.tombstonesByTime })).deletedCount;
    }
    return removed;
  }
}
