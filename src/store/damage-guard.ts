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
  AuditHead,
  CollectionMark,
  Entity,
  ExpiredObject,
  ObjectsText,
  RecordDump,
  RecordPage,
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

  addRecords(...args: Parameters<Store['addRecords']>): Promise<AddOutcome[]> {
    return this.change(() => this.inner.addRecords(...args));
  }

  findRecords(...args: Parameters<Store['findRecords']>): Promise<RecordPage> {
    return this.read(() => this.inner.findRecords(...args));
  }

  findObjectsText(...args: Parameters<Store['findObjectsText']>): Promise<ObjectsText> {
    return this.read(() => this.inner.findObjectsText(...args));
  }

  countRecords(...args: Parameters<Store['countRecords']>): Promise<number> {
    return this.read(() => this.inner.countRecords(...args));
  }

  deleteRecords(...args: Parameters<Store['deleteRecords']>): Promise<number> {
    return this.change(() => this.inner.deleteRecords(...args));
  }

  provenance(...args: Parameters<Store['provenance']>): Promise<VersionProvenance[]> {
    return this.read(() => this.inner.provenance(...args));
  }

  findExpired(...args: Parameters<Store['findExpired']>): Promise<ExpiredObject[]> {
    return this.read(() => this.inner.findExpired(...args));
  }

  listTombstones(...args: Parameters<Store['listTombstones']>): Promise<{ tombstones: Tombstone[]; more: boolean }> {
    return this.read(() => this.inner.listTombstones(...args));
  }

  purgeTombstones(...args: Parameters<Store['purgeTombstones']>): Promise<number> {
    return this.change(() => this.inner.purgeTombstones(...args));
  }

  hasObject(...args: Parameters<Store['hasObject']>): Promise<boolean> {
    return this.read(() => this.inner.hasObject(...args));
  }

  putStatus(...args: Parameters<Store['putStatus']>): Promise<void> {
    return this.change(() => this.inner.putStatus(...args));
  }

  getStatus(...args: Parameters<Store['getStatus']>): Promise<StoredStatus | null> {
    return this.read(() => this.inner.getStatus(...args));
  }

  purgeStatuses(...args: Parameters<Store['purgeStatuses']>): Promise<number> {
    return this.change(() => this.inner.purgeStatuses(...args));
  }

  createEntity(...args: Parameters<Store['createEntity']>): Promise<void> {
    return this.change(() => this.inner.createEntity(...args));
  }

  replaceEntity(...args: Parameters<Store['replaceEntity']>): Promise<void> {
    return this.change(() => this.inner.replaceEntity(...args));
  }

  getEntity(...args: Parameters<Store['getEntity']>): Promise<Entity | null> {
    return this.read(() => this.inner.getEntity(...args));
  }

  findEntityByKey(...args: Parameters<Store['findEntityByKey']>): Promise<Entity | null> {
    return this.read(() => this.inner.findEntityByKey(...args));
  }

  listEntities(...args: Parameters<Store['listEntities']>): Promise<Entity[]> {
    return this.read(() => this.inner.listEntities(...args));
  }

  deleteEntity(...args: Parameters<Store['deleteEntity']>): Promise<boolean> {
    return this.change(() => this.inner.deleteEntity(...args));
  }

  appendAudit(...args: Parameters<Store['appendAudit']>): Promise<void> {
    return this.read(() => this.inner.appendAudit(...args));
  }

  auditHead(): Promise<AuditHead | null> {
    return this.read(() => this.inner.auditHead());
  }

  listAudit(...args: Parameters<Store['listAudit']>): Promise<{ entries: StoredAuditEntry[]; more: boolean }> {
    return this.read(() => this.inner.listAudit(...args));
  }

  /** Writes only into a new store (the first start), so it waits for nothing. */
  getOrCreateSecret(name: string, create: () => string): Promise<string> {
    return this.read(() => this.inner.getOrCreateSecret(name, create));
  }

  listCollections(): Promise<CollectionMark[]> {
    return this.read(() => this.inner.listCollections());
  }

  exportRecords(...args: Parameters<Store['exportRecords']>): Promise<RecordDump[]> {
    return this.read(() => this.inner.exportRecords(...args));
  }

  importRecords(...args: Parameters<Store['importRecords']>): Promise<void> {
    return this.change(() => this.inner.importRecords(...args));
  }

  importTombstones(...args: Parameters<Store['importTombstones']>): Promise<void> {
    return this.change(() => this.inner.importTombstones(...args));
  }

  listStatuses(...args: Parameters<Store['listStatuses']>): Promise<StoredStatus[]> {
    return this.read(() => this.inner.listStatuses(...args));
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
