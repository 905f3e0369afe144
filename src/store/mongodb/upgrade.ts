/**
 * Brings a database written by an earlier schema version up to date, at
 * start-up (docs/deployment.md#upgrading-to-schema-version-3):
 * - version 2: each object's newest record gets `newest: true` (the others
 *   false) and each indicator its validUntilKey from its body; owner and
 *   submitter stay absent (read as `` and null: only a steward acts for such an
 *   object);
 * - version 3: each collection's counter gets its exact `objects`,
 *   `objectsByType` and `irregular` (record-regularity.ts) and `counted: true`,
 *   and the unique index of an object's versions of version 2 is dropped.
 * Objects are taken in id order, a batch per transaction that takes the
 * collection's counter as a write does, so the upgrade runs safely beside
 * writers and other instances upgrading at once; it is idempotent, and a start
 * after a crash does it again. The counts are summed over the batches, so they
 * are exact only if no write ran meanwhile: the transaction that sets them
 * checks the counter's `writes` (bumped by every write, not by the upgrade's own
 * transactions) and walks the collection again if it moved.
 */

import { MongoServerError, type ClientSession, type Collection, type MongoClient, type ObjectId } from 'mongodb';
import { StoreUnavailableError } from '../../errors';
import { validUntilKeyOf } from '../contract';
import { objectsOfType } from './collection-counter';
import { newestChanges } from './lifecycle-query';
import { countIrregular } from './record-regularity';
import { INDEX, RETIRED_RECORD_INDEXES, type CollectionDoc, type RecordDoc } from './schema';
import { inTransaction } from './transactions';

const UPGRADE_BATCH = 500;
/** Walks of one collection before giving up while writes keep coming (they should not: docs/deployment.md). */
const COUNT_ATTEMPTS = 3;

export interface UpgradeDeps {
  client: MongoClient;
  records: Collection<RecordDoc>;
  collections: Collection<CollectionDoc>;
}

type MarkedDoc = Pick<RecordDoc, 'stixId' | 'dateAdded' | 'newest' | 'type' | 'validUntilKey' | 'specVersion' | 'versionKey'> & { _id: ObjectId };

/** What a walk counts, as the counter keeps it. */
export type Tally = Required<Pick<CollectionDoc, 'objects' | 'objectsByType' | 'irregular'>>;

export async function upgradeRecords(deps: UpgradeDeps): Promise<void> {
  for (const counter of await deps.collections.find({}, { projection: { _id: 1, counted: 1 } }).toArray()) {
    // Counted already (by another instance upgrading at once): its walk has marked the newest records too.
    if (counter.counted !== true) await upgradeCollection(deps, counter._id);
  }
  for (const name of RETIRED_RECORD_INDEXES) await deps.records.dropIndex(name).catch(ignoreMissingIndex);
}

async function upgradeCollection(deps: UpgradeDeps, collectionId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const before = await inTransaction(deps.client, async (session) => writesIn(await deps.collections.findOne({ _id: collectionId }, { session, projection: { writes: 1 } })));
    const tally = await walkObjects(deps, collectionId);
    const outcome = await inTransaction(deps.client, async (session) => {
      const counter = await deps.collections.findOneAndUpdate(
        { _id: collectionId },
        { $inc: { upgrades: 1 } },
        { session, returnDocument: 'after', projection: { writes: 1, counted: 1 } },
      );
      const decided = settlement(counter, before);
      if (decided === 'set') await deps.collections.updateOne({ _id: collectionId }, { $set: { ...tally, counted: true } }, { session });
      return decided;
    });
    if (outcome !== 'moved') return;
    if (attempt >= COUNT_ATTEMPTS) {
      throw new StoreUnavailableError(
        `Cannot upgrade the MongoDB store: collection ${collectionId} was written during each of ${COUNT_ATTEMPTS} counting walks; stop every instance of an earlier version and start again (docs/deployment.md).`,
      );
    }
  }
}

/**
 * What the upgrade does with a collection's counter once its walk is done:
 * `set` the counts when no write ran since the walk began, nothing when another
 * instance has counted it (`already`), walk again when a write ran (`moved`).
 */
export function settlement(counter: Partial<Pick<CollectionDoc, 'writes' | 'counted'>> | null, writesBefore: number): 'set' | 'already' | 'moved' {
  if (counter === null || counter.counted === true) return 'already';
  return writesIn(counter) === writesBefore ? 'set' : 'moved';
}

function writesIn(counter: Partial<Pick<CollectionDoc, 'writes'>> | null): number {
  return counter?.writes ?? 0;
}

/** Every object of the collection, in id order and batches, upgraded and counted. */
async function walkObjects(deps: UpgradeDeps, collectionId: string): Promise<Tally> {
  let tally: Tally = { objects: 0, objectsByType: {}, irregular: 0 };
  let after = '';
  for (;;) {
    // Ids in index order, read from the index alone; a batch ends on a whole id, as its records are read again below.
    const page = await deps.records
      .find<{ stixId: string }>(
        { collection: collectionId, stixId: { $gt: after } },
        { sort: { stixId: 1 }, limit: UPGRADE_BATCH, hint: INDEX.recordsByVersion, projection: { _id: 0, stixId: 1 } },
      )
      .toArray();
    if (page.length === 0) return tally;
    const ids = [...new Set(page.map((doc) => doc.stixId))];
    after = ids[ids.length - 1]!;
    const counted = await inTransaction(deps.client, (session) => upgradeObjects(deps, session, collectionId, ids));
    tally = addTally(tally, counted);
  }
}

async function upgradeObjects(deps: UpgradeDeps, session: ClientSession, collectionId: string, ids: string[]): Promise<Tally> {
  // Takes the counter, so that writers serialise with the batch; `upgrades`, not `writes`: see settlement.
  await deps.collections.updateOne({ _id: collectionId }, { $inc: { upgrades: 1 } }, { session });
  const docs = await deps.records
    .find<MarkedDoc>(
      { collection: collectionId, stixId: { $in: ids } },
      { session, hint: INDEX.recordsByVersion, projection: { _id: 1, stixId: 1, dateAdded: 1, newest: 1, type: 1, validUntilKey: 1, specVersion: 1, versionKey: 1 } },
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
  if (updates.size > 0) {
    await deps.records.bulkWrite(
      [...updates.values()].map(({ _id, set }) => ({ updateOne: { filter: { _id }, update: { $set: set } } })),
      { session, ordered: false },
    );
  }
  return tallyObjects(docs);
}

/**
 * The counts of whole objects' records: one object per id, by its type (a STIX
 * id starts with it), and the records not after every earlier-added record of
 * their object (record-regularity.ts), as if stored again in dateAdded order.
 */
export function tallyObjects(docs: ReadonlyArray<Pick<RecordDoc, 'stixId' | 'type' | 'dateAdded' | 'specVersion' | 'versionKey'>>): Tally {
  const byId = new Map<string, Array<(typeof docs)[number]>>();
  for (const doc of docs) {
    const own = byId.get(doc.stixId);
    if (own) own.push(doc);
    else byId.set(doc.stixId, [doc]);
  }
  const tally: Tally = { objects: byId.size, objectsByType: {}, irregular: 0 };
  for (const own of byId.values()) {
    const type = own[0]!.type;
    tally.objectsByType[type] = objectsOfType(tally.objectsByType, type) + 1;
    tally.irregular += countIrregular([], [...own].sort((a, b) => a.dateAdded - b.dateAdded));
  }
  return tally;
}

export function addTally(a: Tally, b: Tally): Tally {
  const objectsByType = { ...a.objectsByType };
  for (const [type, n] of Object.entries(b.objectsByType)) objectsByType[type] = objectsOfType(objectsByType, type) + n;
  return { objects: a.objects + b.objects, objectsByType, irregular: a.irregular + b.irregular };
}

/** Dropping an index that is not there (dropped by another instance, or never made): IndexNotFound (27). */
export function ignoreMissingIndex(error: unknown): void {
  if (!(error instanceof MongoServerError && error.code === 27)) throw error;
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
