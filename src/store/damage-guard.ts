/**
 * A store that turns read-only at the first sign of damage
 * (docs/reliability.md#damaged-stores), whatever the backend. A backend reports
 * damage as StoreDamagedError; from then on changes are refused with it (503),
 * reads that still work are served, and ping() (the health probe) fails with it.
 * While the start-up check still runs, changes wait for its outcome, so that no
 * change is acknowledged into a store that may have to be restored from a backup.
 *
 * Audit appends are not changes here: they record what was served and refused
 * while the store is damaged, as far as the store can still take them.
 */

import { StoreDamagedError } from '../errors';
import { formatMicros } from '../stix/timestamp';
import { nowMicros } from './clock';
import type {
  AddOutcome,
  AuditEntry,
  AuditHead,
  AuditQuery,
  CollectionMark,
  Entity,
  EntityKind,
  ExpiredObject,
  ExpiryQuery,
  MayActFor,
  NewRecord,
  ObjectsText,
  RecordDump,
  RecordPage,
  RecordQuery,
  Removal,
  Store,
  StoredAuditEntry,
  StoredStatus,
  StoreOrigin,
  Tombstone,
  VersionProvenance,
} from './contract';

export interface Damage {
  /** The first error that showed it. */
  firstError: string;
  /** When it was first seen (a TAXII timestamp). */
  since: string;
}

/** What the guard tells its owner (the runtime logs both). */
export interface DamageEvents {
  /** Once, when the store turns read-only. */
  damaged(damage: Damage): void;
  /** The start-up check could not run; changes are let through as before. */
  checkFailed(reason: string): void;
}

/** A check still running when the store was opened. */
export interface PendingCheck {
  problems: Promise<string[]>;
  stop(): Promise<void>;
}

export class DamageGuard implements Store {
  private damage: Damage | undefined;
  private checking: Promise<void> | undefined;
  private closing = false;

  constructor(
    private readonly inner: Store,
    private readonly events: DamageEvents,
    private readonly check?: PendingCheck,
  ) {
    this.checking = check?.problems.then(
      (problems) => {
        if (problems.length > 0) this.declare(`the start-up check found ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}, the first: ${problems[0]}`);
      },
      (error: unknown) => {
        if (!this.closing) this.events.checkFailed(String(error));
      },
    );
    void this.checking?.then(() => (this.checking = undefined));
  }

  addRecords(collectionId: string, records: NewRecord[], mayActFor: MayActFor): Promise<AddOutcome[]> {
    return this.change(() => this.inner.addRecords(collectionId, records, mayActFor));
  }

  findRecords(query: RecordQuery): Promise<RecordPage> {
    return this.read(() => this.inner.findRecords(query));
  }

  findObjectsText(query: RecordQuery, budgetBytes?: number): Promise<ObjectsText> {
    return this.read(() => this.inner.findObjectsText(query, budgetBytes));
  }

  countRecords(query: RecordQuery): Promise<number> {
    return this.read(() => this.inner.countRecords(query));
  }

  deleteRecords(query: RecordQuery, removal: Removal): Promise<number> {
    return this.change(() => this.inner.deleteRecords(query, removal));
  }

  provenance(collectionId: string, id: string): Promise<VersionProvenance[]> {
    return this.read(() => this.inner.provenance(collectionId, id));
  }

  findExpired(query: ExpiryQuery): Promise<ExpiredObject[]> {
    return this.read(() => this.inner.findExpired(query));
  }

  listTombstones(collectionId: string, after: number | undefined, limit: number): Promise<{ tombstones: Tombstone[]; more: boolean }> {
    return this.read(() => this.inner.listTombstones(collectionId, after, limit));
  }

  purgeTombstones(before: number): Promise<number> {
    return this.change(() => this.inner.purgeTombstones(before));
  }

  hasObject(collectionId: string, id: string): Promise<boolean> {
    return this.read(() => this.inner.hasObject(collectionId, id));
  }

  putStatus(status: StoredStatus): Promise<void> {
    return this.change(() => this.inner.putStatus(status));
  }

  getStatus(id: string, now: number): Promise<StoredStatus | null> {
    return this.read(() => this.inner.getStatus(id, now));
  }

  purgeStatuses(now: number): Promise<number> {
    return this.change(() => this.inner.purgeStatuses(now));
  }

  createEntity(entity: Entity): Promise<void> {
    return this.change(() => this.inner.createEntity(entity));
  }

  replaceEntity(entity: Entity): Promise<void> {
    return this.change(() => this.inner.replaceEntity(entity));
  }

  getEntity(kind: EntityKind, id: string): Promise<Entity | null> {
    return this.read(() => this.inner.getEntity(kind, id));
  }

  findEntityByKey(kind: EntityKind, uniqueKey: string): Promise<Entity | null> {
    return this.read(() => this.inner.findEntityByKey(kind, uniqueKey));
  }

  listEntities(kind: EntityKind, ref?: string): Promise<Entity[]> {
    return this.read(() => this.inner.listEntities(kind, ref));
  }

  deleteEntity(kind: EntityKind, id: string): Promise<boolean> {
    return this.change(() => this.inner.deleteEntity(kind, id));
  }

  appendAudit(entries: AuditEntry[], statuses?: StoredStatus[]): Promise<void> {
    return this.read(() => this.inner.appendAudit(entries, statuses));
  }

  auditHead(): Promise<AuditHead | null> {
    return this.read(() => this.inner.auditHead());
  }

  listAudit(query: AuditQuery): Promise<{ entries: StoredAuditEntry[]; more: boolean }> {
    return this.read(() => this.inner.listAudit(query));
  }

  /** Writes only into a new store (the first start), so it waits for nothing. */
  getOrCreateSecret(name: string, create: () => string): Promise<string> {
    return this.read(() => this.inner.getOrCreateSecret(name, create));
  }

  listCollections(): Promise<CollectionMark[]> {
    return this.read(() => this.inner.listCollections());
  }

  exportRecords(collectionId: string, after: number | undefined, limit: number): Promise<RecordDump[]> {
    return this.read(() => this.inner.exportRecords(collectionId, after, limit));
  }

  importRecords(collectionId: string, records: RecordDump[], lastDateAdded?: number): Promise<void> {
    return this.change(() => this.inner.importRecords(collectionId, records, lastDateAdded));
  }

  importTombstones(collectionId: string, tombstones: Tombstone[]): Promise<void> {
    return this.change(() => this.inner.importTombstones(collectionId, tombstones));
  }

  listStatuses(afterId: string | undefined, limit: number): Promise<StoredStatus[]> {
    return this.read(() => this.inner.listStatuses(afterId, limit));
  }

  listSecrets(): Promise<Array<{ name: string; value: string }>> {
    return this.read(() => this.inner.listSecrets());
  }

  origin(): Promise<StoreOrigin> {
    return this.read(() => this.inner.origin());
  }

  markSeeded(): Promise<void> {
    return this.change(() => this.inner.markSeeded());
  }

  /** Fails with the damage once there is any, even while the backend itself still answers. */
  async ping(): Promise<void> {
    if (this.damage) throw this.refusal(this.damage);
    return this.read(() => this.inner.ping());
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.check?.stop();
    await this.inner.close();
  }

  private async read<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof StoreDamagedError)) throw error;
      throw this.refusal(this.declare(error.message));
    }
  }

  private async change<T>(work: () => Promise<T>): Promise<T> {
    await this.checking;
    if (this.damage) throw this.refusal(this.damage);
    return this.read(work);
  }

  private declare(firstError: string): Damage {
    if (!this.damage) {
      this.damage = { firstError, since: formatMicros(nowMicros()) };
      this.events.damaged(this.damage);
    }
    return this.damage;
  }

  private refusal(damage: Damage): StoreDamagedError {
    return new StoreDamagedError(
      `The store is damaged (${damage.firstError}; since ${damage.since}): it serves what it can still read and refuses changes. ` +
        'The operator should run `accord store check` and restore the store from a backup (docs/reliability.md#damaged-stores).',
      { first_error: damage.firstError, since: damage.since },
    );
  }
}
