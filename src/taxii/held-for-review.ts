/**
 * Add Objects to a moderated collection (docs/taxii.md#moderated-collections):
 * what passed judging is not stored but held, one submission per object, for a
 * steward's review; the status says `pending` and lists each such object in
 * `pendings` (TAXII 2.1 §4.3.1), while objects refused by judging are failures
 * at once. The status is kept, without expiry, until none is pending.
 */

import { randomUUID } from 'node:crypto';
import { PENDING_EXPIRY } from '../partnerships/review';
import { statusRef, SUBMISSIONS, type Submission } from '../partnerships/submissions';
import type { CollectionView } from '../partnerships/scope';
import { formatMicros } from '../stix/timestamp';
import type { MayActFor, StatusDetail, StoredStatus } from '../store/contract';
import { EntityTable } from '../store/entity-table';
import type { Entry } from './add-objects';
import type { TaxiiContext } from './context';
import { TimeSlice } from './time-slice';

export interface Posting {
  statusId: string;
  receivedAt: number;
  owner: string;
  acting: MayActFor;
  total: number;
}

export async function holdForReview(ctx: TaxiiContext, target: CollectionView, entries: readonly Entry[], posting: Posting): Promise<StoredStatus> {
  const table = new EntityTable(ctx.store, SUBMISSIONS);
  const failures: StatusDetail[] = [];
  const pendings: StatusDetail[] = [];
  // One entity write per object: a large envelope is held in time slices, as it would be stored.
  const slice = new TimeSlice();
  for (const [index, entry] of entries.entries()) {
    if (slice.isSpent()) await slice.pause();
    if (entry.kind === 'failure') {
      failures.push(entry.detail);
      continue;
    }
    const submission: Submission = {
      id: randomUUID(),
      partnership: target.root.path,
      collectionId: target.collection.id,
      statusId: posting.statusId,
      submittedAt: posting.receivedAt,
      index,
      record: entry.record,
      mayActFor: posting.acting,
      statusKeptMicros: ctx.statusRetentionMicros,
    };
    if (entry.note !== undefined) submission.note = entry.note;
    await table.create(submission);
    pendings.push({ id: entry.record.id, version: entry.record.version ?? '' });
  }
  return {
    id: posting.statusId,
    apiRoot: target.root.path,
    collectionId: target.collection.id,
    owner: posting.owner,
    status: pendings.length > 0 ? 'pending' : 'complete',
    requestTimestamp: formatMicros(posting.receivedAt),
    totalCount: posting.total,
    successCount: 0,
    failureCount: failures.length,
    pendingCount: pendings.length,
    successes: [],
    failures,
    pendings,
    expiresAt: pendings.length > 0 ? PENDING_EXPIRY : posting.receivedAt + ctx.statusRetentionMicros,
  };
}

/** Removes the submissions of a request whose status could not be kept (the client got an error, not a status id). */
export async function withdrawHeld(ctx: TaxiiContext, statusId: string): Promise<void> {
  const table = new EntityTable(ctx.store, SUBMISSIONS);
  for (const submission of await table.list(statusRef(statusId))) await table.delete(submission.id);
}
