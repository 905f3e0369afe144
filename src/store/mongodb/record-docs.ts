/**
 * Record and tombstone documents as written and read: the contract's values in,
 * the contract's values out, with the defaults of documents written before
 * schema version 2 (owner ``, submitter and validUntilKey null).
 */

import type { Filter } from 'mongodb';
import { indicatorsOnly, type RecordDump, type Submitter, type Tombstone, type VersionProvenance } from '../contract';
import { INDEX, type RecordDoc, type TombstoneDoc } from './schema';

const DUMP_FIELDS = {
  _id: 0,
  stixId: 1,
  type: 1,
  version: 1,
  versionKey: 1,
  specVersion: 1,
  versionless: 1,
  dateAdded: 1,
  body: 1,
  owner: 1,
  submitter: 1,
  validUntilKey: 1,
} as const;

/**
 * The read of exportRecords, or null when `limit` asks for none: MongoDB reads a
 * `limit` of 0 as no limit at all, the contract (and SQLite's LIMIT) as none.
 */
export function exportFind(
  collectionId: string,
  after: number | undefined,
  limit: number,
): { filter: Filter<RecordDoc>; options: { sort: { dateAdded: 1 }; limit: number; hint: string; projection: typeof DUMP_FIELDS } } | null {
  if (limit <= 0) return null;
  const filter: Filter<RecordDoc> = after === undefined ? { collection: collectionId } : { collection: collectionId, dateAdded: { $gt: after } };
  return { filter, options: { sort: { dateAdded: 1 }, limit, hint: INDEX.recordsByDate, projection: DUMP_FIELDS } };
}

export function recordDocOf(collectionId: string, r: RecordDump): RecordDoc {
  const doc: RecordDoc = {
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
  return withLifecycle(doc, r.owner, r.submitter, r.validUntilKey);
}

/** Owner, submitter and validUntilKey on a record document; the optional ones only when known. */
export function withLifecycle(doc: RecordDoc, owner: string, submitter: Submitter | null, validUntilKey: string | null): RecordDoc {
  doc.owner = owner;
  if (submitter !== null) {
    const { organisation, user, keyId } = submitter;
    doc.submitter = { organisation, ...(user !== undefined ? { user } : {}), ...(keyId !== undefined ? { keyId } : {}) };
  }
  const kept = indicatorsOnly({ type: doc.type, validUntilKey });
  if (kept !== null) doc.validUntilKey = kept;
  return doc;
}

/** Docs of one write, in dateAdded order: the last of each object is its newest. */
export function markNewest(docs: RecordDoc[]): RecordDoc[] {
  const last = new Map(docs.map((doc) => [doc.stixId, doc]));
  for (const doc of docs) doc.newest = last.get(doc.stixId) === doc;
  return docs;
}

export function toTombstoneDoc(collectionId: string, t: Tombstone): TombstoneDoc {
  return { collection: collectionId, removedAt: t.removedAt, stixId: t.id, versions: t.versions, reason: t.reason };
}

export function tombstoneOf(doc: Pick<TombstoneDoc, 'stixId' | 'versions' | 'removedAt' | 'reason'>): Tombstone {
  return { id: doc.stixId, versions: doc.versions, removedAt: doc.removedAt, reason: doc.reason };
}

export function dumpOf(doc: Omit<RecordDoc, 'collection'>): RecordDump {
  return {
    id: doc.stixId,
    type: doc.type,
    version: doc.version,
    versionKey: doc.versionKey,
    specVersion: doc.specVersion,
    versionless: doc.versionless,
    dateAdded: doc.dateAdded,
    body: doc.body,
    owner: doc.owner ?? '',
    submitter: doc.submitter ?? null,
    validUntilKey: doc.validUntilKey ?? null,
  };
}

export function provenanceOf(doc: Pick<RecordDoc, 'version' | 'specVersion' | 'dateAdded' | 'owner' | 'submitter'>): VersionProvenance {
  return { version: doc.version, specVersion: doc.specVersion, dateAdded: doc.dateAdded, owner: doc.owner ?? '', submitter: doc.submitter ?? null };
}
