/**
 * The retention sweep (docs/trust.md#retention): removes what each collection's
 * policy says has expired, in bounded batches that leave the event loop between
 * them, so ingest and polling carry on. Each batch is one store write that
 * deletes every version of its objects and leaves their tombstones, so a sweep
 * stopped by a crash resumes by running again, and two instances sweeping at once
 * only find less to do: deleting what is gone removes nothing and leaves no
 * tombstone. Each removal is in the audit trail: counts and ids, never content;
 * a batch's entries are durable before the next batch, and no batch runs while
 * the trail cannot be written (docs/reliability.md#audit-trail).
 */

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AuditTrail } from '../audit/audit-trail';
import { COLLECTIONS, partnershipRef, PARTNERSHIPS, type Collection, type Partnership } from '../partnerships/model';
import { expiryQuery } from '../partnerships/retention';
import { decide } from '../partnerships/review';
import { collectionRef, SUBMISSIONS, type Submission } from '../partnerships/submissions';
import type { MicroClock } from '../store/clock';
import { indicatorsOnly, type ExpiryQuery, type Store } from '../store/contract';
import { EntityTable } from '../store/entity-table';

/** Ids per audit entry: the entry's detail stays short. */
const IDS_PER_ENTRY = 8;
/** Ids a sweep's answer names per collection (all are in the tombstones and the audit trail): its memory stays bounded. */
const IDS_ANSWERED = 1000;

export interface SweepTarget {
  partnership: Partnership;
  collection: Collection;
}

export interface CollectionSweep {
  partnership: string;
  collection: string;
  /** Objects removed (or, in a preview, that would be). */
  objects: number;
  /** The first of their ids, oldest first (a preview names as many as it was asked; a sweep its first 1,000). */
  ids: string[];
  /** Records removed (zero in a preview). */
  records: number;
}

export class RetentionSweep {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditTrail,
    private readonly clock: MicroClock,
    private readonly batchSize: number,
  ) {}

  /** The collections a sweep looks at: of one partnership, or of all. */
  async targets(partnershipPath?: string): Promise<SweepTarget[]> {
    const partnerships = new EntityTable(this.store, PARTNERSHIPS);
    const collections = new EntityTable(this.store, COLLECTIONS);
    const chosen = partnershipPath === undefined ? await partnerships.list() : [await partnerships.get(partnershipPath)].filter((p) => p !== null);
    const targets: SweepTarget[] = [];
    for (const partnership of chosen) for (const collection of await collections.list(partnershipRef(partnership.path))) targets.push({ partnership, collection });
    return targets;
  }

  /** What a sweep run now would remove, without removing it (at most `limit` ids per collection). */
  async preview(partnershipPath: string | undefined, limit: number, now = this.clock()): Promise<CollectionSweep[]> {
    const plans: CollectionSweep[] = [];
    for (const { partnership, collection } of await this.targets(partnershipPath)) {
      const query = expiryQuery(partnership, collection, now, limit);
      if (query === null) continue;
      const ids = (await this.store.findExpired(query)).map((o) => o.id);
      if (ids.length > 0) plans.push({ partnership: partnership.path, collection: collection.id, objects: ids.length, ids, records: 0 });
    }
    return plans;
  }

  /** Removes everything expired at `now`, batch by batch; what it removed per collection. */
  async run(partnershipPath?: string, now = this.clock()): Promise<CollectionSweep[]> {
    const done: CollectionSweep[] = [];
    for (const { partnership, collection } of await this.targets(partnershipPath)) {
      const query = expiryQuery(partnership, collection, now, this.batchSize);
      if (query === null) continue;
      const swept: CollectionSweep = { partnership: partnership.path, collection: collection.id, objects: 0, ids: [], records: 0 };
      for (;;) {
        const expired = await this.store.findExpired(query);
        if (expired.length === 0) break;
        const ids = expired.map((o) => o.id);
        await this.audit.ensureWritable();
        swept.records += await this.store.deleteRecords({ collectionId: collection.id, ids, versions: { all: true }, specVersions: 'all', withBody: false }, { reason: 'retention' });
        swept.objects += ids.length;
        swept.ids.push(...ids.slice(0, IDS_ANSWERED - swept.ids.length));
        await this.record(swept, ids);
        // The next batch starts after this one, not again past the objects kept (unexpired indicators).
        query.after = expired[expired.length - 1]!.newestAdded;
        // Let waiting requests run between batches.
        await nextTurn();
      }
      if (swept.objects > 0) done.push(swept);
      await this.expirePending(collection, query);
    }
    return done;
  }

  /**
   * Pending submissions (docs/taxii.md#moderated-collections) are subject to the
   * same policy as records: one that has waited longer than the collection keeps
   * data, or an indicator whose grace after valid_until ended, is rejected, its
   * submitter's status saying why, rather than kept for ever or stored already expired.
   */
  private async expirePending(collection: Collection, query: ExpiryQuery): Promise<void> {
    const isExpired = (s: Submission) => {
      const validUntil = indicatorsOnly(s.record);
      return (query.addedBefore !== undefined && s.submittedAt < query.addedBefore) || (query.validUntilBefore !== undefined && validUntil !== null && validUntil < query.validUntilBefore);
    };
    const expired = (await new EntityTable(this.store, SUBMISSIONS).list(collectionRef(collection.id))).filter(isExpired);
    if (expired.length === 0) return;
    await this.audit.ensureWritable();
    const reason = "it waited for review past the collection's retention period";
    const verdicts = await decide(this.store, collection, expired, { kind: 'reject', reason, rule: 'retention' }, this.clock);
    const written: Array<Promise<void>> = [];
    for (let i = 0; i < verdicts.length; i += IDS_PER_ENTRY) {
      const chunk = verdicts.slice(i, i + IDS_PER_ENTRY).map((v) => v.submission.id);
      written.push(this.audit.record('retention', { operation: 'retention_reject', outcome: 200, partnership: collection.partnership, collection: collection.id, objectCount: chunk.length, detail: `rejected pending submissions ${chunk.join(', ')}` }));
    }
    await Promise.all(written);
  }

  /** The batch's entries, in one append: durable before the next batch (and the sweep's answer). */
  private async record(swept: CollectionSweep, ids: string[]): Promise<void> {
    const written: Array<Promise<void>> = [];
    for (let i = 0; i < ids.length; i += IDS_PER_ENTRY) {
      const chunk = ids.slice(i, i + IDS_PER_ENTRY);
      written.push(this.audit.record('retention', {
        operation: 'retention_purge',
        outcome: 200,
        partnership: swept.partnership,
        collection: swept.collection,
        objectCount: chunk.length,
        detail: `removed ${chunk.join(', ')}`,
      }));
    }
    await Promise.all(written);
  }
}
