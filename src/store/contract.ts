/**
 * The storage contract: everything Accord keeps goes through this interface.
 * Only plain values cross it. Filter parsing and cursors live in `src/taxii`; a
 * backend translates the parsed query below. Which records a query selects (the
 * TAXII 2.1 §3.4.1 version rules included) is stated once in `selection.ts`:
 * MongoDB decides with it, and the same suite (`test/store/contract.suite.ts`),
 * run against every backend, checks each one against it.
 *
 * Vocabulary: a *record* is one stored version of one STIX object in one
 * collection. `dateAdded` is microseconds since the epoch, assigned by the store,
 * unique and strictly increasing per collection, never reused after a delete.
 */

import { isStixTimestamp, timestampKey } from '../stix/timestamp';

export interface NewRecord {
  /** The STIX `id`. */
  id: string;
  type: string;
  /**
   * The version string exactly as the object carries it (`modified`, else
   * `created`), or null for an object with neither. For such an object the store
   * sets `version` to `formatMicros(dateAdded)` of its first record (TAXII 2.1
   * §3.4.1 leaves the choice to the server), and any later record with the same
   * id is a duplicate.
   */
  version: string | null;
  /** `timestampKey(version)`, or null when `version` is null. */
  versionKey: string | null;
  /** `spec_version` of the object, or the inferred one (see src/taxii/versioning.ts). */
  specVersion: string;
  /** The object's JSON text exactly as received. */
  body: string;
  /**
   * Whom the object belongs to if this is its first record: an owner key
   * (`org:<id>` or `identity:<STIX id>`, see src/partnerships/ownership.ts). The
   * owner of an object is the owner of its first record; later records keep it.
   */
  owner: string;
  /** Who submitted this version. */
  submitter: Submitter;
  /**
   * `timestampKey(valid_until)` of an indicator that has one, else null: the
   * retention sweep finds expired indicators by it.
   */
  validUntilKey: string | null;
}

/**
 * The `validUntilKey` of a record: `timestampKey(valid_until)` for an indicator
 * whose `valid_until` is a valid STIX timestamp, else null.
 */
export function validUntilKeyOf(type: string, validUntil: unknown): string | null {
  return type === 'indicator' && isStixTimestamp(validUntil) ? timestampKey(validUntil) : null;
}

/** The validUntilKey a store keeps: only an indicator's, so that findExpired tests the key alone. */
export function indicatorsOnly(record: Pick<NewRecord, 'type' | 'validUntilKey'>): string | null {
  return record.type === 'indicator' ? record.validUntilKey : null;
}

/** Who submitted a version: the organisation, and the user or API key that acted for it. */
export interface Submitter {
  organisation: string;
  user?: string;
  keyId?: string;
}

/**
 * Owner keys a submitter may add versions for (an object whose owner is another
 * is refused with `owned`), or `*` for a steward, who may add versions to any.
 * `identity:*` in the list stands for every `identity:` owner (an organisation
 * allowed to relay any outside identity). An object stored before owners were
 * recorded has the owner `` (the empty key): only `*` acts for it.
 */
export type MayActFor = readonly string[] | '*';

/** Whether a submitter who may act for `mayActFor` may add versions of an object owned by `owner`. */
export function actsFor(mayActFor: MayActFor, owner: string): boolean {
  if (mayActFor === '*') return true;
  if (owner === '') return false;
  return mayActFor.includes(owner) || (owner.startsWith('identity:') && mayActFor.includes('identity:*'));
}

/**
 * The largest object text a store keeps, in UTF-8 bytes: the same on every
 * backend, so that an object is stored or refused alike everywhere. MongoDB
 * keeps a record in one document of at most 16 MiB; 64 KiB of it are left for
 * the record's other fields (docs/deployment.md#objects-and-statuses-of-any-size).
 * `taxii.max_object_size` may not exceed it.
 */
export const MAX_STORED_OBJECT_BYTES = 16 * 1024 * 1024 - 64 * 1024;

/**
 * The UTF-8 length of `body` when it is over MAX_STORED_OBJECT_BYTES, else
 * null. A UTF-16 code unit takes one to three bytes, so only texts whose length
 * lies between a third of the limit and the limit are measured.
 */
export function bytesOverStoreLimit(body: string): number | null {
  if (body.length * 3 <= MAX_STORED_OBJECT_BYTES) return null;
  const bytes = Buffer.byteLength(body, 'utf8');
  return bytes > MAX_STORED_OBJECT_BYTES ? bytes : null;
}

export type AddOutcome =
  | { kind: 'added'; dateAdded: number; version: string }
  /** Same id and version already stored (or earlier in the same call): nothing written. */
  | { kind: 'duplicate'; dateAdded: number; version: string; sameContent: boolean }
  /** The object belongs to `owner`, for whom the submitter may not act: nothing written. */
  | { kind: 'owned'; owner: string }
  /** The object's text is `bytes` long in UTF-8, over MAX_STORED_OBJECT_BYTES: nothing written, checked before anything else. */
  | { kind: 'too-large'; bytes: number };

export interface StoredRecord {
  id: string;
  type: string;
  version: string;
  specVersion: string;
  dateAdded: number;
  /** Present when the query asked for bodies. */
  body?: string;
}

/**
 * Which versions of each object to return (TAXII 2.1 §3.4.1 `match[version]`).
 * `first` and `last` are the earliest and latest version among the records left
 * after the bound, id/type and spec-version filters; `at` holds exact instants as
 * `timestampKey` strings. The selectors are ORed.
 */
export type VersionSelector = { all: true } | { all: false; first: boolean; last: boolean; at: string[] };

export interface RecordQuery {
  collectionId: string;
  /** Exclusive lower bound on dateAdded. */
  after?: number | undefined;
  ids?: string[];
  types?: string[];
  /**
   * `latest` keeps, per id, only the records of its highest remaining spec version
   * (the TAXII default); `all` keeps every spec version; a list keeps those.
   */
  specVersions: 'latest' | 'all' | string[];
  versions: VersionSelector;
  /** At most this many records; undefined means no limit, 0 none (as everywhere in the contract). */
  limit?: number | undefined;
  /**
   * Skip this many matching records first. Only TAXII 2.0 range paging
   * (`Range: items=a-b`) uses it; TAXII 2.1 pages by keyset (`after`).
   */
  offset?: number | undefined;
  withBody: boolean;
}

export interface RecordPage {
  /** Sorted by dateAdded ascending. */
  records: StoredRecord[];
  /** True when at least one more record matches after the last one returned. */
  more: boolean;
}

/** Objects per part of an ObjectsText: a few dozen keeps each string well below V8's large-object size. */
export const OBJECTS_PER_PART = 64;

/**
 * A page of objects ready to serve: their stored texts in date_added order, in
 * parts of a few dozen objects each (to be joined by commas). No single string
 * holds a whole page, so pages stay small, short-lived objects for the JS heap.
 */
export interface ObjectsText {
  /** At most OBJECTS_PER_PART objects each. */
  parts: string[];
  count: number;
  /** dateAdded of the first and last object; absent when the page is empty. */
  firstDateAdded?: number;
  lastDateAdded?: number;
  /** True when at least one more record matches after the last one. */
  more: boolean;
}

export interface StatusDetail {
  id: string;
  version: string;
  message?: string;
}

export interface StoredStatus {
  id: string;
  apiRoot: string;
  collectionId: string;
  /** Who may read it: the principal key of the submitter. */
  owner: string;
  status: 'complete' | 'pending';
  requestTimestamp: string;
  totalCount: number;
  successCount: number;
  failureCount: number;
  pendingCount: number;
  successes: StatusDetail[];
  failures: StatusDetail[];
  pendings: StatusDetail[];
  /** Microseconds since the epoch; the status is served until then. */
  expiresAt: number;
}

/**
 * What identity and partnerships keep: organisations, users, API keys, client
 * certificates, partnerships, memberships and collections, as plain JSON
 * documents with an id, an optional unique key and references that find them.
 * The typed model lives in src/identity and src/partnerships (through
 * entity-table.ts); the store only keeps and finds. A new kind is one more name
 * in ENTITY_KINDS: `accord store copy` and both backends follow.
 */
export const ENTITY_KINDS = ['organisation', 'user', 'api_key', 'certificate', 'partnership', 'membership', 'collection', 'submission'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export interface Entity {
  kind: EntityKind;
  id: string;
  /** Unique among entities of this kind when set: a username, a partnership path, a fingerprint. */
  uniqueKey?: string;
  /** Keys other lookups use, e.g. `org:<id>` or `partnership:<id>`. */
  refs: string[];
  doc: Record<string, unknown>;
}

/** One audit event (append-only; credentials and object contents never go in). */
export interface AuditEntry {
  /** TAXII timestamp with microseconds. */
  time: string;
  operation: string;
  /** HTTP status or CLI outcome code. */
  outcome: number;
  organisation?: string;
  user?: string;
  keyId?: string;
  partnership?: string;
  collection?: string;
  objectCount?: number;
  statusId?: string;
  /** Short free text for administrative changes, e.g. `member org-x role publisher`. */
  detail?: string;
}

export interface StoredAuditEntry extends AuditEntry {
  /** Position in the trail, increasing. */
  seq: number;
  /**
   * The hash chain (audit-chain.ts): the hash of the entry before (GENESIS for
   * the first chained one) and this entry's own. Both absent on entries written
   * before the chain existed.
   */
  prevHash?: string;
  hash?: string;
}

/** The last chained entry of the trail, kept apart from the entries so that removing the last ones shows. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/**
 * One record with everything needed to recreate it exactly in another store
 * (`accord store copy`): the stored version and key, whether the version was
 * assigned by the store, and the original dateAdded.
 */
export interface RecordDump {
  id: string;
  type: string;
  version: string;
  versionKey: string;
  specVersion: string;
  /** True when the object had no version and `version` is its first record's dateAdded. */
  versionless: boolean;
  dateAdded: number;
  body: string;
  /** `` for a record stored before owners were recorded. */
  owner: string;
  /** Null for a record stored before submitters were recorded. */
  submitter: Submitter | null;
  validUntilKey: string | null;
}

/** One stored version of one object with who submitted it: for stewards and administrators only. */
export interface VersionProvenance {
  version: string;
  specVersion: string;
  dateAdded: number;
  owner: string;
  submitter: Submitter | null;
}

/**
 * What remains of a deleted or purged object, so that consumers holding it can
 * drop it: never its content. `removedAt` is taken from the collection's
 * dateAdded sequence (strictly increasing, shared with the records), so a
 * consumer can poll tombstones with the same bound it polls objects with.
 */
export interface Tombstone {
  id: string;
  /** The versions removed, oldest first. */
  versions: string[];
  removedAt: number;
  /** Why: `deleted` (Delete an Object), `retention` (a retention sweep)… */
  reason: string;
}

/** How a delete is remembered. */
export interface Removal {
  reason: string;
}

/** A record a delete removed, as both backends group it into tombstones. */
export interface RemovedRecord {
  id: string;
  version: string;
  versionKey: string;
  dateAdded: number;
}

/**
 * The tombstones a delete leaves: one per object that lost records, in the order
 * of each object's first removed record, its versions oldest (earliest instant)
 * first; `nextDateAdded` hands out each removedAt from the collection's sequence.
 */
export function tombstonesOf(removed: readonly RemovedRecord[], removal: Removal, nextDateAdded: () => number): Tombstone[] {
  const byObject = new Map<string, RemovedRecord[]>();
  for (const r of [...removed].sort((a, b) => a.dateAdded - b.dateAdded)) {
    const list = byObject.get(r.id);
    if (list) list.push(r);
    else byObject.set(r.id, [r]);
  }
  return [...byObject].map(([id, records]) => ({
    id,
    versions: records.sort((a, b) => (a.versionKey < b.versionKey ? -1 : a.versionKey > b.versionKey ? 1 : 0)).map((r) => r.version),
    removedAt: nextDateAdded(),
    reason: removal.reason,
  }));
}

/** What the retention sweep removes: objects whose newest record is older, or indicators that expired (either). */
export interface ExpiryQuery {
  collectionId: string;
  /** Objects whose newest record has a dateAdded below this. */
  addedBefore?: number;
  /** Indicators whose newest record has a validUntilKey below this. */
  validUntilBefore?: string;
  /**
   * Only objects whose newest record was added after this: a sweep resumes after
   * the last object it saw instead of walking again past what it kept.
   */
  after?: number;
  /** At most this many objects, oldest first (0: none). */
  limit: number;
}

/** An object findExpired names, with the dateAdded of its newest record (where a sweep resumes). */
export interface ExpiredObject {
  id: string;
  newestAdded: number;
}

/** A collection that holds or held records, with the highest dateAdded ever assigned in it. */
export interface CollectionMark {
  id: string;
  lastDateAdded: number;
}

/**
 * What a store knows of its own beginning (docs/reliability.md#damaged-stores): the
 * data directory's marker names the same id, so a store file from elsewhere is
 * noticed, and the configuration's seed is loaded once, into a new store only.
 */
export interface StoreOrigin {
  /** A random id given when the store was created. */
  id: string;
  /** When it was created (a TAXII timestamp). */
  createdAt: string;
  /** False until the seed has been loaded; true from the start for a store that held data before origins were recorded. */
  seeded: boolean;
}

export interface AuditQuery {
  partnership?: string;
  afterSeq?: number;
  /** At most this many entries (0: none, `more` telling whether any follow). */
  limit: number;
}

export interface Store {
  /**
   * Adds records in one atomic write; returns one outcome per input, in order. A
   * duplicate is a duplicate whoever sends it; a new version of an object owned by
   * someone the submitter may not act for is `owned`.
   */
  addRecords(collectionId: string, records: NewRecord[], mayActFor: MayActFor): Promise<AddOutcome[]>;
  findRecords(query: RecordQuery): Promise<RecordPage>;
  /**
   * The same page as findRecords (with bodies), as one text ready for an
   * envelope: the hot read path, so a backend may build it without a row object
   * per record. The query must have a limit.
   *
   * With `budgetBytes`, the page also ends before the first object that would
   * take the total of its texts (UTF-8 bytes) past the budget, with `more` true;
   * the first object always comes, however large. Objects past the budget are not
   * read: a page's memory is bounded by max(budget, largest object)
   * (docs/reliability.md#memory). The page is still a prefix of the selection, so
   * resuming after its last date_added neither skips nor repeats an object.
   */
  findObjectsText(query: RecordQuery, budgetBytes?: number): Promise<ObjectsText>;
  /** How many records the query selects, ignoring limit and offset. */
  countRecords(query: RecordQuery): Promise<number>;
  /**
   * Deletes the records a query (without limit or bound) selects, and leaves one
   * tombstone per object that lost records, in the same write; returns how many
   * records went. The records are those selected when the call starts. A backend
   * may bound its writes: MongoDB removes them in transactions of at most a
   * thousand records, each leaving the tombstones of what it removed (an object
   * with more records selected gets one per write), so a reader may see an
   * object partly deleted meanwhile (docs/deployment.md#bounded-deletes).
   */
  deleteRecords(query: RecordQuery, removal: Removal): Promise<number>;
  /** Every version of an object with its owner and submitter, by dateAdded; empty when none is stored. */
  provenance(collectionId: string, id: string): Promise<VersionProvenance[]>;
  /** Objects the retention sweep should remove, oldest (newest record) first. */
  findExpired(query: ExpiryQuery): Promise<ExpiredObject[]>;
  /** Tombstones with removedAt after `after`, oldest first, at most `limit` (0: none, `more` telling whether any follow). */
  listTombstones(collectionId: string, after: number | undefined, limit: number): Promise<{ tombstones: Tombstone[]; more: boolean }>;
  /** Removes tombstones whose removedAt is before `before`; returns how many went. */
  purgeTombstones(before: number): Promise<number>;
  /** True when the collection holds at least one record of this id. */
  hasObject(collectionId: string, id: string): Promise<boolean>;

  putStatus(status: StoredStatus): Promise<void>;
  getStatus(id: string, now: number): Promise<StoredStatus | null>;
  /** Removes statuses that expired before `now`; returns how many went. */
  purgeStatuses(now: number): Promise<number>;

  /** Adds an entity; ConflictError when its id or unique key is taken. */
  createEntity(entity: Entity): Promise<void>;
  /** Replaces an existing entity; NotFoundError when absent, ConflictError when the unique key is taken. */
  replaceEntity(entity: Entity): Promise<void>;
  getEntity(kind: EntityKind, id: string): Promise<Entity | null>;
  findEntityByKey(kind: EntityKind, uniqueKey: string): Promise<Entity | null>;
  /** Entities of a kind, optionally only those holding `ref`, sorted by id. */
  listEntities(kind: EntityKind, ref?: string): Promise<Entity[]>;
  /** True when it existed. */
  deleteEntity(kind: EntityKind, id: string): Promise<boolean>;

  /**
   * Appends entries in order, in one atomic, durable write: each gets the next
   * seq and is chained to the head read in the same transaction (sealAudit in
   * audit-chain.ts), and the head moves to the last one, so that writers in
   * several processes extend one chain. `statuses` (the acknowledgements of the
   * Add Objects requests these entries record) are stored in the same write, as
   * putStatus would: an acknowledgement is never kept without its entry.
   * Resolves once the write is committed; rejects, writing nothing, when it
   * cannot be.
   */
  appendAudit(entries: AuditEntry[], statuses?: StoredStatus[]): Promise<void>;
  /** Oldest first. */
  listAudit(query: AuditQuery): Promise<{ entries: StoredAuditEntry[]; more: boolean }>;
  /** The trail's head; null while no chained entry was ever written. */
  auditHead(): Promise<AuditHead | null>;

  /** A named server-wide secret, created once with `create` and then shared by every instance. */
  getOrCreateSecret(name: string, create: () => string): Promise<string>;

  // For copying a whole store (`accord store copy`); entities and the audit
  // trail are copied through listEntities and listAudit.
  /** Every collection records were ever added or imported to (or tombstones left in), sorted by id. */
  listCollections(): Promise<CollectionMark[]>;
  /** Records of a collection with dateAdded after `after`, oldest first, at most `limit` (0: none). */
  exportRecords(collectionId: string, after: number | undefined, limit: number): Promise<RecordDump[]>;
  /**
   * Writes exported records unchanged, dateAdded included, in one atomic write.
   * ConflictError when a dateAdded is not above the collection's last one (and
   * the one before it in the list), or when the id and version are already
   * stored. Afterwards the collection's last dateAdded is at least `lastDateAdded`,
   * so values freed by deletes in the source are not reused. A backend that cannot
   * hold a text over MAX_STORED_OBJECT_BYTES (MongoDB) refuses such a record with
   * UnprocessableContentError, writing nothing.
   */
  importRecords(collectionId: string, records: RecordDump[], lastDateAdded?: number): Promise<void>;
  /**
   * Writes exported tombstones unchanged (`accord store copy`); afterwards the
   * collection's last dateAdded is at least their last removedAt.
   */
  importTombstones(collectionId: string, tombstones: Tombstone[]): Promise<void>;
  /** Statuses, expired or not, with an id after `afterId`, sorted by id, at most `limit` (0: none). */
  listStatuses(afterId: string | undefined, limit: number): Promise<StoredStatus[]>;
  /** Every named secret, sorted by name. */
  listSecrets(): Promise<Array<{ name: string; value: string }>>;

  /** The store's id, creation time and whether it was seeded. */
  origin(): Promise<StoreOrigin>;
  /** Records that the seed has been loaded: it never is again. */
  markSeeded(): Promise<void>;

  /** A cheap liveness probe of the backend. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
