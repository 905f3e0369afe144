/**
 * The MongoDB layout: one document per stored version ("record"), a counter
 * document per TAXII collection, and documents for statuses, entities, the audit
 * trail and server-wide values. Every index below serves a query of the storage
 * contract; they are created at start-up with createIndexes, which leaves an
 * existing index of the same name and definition alone.
 */

import type { Db, IndexDescription, ObjectId } from 'mongodb';
import type { Submitter } from '../contract';

/**
 * 2: records have owners, submitters, validUntilKey and the `newest` mark, and deletes leave tombstones.
 * 3: collection counters hold exact object counts and the irregular records (`counted`), and the index
 * of an object's versions is no longer unique (see upgrade.ts).
 */
export const SCHEMA_VERSION = 3;

export const COLLECTIONS = {
  records: 'records',
  /** One counter document per TAXII collection (`_id` is its id). */
  collections: 'collections',
  statuses: 'statuses',
  /** The text of a status too long for its document, in parts (status-parts.ts). */
  statusParts: 'status_parts',
  entities: 'entities',
  audit: 'audit',
  /** Audit entries written but not yet sealed into the chain (audit-appender.ts). */
  auditPending: 'audit_pending',
  tombstones: 'tombstones',
  /** Key/value documents: schema version, audit sequence, secrets. */
  meta: 'meta',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/**
 * One record. Timestamps keep their exact strings; `versionKey` is the sortable
 * `timestampKey` beside it, and `dateAdded` is integer microseconds (a double,
 * exact below 2^53), so no value ever goes through a BSON Date.
 */
export interface RecordDoc {
  collection: string;
  dateAdded: number;
  stixId: string;
  type: string;
  version: string;
  versionKey: string;
  specVersion: string;
  /** The object had no version: `version` is its first dateAdded. */
  versionless: boolean;
  /** The object's JSON text as received. */
  body: string;
  /** The object's owner key; absent (read as ``) in records written before schema version 2. */
  owner?: string;
  /** Absent (read as null) when unknown. */
  submitter?: Submitter;
  /** Only on indicators, and only when set. */
  validUntilKey?: string;
  /** True on the newest record of its object (by dateAdded), false on the others: what findExpired reads. */
  newest?: boolean;
}

/** What a delete left of an object: `removedAt` comes from the collection's counter, like a dateAdded. */
export interface TombstoneDoc {
  collection: string;
  removedAt: number;
  stixId: string;
  versions: string[];
  reason: string;
}

export interface CollectionDoc {
  _id: string;
  /** Highest dateAdded ever assigned in the collection, never lowered by a delete. */
  lastDateAdded: number;
  /** Bumped by every write transaction on the collection's records, so that they conflict and serialise. */
  writes: number;
  /** Objects (distinct ids) with at least one record; exact when `counted`. */
  objects?: number;
  /** `objects` per STIX type (a STIX type never holds a dot, so it is a safe field name). */
  objectsByType?: Record<string, number>;
  /**
   * Records ever stored that were not above every stored record of their object
   * (record-regularity.ts); never lowered. While 0, every object's newest record
   * is its last version, which lets pages and counts of `version=last` read the
   * newest marks alone (record-reader.ts).
   */
  irregular?: number;
  /** `objects`, `objectsByType` and `irregular` are exact: written since schema version 3 or set by its upgrade. */
  counted?: boolean;
  /** Bumped by the upgrade's transactions, which take the counter without counting as writes (upgrade.ts). */
  upgrades?: number;
}

export interface StatusDoc {
  _id: string;
  expiresAt: number;
  /** The StoredStatus as JSON text, like the SQLite backend; empty when `parts` holds it. */
  doc: string;
  /** How many StatusPartDocs hold the text, when it was too long for this document (status-parts.ts). */
  parts?: number;
}

/** One part of a long status text: `_id` is the status id and the part's number (status-parts.ts partId). */
export interface StatusPartDoc {
  _id: string;
  status: string;
  n: number;
  text: string;
}

export interface EntityDoc {
  kind: string;
  id: string;
  /** Absent (never null) when the entity has none, so the partial unique index ignores it. */
  uniqueKey?: string;
  refs: string[];
  /** The entity's document as JSON text: kept exactly, whatever its field names. */
  doc: string;
}

/** An audit entry waiting for its seal: the entry's fields, and an ObjectId for `_id`. */
export interface PendingAuditDoc {
  _id: ObjectId;
  [field: string]: unknown;
}

/** An audit entry's fields with its `prevHash` and `hash`, and its position in the trail as `_id`. */
export interface AuditDoc {
  _id: number;
  partnership?: string;
  [field: string]: unknown;
}

/**
 * In `meta`: `schema_version`, and `audit_seq`, the last audit seq taken, with
 * the audit trail's head: the hash of that entry (absent until the first chained
 * entry; entries written before have none, see audit-chain.ts).
 */
export interface CounterDoc {
  _id: string;
  value: number;
  hash?: string;
}

/** In `meta`: `secret:<name>`. */
export interface SecretDoc {
  _id: string;
  value: string;
}

export const META_SCHEMA_VERSION = 'schema_version';
export const META_AUDIT_SEQ = 'audit_seq';
export const SECRET_PREFIX = 'secret:';

export const INDEX = {
  recordsByDate: 'records_by_date',
  /** An object's versions; named records_by_object since schema version 3, when it stopped being unique. */
  recordsByVersion: 'records_by_object',
  recordsByType: 'records_by_type',
  versionlessRecords: 'records_versionless',
  versionedRecords: 'records_versioned',
  newestRecords: 'newest_records',
  newestByType: 'newest_by_type',
  tombstonesByTime: 'tombstones_by_time',
  statusesByExpiry: 'statuses_by_expiry',
  entitiesById: 'entities_by_id',
  entitiesByKey: 'entities_by_key',
  entitiesByRef: 'entities_by_ref',
  auditByPartnership: 'audit_by_partnership',
} as const;

/** Index definitions per collection, each with the contract query it serves. */
export const INDEXES: Record<CollectionName, IndexDescription[]> = {
  records: [
    // Pages in dateAdded order, the keyset cursor; unique, as dateAdded is per collection.
    { name: INDEX.recordsByDate, key: { collection: 1, dateAdded: 1 }, unique: true },
    // An object's versions: match[id], duplicates, hasObject, and the rival aggregation of version
    // selection, which it covers (every field the pipeline reads is a key: record-query.ts). Not unique:
    // a versioned record may carry the version the server gave a version-less one of its id, as in SQLite.
    { name: INDEX.recordsByVersion, key: { collection: 1, stixId: 1, versionKey: 1, specVersion: 1, dateAdded: 1 } },
    // match[type] pages: one ordered scan per type, merged in dateAdded order.
    { name: INDEX.recordsByType, key: { collection: 1, type: 1, dateAdded: 1 } },
    // An object without a version has exactly one record (docs/taxii.md#versioning): enforced under concurrency.
    {
      name: INDEX.versionlessRecords,
      key: { collection: 1, stixId: 1 },
      unique: true,
      partialFilterExpression: { versionless: true },
    },
    // A versioned record is unique by id and version (docs/taxii.md#versioning): the backstop under concurrency.
    // `versionless` (false in every entry) keeps its key pattern apart from version 2's records_by_version,
    // which stands beside it until the upgrade drops it: not every server accepts two indexes of one pattern.
    {
      name: INDEX.versionedRecords,
      key: { collection: 1, stixId: 1, versionKey: 1, versionless: 1 },
      unique: true,
      partialFilterExpression: { versionless: false },
    },
    // findExpired: each object's newest record in dateAdded order, validUntilKey tested in the index. One
    // index for both conditions: each costs a new version of a stored object one more index update.
    { name: INDEX.newestRecords, key: { collection: 1, newest: 1, dateAdded: 1, validUntilKey: 1 }, partialFilterExpression: { newest: true } },
    // match[type] pages and counts of `version=last` on a regular collection (regular-reads.ts).
    { name: INDEX.newestByType, key: { collection: 1, newest: 1, type: 1, dateAdded: 1 }, partialFilterExpression: { newest: true } },
  ],
  collections: [],
  statuses: [{ name: INDEX.statusesByExpiry, key: { expiresAt: 1 } }],
  // Read and purged by ranges of _id (one status's parts), which the _id index serves.
  status_parts: [],
  entities: [
    { name: INDEX.entitiesById, key: { kind: 1, id: 1 }, unique: true },
    { name: INDEX.entitiesByKey, key: { kind: 1, uniqueKey: 1 }, unique: true, partialFilterExpression: { uniqueKey: { $exists: true } } },
    // listEntities(kind, ref): equality on the multikey refs, then id order from the index.
    { name: INDEX.entitiesByRef, key: { kind: 1, refs: 1, id: 1 } },
  ],
  audit: [{ name: INDEX.auditByPartnership, key: { partnership: 1, _id: 1 } }],
  // Sealed oldest first, by _id (an ObjectId: in order within one process).
  audit_pending: [],
  // Polling a collection's tombstones since a point; removedAt is unique per collection, like dateAdded.
  tombstones: [{ name: INDEX.tombstonesByTime, key: { collection: 1, removedAt: 1 }, unique: true }],
  meta: [],
};

/**
 * Indexes on `records` of earlier schema versions, dropped by the upgrade (upgrade.ts). Schema
 * version 2's records_by_version was unique on (collection, stixId, versionKey), version-less
 * records included.
 */
export const RETIRED_RECORD_INDEXES = ['records_by_version'];

/** Creates the collections' indexes; idempotent, so every instance runs it at start-up. */
export async function ensureIndexes(db: Db): Promise<void> {
  for (const [name, indexes] of Object.entries(INDEXES)) {
    if (indexes.length > 0) await db.collection(name).createIndexes(indexes);
    else await db.createCollection(name).catch(ignoreExisting);
  }
}

/** createCollection fails with NamespaceExists (48) when another instance made it first. */
function ignoreExisting(error: unknown): void {
  if ((error as { code?: unknown }).code !== 48) throw error;
}
