/**
 * The collection's counter document (CollectionDoc) as writes use it: each write
 * transaction takes it first (so writers of one collection serialise, see
 * record-writer.ts) and ends with one update that raises `lastDateAdded` and
 * moves the maintained counts by what the write did: objects that gained their
 * first record or lost their last, per type, and records that broke regularity
 * (record-regularity.ts). The counts are computed here, purely.
 */

import type { ClientSession, Collection, UpdateFilter } from 'mongodb';
import { countIrregular, isAfter, type VersionPlace } from './record-regularity';
import type { CollectionDoc } from './schema';

/** A new counter document: counts exact from the start. */
export const NEW_COUNTER: Omit<CollectionDoc, '_id'> = { lastDateAdded: 0, writes: 0, objects: 0, objectsByType: {}, irregular: 0, counted: true };

/** What one write changes in the counts. */
export interface CountChange {
  /** Objects that gained their first record (positive) or lost their last (negative). */
  objects: number;
  byType: Map<string, number>;
  /** Records stored that were not after every stored record of their object. */
  irregular: number;
}

/** A record as the counts see it. */
export type CountedRecord = VersionPlace & { stixId: string; type: string };

/**
 * The objects of `type` in a counter's `objectsByType`, 0 when it has none: own
 * members only, as a valid STIX type may be named like a member every JavaScript
 * object has (`constructor`).
 */
export function objectsOfType(byType: Readonly<Record<string, number>> | undefined, type: string): number {
  return byType !== undefined && Object.hasOwn(byType, type) ? byType[type]! : 0;
}

/** The higher of two places in version selection's order (record-regularity.ts). */
export function higherPlace(a: VersionPlace | undefined, b: VersionPlace): VersionPlace {
  return a === undefined || isAfter(b, a) ? { specVersion: b.specVersion, versionKey: b.versionKey } : a;
}

/**
 * The counts an add or import changes: `docs` are its new records in dateAdded
 * order, `highest` the highest place among the stored records of each object that
 * had any before the write (its other objects are new).
 */
export function countAdded(docs: readonly CountedRecord[], highest: ReadonlyMap<string, VersionPlace>): CountChange {
  const byObject = new Map<string, { type: string; places: VersionPlace[] }>();
  for (const doc of docs) {
    const known = byObject.get(doc.stixId);
    if (known) known.places.push(doc);
    else byObject.set(doc.stixId, { type: doc.type, places: [doc] });
  }
  const change: CountChange = { objects: 0, byType: new Map(), irregular: 0 };
  for (const [id, { type, places }] of byObject) {
    const stored = highest.get(id);
    if (stored === undefined) {
      change.objects += 1;
      change.byType.set(type, (change.byType.get(type) ?? 0) + 1);
    }
    change.irregular += countIrregular(stored === undefined ? [] : [stored], places);
  }
  return change;
}

/** The counts a delete changes: the objects it left without any record, with their types. */
export function countRemoved(emptied: ReadonlyMap<string, string>): CountChange {
  const change: CountChange = { objects: 0, byType: new Map(), irregular: 0 };
  for (const type of emptied.values()) {
    change.objects -= 1;
    change.byType.set(type, (change.byType.get(type) ?? 0) - 1);
  }
  return change;
}

/** The update that ends a write: the last dateAdded raised, the counts moved (nothing for a count that did not change). */
export function counterUpdate(last: number, change?: CountChange): UpdateFilter<CollectionDoc> {
  const inc: Record<string, number> = {};
  if (change !== undefined) {
    if (change.objects !== 0) inc.objects = change.objects;
    for (const [type, n] of change.byType) if (n !== 0) inc[`objectsByType.${type}`] = n;
    if (change.irregular !== 0) inc.irregular = change.irregular;
  }
  return Object.keys(inc).length === 0 ? { $max: { lastDateAdded: last } } : { $max: { lastDateAdded: last }, $inc: inc };
}

/** Takes the collection for this transaction (a write conflict on it serialises writers) and returns its last dateAdded, or null when it has no counter. */
export async function takeCounter(collections: Collection<CollectionDoc>, session: ClientSession, collectionId: string): Promise<number | null> {
  const counter = await collections.findOneAndUpdate(
    { _id: collectionId },
    { $inc: { writes: 1 } },
    { session, returnDocument: 'after', projection: { lastDateAdded: 1 } },
  );
  return counter === null ? null : counter.lastDateAdded;
}

/** Ends a write on the counter, in its transaction. */
export async function settleCounter(
  collections: Collection<CollectionDoc>,
  session: ClientSession,
  collectionId: string,
  last: number,
  change?: CountChange,
): Promise<void> {
  await collections.updateOne({ _id: collectionId }, counterUpdate(last, change), { session });
}
