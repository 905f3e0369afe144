/**
 * Deciding pending submissions (docs/taxii.md#moderated-collections). Approval
 * stores the object through the same store call as Add Objects, at that moment:
 * its date_added is the approval time, so pollers resuming with `added_after`
 * receive it (TAXII 2.1 §3.4.2). The rules of ingest apply again at approval,
 * against the collection as it is then: the marking ceiling, ownership and
 * duplicates; an object they now refuse becomes a failure, never an error. Each
 * decision moves the object in its submitter's status (TAXII 2.1 §4.3) from
 * `pendings` to `successes` or `failures`; the status turns `complete` when none
 * is left pending, and from then on expires like any other.
 */

import { setImmediate as nextTurn } from 'node:timers/promises';
import { formatRefusal } from '../stix/messages';
import type { StatusDetail, Store, StoredStatus } from '../store/contract';
import { EntityTable } from '../store/entity-table';
import { markingCeilingProblem } from './marking-ceiling';
import type { Collection } from './model';
import { SUBMISSIONS, type Submission } from './submissions';

/** While any object of it is pending, a status never expires (getStatus and purgeStatuses compare expiresAt with now). */
export const PENDING_EXPIRY = Number.MAX_SAFE_INTEGER;

/** A rejection names its rule in the status message: a steward's (`rejected-by-steward`) or the retention sweep's. */
export type Decision = { kind: 'approve' } | { kind: 'reject'; reason: string; rule?: string };

/** What became of one submission. */
export interface Verdict {
  submission: Submission;
  /** `stored` (a success), `refused` (approved, but ingest's rules now refuse it) or `rejected`. */
  outcome: 'stored' | 'refused' | 'rejected';
  message?: string;
  /** This decision removed the submission (false: another decided it first, and its status moved then). */
  removed?: boolean;
}

/**
 * Decisions are applied one at a time in this process: each one reads and
 * rewrites its status, which two decisions at once would otherwise overwrite.
 */
let queue: Promise<unknown> = Promise.resolve();

/** Submissions decided between two turns of the event loop, and between two writes of their statuses. */
const DECIDE_CHUNK = 100;

/**
 * Applies the decision to each submission in order; each is stored (or not) and
 * removed, and the statuses they belong to are updated once per chunk. Between
 * chunks waiting requests run, as between the retention sweep's batches, so a
 * bulk decision on a large envelope never holds the event loop.
 */
export function decide(store: Store, collection: Collection, submissions: readonly Submission[], decision: Decision, now: () => number): Promise<Verdict[]> {
  const run = queue.then(async () => {
    const verdicts: Verdict[] = [];
    for (let from = 0; from < submissions.length; from += DECIDE_CHUNK) {
      if (from > 0) await nextTurn();
      const settled: Verdict[] = [];
      try {
        for (const submission of submissions.slice(from, from + DECIDE_CHUNK)) {
          const verdict = await decideOne(store, collection, submission, decision);
          verdicts.push(verdict);
          if (verdict.removed) settled.push(verdict);
        }
      } finally {
        // Also when a later decision failed: the ones made are in their statuses before the error is answered.
        await settleAll(store, settled, now());
      }
    }
    return verdicts;
  });
  queue = run.catch(() => undefined);
  return run;
}

async function decideOne(store: Store, collection: Collection, submission: Submission, decision: Decision): Promise<Verdict> {
  const verdict: Verdict =
    decision.kind === 'reject' ? { submission, outcome: 'rejected', message: formatRefusal(decision.rule ?? 'rejected-by-steward', '', decision.reason) } : await approve(store, collection, submission);
  // Removed before the status moves: a submission decided twice would be listed twice.
  verdict.removed = await new EntityTable(store, SUBMISSIONS).delete(submission.id);
  return verdict;
}

async function approve(store: Store, collection: Collection, submission: Submission): Promise<Verdict> {
  const { record } = submission;
  const overshared = markingCeilingProblem(JSON.parse(record.body) as Record<string, unknown>, collection.markingCeiling);
  if (overshared !== null) return { submission, outcome: 'refused', message: formatRefusal('marking-ceiling', '', overshared) };
  const [outcome] = await store.addRecords(submission.collectionId, [record], submission.mayActFor);
  if (outcome === undefined || outcome.kind === 'owned') {
    const text = 'this object belongs to another organisation: only it, or a steward of the partnership, may add versions of it';
    return { submission, outcome: 'refused', message: formatRefusal('owned-by-another', '/id', text) };
  }
  if (outcome.kind === 'too-large') return { submission, outcome: 'refused', message: formatRefusal('object-too-large', '', `this object is ${outcome.bytes} bytes of JSON, over the store's limit per object`) };
  const notes: string[] = [];
  if (outcome.kind === 'duplicate') notes.push('version already present; the stored copy was kept');
  if (submission.note !== undefined) notes.push(submission.note);
  const verdict: Verdict = { submission, outcome: 'stored' };
  if (notes.length > 0) verdict.message = notes.join('; ');
  return verdict;
}

/** Moves each decided object from `pendings` to `successes` or `failures` in its status, one write per status; a status already gone is left gone. */
async function settleAll(store: Store, verdicts: readonly Verdict[], now: number): Promise<void> {
  const byStatus = new Map<string, Verdict[]>();
  for (const verdict of verdicts) {
    const list = byStatus.get(verdict.submission.statusId);
    if (list) list.push(verdict);
    else byStatus.set(verdict.submission.statusId, [verdict]);
  }
  for (const [statusId, decided] of byStatus) {
    const status = await store.getStatus(statusId, now);
    if (status === null) continue;
    let next = status;
    for (const verdict of decided) next = settled(next, verdict, now);
    if (next !== status) await store.putStatus(next);
  }
}

/** The status with one object moved out of `pendings`; the same status when the object is not pending in it. */
function settled(status: StoredStatus, verdict: Verdict, now: number): StoredStatus {
  const { submission } = verdict;
  const version = submission.record.version ?? '';
  const at = status.pendings.findIndex((d) => d.id === submission.record.id && d.version === version);
  if (at < 0) return status;
  const pendings = status.pendings.filter((_, i) => i !== at);
  const detail: StatusDetail = { id: submission.record.id, version: status.pendings[at]!.version };
  if (verdict.message !== undefined) detail.message = verdict.message;
  const next: StoredStatus = { ...status, pendings, pendingCount: pendings.length };
  if (verdict.outcome === 'stored') {
    next.successes = [...status.successes, detail];
    next.successCount = next.successes.length;
  } else {
    next.failures = [...status.failures, detail];
    next.failureCount = next.failures.length;
  }
  if (pendings.length === 0) {
    next.status = 'complete';
    next.expiresAt = now + submission.statusKeptMicros;
  }
  return next;
}
