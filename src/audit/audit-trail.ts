/**
 * The audit trail: who did what, where, with how many objects
 * (docs/reliability.md#audit-trail). An entry never holds a credential or
 * object content.
 *
 * Group commit: entries recorded in the same event-loop turn are written in one
 * store append (one durable commit), at the end of that turn. A change awaits
 * `record`, which resolves once its entry is committed, before it is answered
 * (Add Objects hands over its status too, kept in the same commit); reads and
 * refusals use `recordSoon`: nobody waits for them, and they wait up to
 * READS_BATCH_MS for a batch (a change's, or their own), so that a busy poll path
 * does not pay a durable commit per event-loop turn.
 *
 * Fail closed: when an append fails, the changes waiting for it are refused
 * (AuditUnavailableError, 503) and the trail is unwritable: `ensureWritable`
 * refuses further changes before they touch the store, until a probe append
 * succeeds. The probe is a real entry, `audit_resumed`, saying since when the
 * trail could not be written and what that cost, so the gap shows in the trail
 * itself. Entries nobody waits for are kept (up to MAX_RETAINED) and written
 * with it.
 */

import { AuditUnavailableError, logTextOf } from '../errors';
import { isLocalOperator, type Actor } from '../identity/principal';
import type { Logger } from '../log/logger';
import { formatMicros } from '../stix/timestamp';
import type { MicroClock } from '../store/clock';
import type { AuditEntry, Store, StoredStatus } from '../store/contract';

/** Entries per append: one store write stays short. */
const MAX_BATCH = 1000;
/** How long entries nobody waits for may wait for a batch: a commit per turn halved the poll rate (bench/poll.ts). */
const READS_BATCH_MS = 50;
/** Entries nobody waits for, kept while the trail cannot be written; older ones are dropped and counted. */
const MAX_RETAINED = 10_000;
/** While unwritable, entries nobody waits for try again at most this often; a change probes at once. */
const RETRY_MS = 1000;

export type AuditEvent = Omit<AuditEntry, 'time' | 'organisation' | 'user' | 'keyId'>;

interface Pending {
  entry: AuditEntry;
  /** Kept in the entry's write, or not at all. */
  status?: StoredStatus;
  waiter?: { resolve: () => void; reject: (error: Error) => void };
}

interface Outage {
  since: string;
  /** When the last append failed, in ms (for RETRY_MS only). */
  failedAt: number;
  /** Changes whose own entry failed: answered 503, though the store may hold them. */
  unconfirmed: number;
  /** Entries nobody waited for, dropped past MAX_RETAINED. */
  dropped: number;
}

export class AuditTrail {
  private pending: Pending[] = [];
  private scheduled = false;
  private readsTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private outage: Outage | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: MicroClock,
    private readonly log: Logger,
  ) {}

  /**
   * Records an event by a principal, or by the local operator (`cli`, `seed` or
   * `retention` as the user); resolves once the entry is durable, rejects with
   * AuditUnavailableError when it could not be written. The status of an Add
   * Objects request, when given, is stored in the same write: the
   * acknowledgement and its entry cost one commit, shared by the batch.
   */
  record(actor: Actor, event: AuditEvent, status?: StoredStatus): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const pending: Pending = { entry: this.entryOf(actor, event), waiter: { resolve, reject } };
      if (status !== undefined) pending.status = status;
      this.pending.push(pending);
      this.schedule(true);
    });
  }

  /** Records an event that nobody waits for (a read, a refusal): written with the next batch. */
  recordSoon(actor: Actor, event: AuditEvent): void {
    if (this.outage && this.pending.length >= MAX_RETAINED) {
      const oldest = this.pending.findIndex((p) => p.waiter === undefined);
      if (oldest >= 0) {
        this.pending.splice(oldest, 1);
        this.outage.dropped++;
      }
    }
    this.pending.push({ entry: this.entryOf(actor, event) });
    this.schedule(false);
  }

  /** Before a change touches the store: throws AuditUnavailableError while the trail cannot be written (a probe append decides). */
  async ensureWritable(): Promise<void> {
    if (!this.outage) return;
    await this.write();
    if (this.outage) {
      throw new AuditUnavailableError(
        'The audit trail cannot be written, so changes are refused until it can; nothing was changed. Retry later.',
      );
    }
  }

  /** Writes everything recorded so far; resolves when it is stored or the write failed (never rejects). */
  flush(): Promise<void> {
    return this.write();
  }

  /**
   * At shutdown: writes what is pending. Entries kept while the trail cannot be
   * written would otherwise end with the process; they go to the log instead,
   * whole (an entry holds no credential or object content), so none is lost unseen.
   */
  async close(): Promise<void> {
    await this.write();
    const unwritten = this.pending.splice(0).map((p) => p.entry);
    if (unwritten.length > 0) {
      this.log.error('audit entries not written at shutdown: the trail could not be written; they are logged here instead', { entries: unwritten, since: this.outage?.since });
    }
  }

  private entryOf(actor: Actor, event: AuditEvent): AuditEntry {
    const entry: AuditEntry = { time: formatMicros(this.clock()), ...clip(event) };
    if (isLocalOperator(actor)) entry.user = actor;
    else {
      entry.organisation = actor.organisationId;
      if (actor.username !== undefined) entry.user = actor.username;
      if (actor.keyId !== undefined) entry.keyId = actor.keyId;
      if (actor.certificate !== undefined) entry.detail = [event.detail, `certificate ${actor.certificate.slice(0, 16)}`].filter(Boolean).join('; ');
    }
    return entry;
  }

  /** A change's entry at the end of this turn, so that what else this turn records joins the same append; others within READS_BATCH_MS. */
  private schedule(awaited: boolean): void {
    if (this.scheduled) return;
    if (!awaited) {
      if (this.readsTimer !== undefined) return;
      if (this.outage && Date.now() - this.outage.failedAt < RETRY_MS) return;
      this.readsTimer = setTimeout(() => {
        this.readsTimer = undefined;
        void this.write();
      }, READS_BATCH_MS);
      this.readsTimer.unref();
      return;
    }
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.write();
    });
  }

  /** One writer at a time; what is recorded while it writes goes in its next batch. */
  private write(): Promise<void> {
    clearTimeout(this.readsTimer);
    this.readsTimer = undefined;
    this.writing ??= this.drain().finally(() => (this.writing = undefined));
    return this.writing;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const batch = this.pending.splice(0, MAX_BATCH);
      if (batch.length === 0 && !this.outage) return;
      const entries = batch.map((p) => p.entry);
      if (this.outage) entries.unshift(this.resumed(this.outage));
      try {
        await this.store.appendAudit(entries, batch.flatMap((p) => (p.status === undefined ? [] : [p.status])));
      } catch (error) {
        this.fail(batch, error);
        return;
      }
      if (this.outage) this.log.warn('audit trail written again; changes are accepted', { since: this.outage.since });
      this.outage = undefined;
      for (const p of batch) p.waiter?.resolve();
    }
  }

  private fail(batch: Pending[], error: unknown): void {
    this.outage ??= { since: formatMicros(this.clock()), failedAt: 0, unconfirmed: 0, dropped: 0 };
    this.outage.failedAt = Date.now();
    const waiting = batch.filter((p) => p.waiter !== undefined);
    this.outage.unconfirmed += waiting.length;
    this.log.error('audit write failed; changes are refused until the trail can be written', { error: logTextOf(error), entries: batch.length });
    // Kept in order before what was recorded since; a waiting change is answered now instead.
    this.pending.unshift(...batch.filter((p) => p.waiter === undefined));
    const unconfirmed = new AuditUnavailableError(
      'The audit trail could not record this change, so it is not acknowledged; it may nevertheless have been applied, and repeating it is safe ' +
        '(a re-posted object comes back as "version already present"). Changes are refused until the trail can be written.',
    );
    for (const p of waiting) p.waiter!.reject(unconfirmed);
  }

  /** The probe entry that ends an outage. */
  private resumed(outage: Outage): AuditEntry {
    const lost = outage.dropped > 0 ? `; ${outage.dropped} entries of reads or refusals were dropped` : '';
    return {
      time: formatMicros(this.clock()),
      operation: 'audit_resumed',
      outcome: 200,
      detail: `the trail could not be written from ${outage.since}; ${outage.unconfirmed} changes were answered 503 after their entry failed (they may be stored)${lost}`,
    };
  }
}

/** Request-supplied names (partnership, collection) are kept short. */
function clip(event: AuditEvent): AuditEvent {
  const out = { ...event };
  if (out.partnership !== undefined) out.partnership = out.partnership.slice(0, 64);
  if (out.collection !== undefined) out.collection = out.collection.slice(0, 64);
  if (out.detail !== undefined) out.detail = out.detail.slice(0, 500);
  return out;
}
