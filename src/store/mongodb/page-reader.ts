/**
 * The reads behind findRecords, findObjectsText and countRecords: each in one
 * snapshot session that first reads the collection's counter, so the choice
 * between the newest marks (regular-reads.ts) and the general path
 * (record-reader.ts) and the records read agree on one point in time.
 */

import type { ClientSession, Collection, MongoClient } from 'mongodb';
import { OBJECTS_PER_PART, type ObjectsText, type RecordPage, type RecordQuery } from '../contract';
import { selectsNothing } from '../selection';
import { toStoredRecord, typeGroups } from './record-query';
import { attachBodies, countSelected, findPage, findSizedPage } from './record-reader';
import { countAfterBound, hasRegularShape, isRegularRead, newestFilter, newestIndex, objectsAmong, REGULARITY_FIELDS, sideCondition, type Regularity } from './regular-reads';
import type { CollectionDoc, RecordDoc } from './schema';
import { inSnapshot } from './transactions';

export class PageReader {
  constructor(
    private readonly client: MongoClient,
    private readonly records: Collection<RecordDoc>,
    private readonly collections: Collection<CollectionDoc>,
  ) {}

  async findRecords(q: RecordQuery): Promise<RecordPage> {
    return inSnapshot(this.client, async (session) => {
      const { picked, more } = await findPage(this.records, session, q, false, await this.isRegular(session, q));
      return { records: picked.map(toStoredRecord), more };
    });
  }

  /**
   * The page of findRecords, in parts. The candidates come with their body's size
   * instead of the body, the budget cuts the page, and then only the kept bodies
   * are fetched, by _id in the same snapshot: a body past the budget is never read.
   */
  async findObjectsText(q: RecordQuery, budgetBytes: number): Promise<ObjectsText> {
    return inSnapshot(this.client, async (session) => {
      const { picked, more } = await findSizedPage(this.records, session, q, budgetBytes, await this.isRegular(session, q));
      if (picked.length === 0) return { parts: [], count: 0, more: false };
      await attachBodies(this.records, session, picked);
      const parts: string[] = [];
      for (let i = 0; i < picked.length; i += OBJECTS_PER_PART) parts.push(picked.slice(i, i + OBJECTS_PER_PART).map((c) => c.body!).join(','));
      return { parts, count: picked.length, firstDateAdded: picked[0]!.dateAdded, lastDateAdded: picked[picked.length - 1]!.dateAdded, more };
    });
  }

  /**
   * On a regular collection, the counter's object count, or index-only counts of
   * newest marks about the bound (regular-reads.ts countAfterBound); otherwise
   * the general count.
   */
  async countRecords(q: RecordQuery): Promise<number> {
    return inSnapshot(this.client, async (session) => {
      if (selectsNothing(q)) return 0;
      const counter = hasRegularShape(q) ? await this.counter(session, q.collectionId) : null;
      if (!isRegularRead(q, counter)) return countSelected(this.records, session, q);
      if (q.after === undefined) return objectsAmong(counter!, q.types);
      const after = q.after;
      let total = 0;
      for (const types of q.types === undefined ? [undefined] : typeGroups(q.types)) {
        total += await countAfterBound(objectsAmong(counter!, types), (side, limit) =>
          this.records.countDocuments(newestFilter(q.collectionId, types, sideCondition(after, side)), {
            session,
            hint: newestIndex(types),
            ...(limit === undefined ? {} : { limit }),
          }),
        );
      }
      return total;
    });
  }

  private async isRegular(session: ClientSession, q: RecordQuery): Promise<boolean> {
    return hasRegularShape(q) && isRegularRead(q, await this.counter(session, q.collectionId));
  }

  private counter(session: ClientSession, collectionId: string): Promise<Regularity | null> {
    return this.collections.findOne<Regularity>({ _id: collectionId }, { session, projection: REGULARITY_FIELDS });
  }
}
