/**
 * Audit appends on MongoDB whose cost does not grow with the number of instances
 * (docs/deployment.md#audit-appends). The hash chain has one order, so its head
 * (`audit_seq` in `meta`) moves one transaction at a time; but that transaction
 * need not be each append's own:
 * 1. an append inserts its entries into `audit_pending`, with the statuses of its
 *    request, in a transaction that only creates documents: appends from any
 *    number of instances never conflict. From then on the entries are durable and
 *    are never written twice;
 * 2. it then seals: one transaction takes up to SEAL_BATCH of the oldest pending
 *    entries, whoever wrote them, chains them after the head, moves them into
 *    `audit` and moves the head. Sealers running at once conflict on the head and
 *    the loser's retry finds the winner's work done, so the head is written once
 *    per seal for every instance's entries, not once per append.
 * An append returns once its own entries are sealed, so readers of the trail see
 * them as before. If sealing fails after the insert (an outage), the entries stay
 * pending, durable and not lost, and the next append, the sweep every few seconds
 * or the next start seals them.
 */

import { ObjectId, type ClientSession, type Collection, type MongoClient } from 'mongodb';
import { sealAudit } from '../audit-chain';
import type { AuditEntry, AuditHead } from '../contract';
import { META_AUDIT_SEQ, type AuditDoc, type CounterDoc, type PendingAuditDoc } from './schema';
import { inTransaction } from './transactions';

/** Entries one seal moves: a transaction of bounded size. */
export const SEAL_BATCH = 1000;
/** Seals one append runs at most before it leaves a backlog (after an outage) to the sweep. */
const SEALS_PER_APPEND = 8;
/** Seals one sweep runs at most. */
const SEALS_PER_SWEEP = 100;
const SWEEP_EVERY_MS = 2000;

export interface AuditAppendCollections {
  client: MongoClient;
  pending: Collection<PendingAuditDoc>;
  audit: Collection<AuditDoc>;
  counters: Collection<CounterDoc>;
}

/** The head the counter holds: its value is the last seq taken, and `hash` that entry's once the chain exists. */
export function headOf(counter: CounterDoc): AuditHead | null {
  return counter.hash === undefined ? null : { seq: counter.value, hash: counter.hash };
}

/** Pending documents for entries, their ObjectIds ascending in the entries' order (one process makes them in sequence). */
export function pendingDocsOf(entries: readonly AuditEntry[]): PendingAuditDoc[] {
  return entries.map((entry) => ({ ...entry, _id: new ObjectId() }));
}

/** What one seal writes, given the pending entries (oldest first) and the counter as the seal read it. */
export function sealPlan(pending: readonly PendingAuditDoc[], counter: CounterDoc): { docs: AuditDoc[]; hash: string | undefined; ids: ObjectId[] } {
  const entries = pending.map(({ _id, ...entry }) => entry as unknown as AuditEntry);
  const sealed = sealAudit(entries, headOf(counter), counter.value + 1);
  return {
    docs: sealed.map(({ seq, ...entry }): AuditDoc => ({ ...entry, _id: seq })),
    hash: sealed[sealed.length - 1]?.hash,
    ids: pending.map((doc) => doc._id),
  };
}

export class AuditAppender {
  private readonly sweeper: NodeJS.Timeout;
  private sweeping = false;

  constructor(private readonly c: AuditAppendCollections) {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  /** Keeps the entries and `writeStatuses`' statuses durably in one transaction, then seals (see above). */
  async append(entries: readonly AuditEntry[], writeStatuses: (session: ClientSession) => Promise<void>): Promise<void> {
    const docs = pendingDocsOf(entries);
    await inTransaction(this.c.client, async (session) => {
      if (docs.length > 0) await this.c.pending.insertMany(docs, { session, ordered: true });
      await writeStatuses(session);
    });
    if (docs.length === 0) return;
    const ids = docs.map((doc) => doc._id);
    try {
      for (let seal = 0; seal < SEALS_PER_APPEND; seal++) {
        await this.sealOnce();
        if ((await this.c.pending.countDocuments({ _id: { $in: ids } }, { limit: 1 })) === 0) return;
      }
    } catch {
      // The entries are kept in audit_pending: the sweep seals them. Throwing here
      // would make the audit trail write them a second time.
    }
  }

  /** Seals every pending entry, in bounded seals; what fails is left for the next sweep. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      if ((await this.c.pending.findOne({}, { projection: { _id: 1 } })) === null) return;
      for (let seal = 0; seal < SEALS_PER_SWEEP; seal++) if ((await this.sealOnce()) < SEAL_BATCH) return;
    } catch {
      // Left pending, durable; the next sweep tries again.
    } finally {
      this.sweeping = false;
    }
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  /** One seal: the oldest pending entries into the chain, in one transaction; how many it sealed. */
  private sealOnce(): Promise<number> {
    return inTransaction(this.c.client, async (session) => {
      const pending = await this.c.pending.find({}, { session, sort: { _id: 1 }, limit: SEAL_BATCH }).toArray();
      if (pending.length === 0) return 0;
      // Taking the counter first makes a concurrent sealer conflict before it writes anything else.
      const counter = await this.c.counters.findOneAndUpdate({ _id: META_AUDIT_SEQ }, { $inc: { value: pending.length } }, { session, returnDocument: 'before' });
      if (!counter) throw new Error('the audit_seq counter document is missing');
      const plan = sealPlan(pending, counter);
      await this.c.audit.insertMany(plan.docs, { session, ordered: true });
      await this.c.counters.updateOne({ _id: META_AUDIT_SEQ }, { $set: { hash: plan.hash! } }, { session });
      await this.c.pending.deleteMany({ _id: { $in: plan.ids } }, { session });
      return pending.length;
    });
  }
}
