/**
 * Brings records written before schema version 2 up to date: each object's
 * newest record gets `newest: true` (the others false) and each indicator its
 * validUntilKey from its body; owner and submitter stay absent (read as `` and
 * null: only a steward acts for such an object). Objects are taken in id order,
 * a batch per transaction that takes the collection's counter as a write does,
 * so the upgrade runs safely beside writers and other instances upgrading at
 * once; it is idempotent, and a start after a crash does it again.
 */

import type { ClientSession, Collection, MongoClient, ObjectId } from 'mongodb';
import { validUntilKeyOf } from '../contract';
import { newestChanges } from './lifecycle-query';
import { INDEX, type CollectionDoc, type RecordDoc } from './schema';
import { inTransaction } from './transactions';

const UPGRADE_BATCH = 500;

export interface UpgradeDeps {
  client: MongoClient;
  records: Collection<RecordDoc>;
  collections: Collection<CollectionDoc>;
}

type MarkedDoc = Pick<RecordDoc, 'stixId' | 'dateAdded' | 'newest' | 'type' | 'validUntilKey'> & { _id: ObjectId };

export async function upgradeRecords(deps: UpgradeDeps): Promise<void> {
  for (const { _id: collectionId } of await deps.collections.find({}, { projection: { _id: 1 } }).toArray()) {
    let after = '';
    for (;;) {
      // Ids in index order, read from the index alone; a batch ends on a whole id, as its records are read again below.
      const page = await deps.records
        .find<{ stixId: string }>(
          { collection: collectionId, stixId: { $gt: after } },
          { sort: { stixId: 1 }, limit: UPGRADE_BATCH, hint: INDEX.recordsByVersion, projection: { _id: 0, stixId: 1 } },
        )
        .toArray();
      if (page.length === 0) break;
      const ids = [...new Set(page.map((doc) => doc.stixId))];
      after = ids[ids.length - 1]!;
      await inTransaction(deps.client, (session) => upgradeObjects(deps, session, collectionId, ids));
    }
  }
}

async function upgradeObjects(deps: UpgradeDeps, session: ClientSession, collectionId: string, ids: string[]): Promise<void> {
  await deps.collections.updateOne({ _id: collectionId }, { $inc: { writes: 1 } }, { session });
  const docs = await deps.records
    .find<MarkedDoc>(
      { collection: collectionId, stixId: { $in: ids } },
      { session, hint: INDEX.recordsByVersion, projection: { _id: 1, stixId: 1, dateAdded: 1, newest: 1, type: 1, validUntilKey: 1 } },
    )
    .toArray();
  const updates = new Map<string, { _id: ObjectId; set: Partial<RecordDoc> }>();
  const setOn = (_id: ObjectId, set: Partial<RecordDoc>) => {
    const known = updates.get(_id.toHexString());
    if (known) Object.assign(known.set, set);
    else updates.set(_id.toHexString(), { _id, set });
  };
  for (const { doc, newest } of newestChanges(docs)) setOn(doc._id, { newest });
  const indicators = docs.filter((doc) => doc.type === 'indicator' && doc.validUntilKey === undefined).map((doc) => doc._id);
  if (indicators.length > 0) {
    const bodies = await deps.records.find({ _id: { $in: indicators } }, { session, projection: { _id: 1, type: 1, body: 1 } }).toArray();
    for (const doc of bodies) {
      const validUntilKey = validUntilKeyOf(doc.type, validUntilIn(doc.body));
      if (validUntilKey !== null) setOn(doc._id, { validUntilKey });
    }
  }
  if (updates.size === 0) return;
  await deps.records.bulkWrite(
    [...updates.values()].map(({ _id, set }) => ({ updateOne: { filter: { _id }, update: { $set: set } } })),
    { session, ordered: false },
  );
}

/** The `valid_until` member of a stored body; undefined when the body is not a JSON object. */
export function validUntilIn(body: string): unknown {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).valid_until : undefined;
  } catch {
    return undefined;
  }
}
