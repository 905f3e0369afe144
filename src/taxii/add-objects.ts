/**
 * Add Objects (TAXII 2.1 §5.5; docs/taxii.md#add-objects). Each element is judged alone, in
 * order; a bad one becomes a status failure and never stops or rolls back the
 * good ones beside it. Everything is stored before the answer, so the 202 status is
 * already `complete` and is kept for the retention period. A large body is read, judged
 * and stored in time slices, so others are answered meanwhile
 * (docs/reliability.md#responsiveness).
 */

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isIdentifier } from '../stix/identifier';
import { formatRefusal } from '../stix/messages';
import { formatMicros, isStixTimestamp } from '../stix/timestamp';
import { MAX_STORED_OBJECT_BYTES, validUntilKeyOf, type AddOutcome, type MayActFor, type NewRecord, type StatusDetail, type StoredStatus, type Submitter } from '../store/contract';
import type { TaxiiContext } from './context';
import { parseElement, readPostedObjects, type PostedElement } from './envelope';
import type { TooDeep } from './envelope-walker';
import { markingCeilingProblem } from '../partnerships/marking-ceiling';
import { mayActFor, ownerKeyOf } from '../partnerships/ownership';
import { missingCreatorProblem, provenanceProblem, type Voice } from '../partnerships/provenance';
import { isCyberObservable } from '../stix/object-class';
import { texts } from '../stix/texts';
import { reservedMarkingProblem } from '../partnerships/reserved-markings';
import { isHeldForReview } from '../partnerships/submissions';
import { firstDuplicateMember } from './duplicate-members';
import { postedBodyKind } from './media-types';
import { requireWrite, resolveCollection } from './resolve';
import type { CollectionInfo, CollectionView, Scope } from '../partnerships/scope';
import type { JudgingSession } from './object-judge';
import { holdForReview, withdrawHeld } from './held-for-review';
import { statusResource } from './status';
import { TimeSlice } from './time-slice';
import { identify, mediaTypeForSpecVersion } from './versioning';

export interface AddRequest {
  scope: Scope;
  rootPath: string;
  /** The collection as the URL names it: id or alias. */
  collection: string;
  contentType: string | undefined;
  /** When the request arrived, in microseconds. */
  receivedAt: number;
  /** Reads the body, refusing it (413) once it passes `limit` bytes. */
  readBody: (limit: number) => Promise<Buffer>;
  /**
   * Keeps the status once the objects are stored (default: the store's
   * putStatus). The HTTP route keeps it with the request's audit entry, in one
   * durable write (docs/reliability.md#audit-trail).
   */
  keepStatus?: (status: StoredStatus) => Promise<void>;
}

/**
 * A store call holds the event loop (SQLite is synchronous) and ends with a commit: each
 * call is sized to take about this long at the rate of the one before, so that commits
 * stay few and others wait little (docs/reliability.md#responsiveness).
 */
const STORE_CALL_MS = 50;
/** Records in the first store call, before any rate is known: an envelope of up to 1,000 objects is one call, one commit. */
export const FIRST_STORE_CALL = 1000;
const MAX_STORE_CALL = 20_000;

export type Entry = { kind: 'failure'; detail: StatusDetail } | { kind: 'candidate'; record: NewRecord; note?: string };

/**
 * Refusals come before the body is read, in this order: 404 for a collection the
 * caller cannot see, 403 without the write right (a consumer's oversized post is
 * still 403), 415 for another media type; the body is then read up to the API
 * root's max_content_length (TAXII 2.1 §4.2.1), 413 past it.
 */
export async function addObjects(ctx: TaxiiContext, request: AddRequest): Promise<Record<string, unknown>> {
  const target = await resolveCollection(request.scope, request.rootPath, request.collection);
  requireWrite(target);
  postedBodyKind(request.contentType);
  const body = await request.readBody(target.root.maxContentLength);
  const status = await storeObjects(ctx, request.scope, target, body, request.receivedAt);
  try {
    await (request.keepStatus ?? ((s) => ctx.store.putStatus(s)))(status);
  } catch (error) {
    // Held objects whose status was never kept could not be reported to anyone: withdrawn, as the request failed.
    if (status.pendingCount > 0) await withdrawHeld(ctx, status.id);
    throw error;
  }
  return statusResource(status);
}

async function storeObjects(ctx: TaxiiContext, scope: Scope, target: CollectionView, body: Buffer, receivedAt: number): Promise<StoredStatus> {
  const { collection } = target;
  // One request works in slices; others are answered in between (docs/reliability.md#responsiveness).
  const slice = new TimeSlice(ctx.sliceMs);
  const posted = await readPostedObjects(body, slice);
  const judging: Judging = { session: ctx.judge.session(collection.profile), collection, voice: await scope.voice(), submitter: scope.submitter(), maxObjectSize: ctx.maxObjectSize };

  // Every element is judged before anything is stored: a syntax error anywhere is still the whole body's 422.
  const entries: Entry[] = [];
  for (let index = 0; index < posted.count; index++) {
    entries.push(judgeElement(posted.at(index), index, judging));
    if (slice.isSpent()) await slice.pause();
  }

  const statusId = randomUUID();
  const acting = mayActFor(judging.voice, target.root.role === 'steward');
  if (isHeldForReview(collection.moderated, target.root.role)) {
    return holdForReview(ctx, target, entries, { statusId, receivedAt, owner: scope.ownerKey(), acting, total: posted.count });
  }
  const candidates = entries.flatMap((e) => (e.kind === 'candidate' ? [e.record] : []));
  const outcomes = await storeInChunks(ctx, collection.id, candidates, acting, slice);

  const successes: StatusDetail[] = [];
  const failures: StatusDetail[] = [];
  let next = 0;
  for (const entry of entries) {
    if (slice.isSpent()) await slice.pause();
    if (entry.kind === 'failure') {
      failures.push(entry.detail);
      continue;
    }
    const outcome = outcomes[next++]!;
    if (outcome.kind === 'owned') {
      // The owner is not named: for an object without created_by_ref it would tell who submitted it.
      const text = 'this object belongs to another organisation: only it, or a steward of the partnership, may add versions of it';
      failures.push({ id: entry.record.id, version: entry.record.version ?? '', message: formatRefusal('owned-by-another', '/id', text) });
      continue;
    }
    if (outcome.kind === 'too-large') {
      // Only when taxii.max_object_size did not stop it first (it may not exceed the store's limit).
      const text = `this object is ${outcome.bytes} bytes of JSON, over the store's limit of ${MAX_STORED_OBJECT_BYTES} bytes per object; a large file belongs in an artifact's url, with hashes, not in its payload_bin`;
      failures.push({ id: entry.record.id, version: entry.record.version ?? '', message: formatRefusal('object-too-large', '', text) });
      continue;
    }
    const notes: string[] = [];
    if (outcome.kind === 'duplicate') {
      // §5.5: a version already stored is a success; the stored copy is kept.
      notes.push(outcome.sameContent ? 'version already present' : 'version already present as a different text (its content, or only its formatting or key order, differs); the stored copy was kept');
    }
    if (entry.note !== undefined) notes.push(entry.note);
    const detail: StatusDetail = { id: entry.record.id, version: outcome.version };
    if (notes.length > 0) detail.message = notes.join('; ');
    successes.push(detail);
  }

  const status: StoredStatus = {
    id: statusId,
    apiRoot: target.root.path,
    collectionId: collection.id,
    owner: scope.ownerKey(),
    status: 'complete',
    requestTimestamp: formatMicros(receivedAt),
    totalCount: posted.count,
    successCount: successes.length,
    failureCount: failures.length,
    pendingCount: 0,
    successes,
    failures,
    pendings: [],
    expiresAt: receivedAt + ctx.statusRetentionMicros,
  };
  return status;
}

/**
 * The per-object limit (docs/reliability.md#memory): checked on the element's bytes,
 * before they are decoded or parsed, so an oversized object costs no parse; the others are judged.
 */
function tooLarge(bytes: number, index: number, limit: number): Entry {
  const reason = `this object is ${bytes} bytes of JSON, over the server's limit of ${limit} bytes per object (taxii.max_object_size); a large file belongs in an artifact's url, with hashes, not in its payload_bin`;
  // Not parsed, so named by its position (docs/validation.md#server-rules).
  return { kind: 'failure', detail: { id: `/objects/${index}`, version: '', message: formatRefusal('object-too-large', '', reason) } };
}

/** What judging one element needs besides the element: the same for every element of a request. */
interface Judging {
  session: JudgingSession;
  collection: CollectionInfo;
  voice: Voice;
  submitter: Submitter;
  maxObjectSize: number;
}

/**
 * One element, judged alone: parsed, validated and reduced to its record, or a failure.
 * An element the envelope walk found too deep is refused unparsed, with the message the
 * validator gives such an object (docs/validation.md#limits).
 */
function judgeElement(element: PostedElement, index: number, judging: Judging): Entry {
  const { session, collection, voice, submitter, maxObjectSize } = judging;
  if (element.bytes.length > maxObjectSize) return tooLarge(element.bytes.length, index, maxObjectSize);
  if (element.tooDeep !== undefined) return tooDeepFailure(element.tooDeep, index);
  const text = element.bytes.toString('utf8');
  const obj = parseElement(text, index);
  const where = { id: usableId(obj) ?? `/objects/${index}`, version: versionOf(obj) };
  const judgement = session.judge(obj, index);
  if (!judgement.accepted) return { kind: 'failure', detail: { ...where, message: judgement.message ?? 'invalid STIX object' } };
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return { kind: 'failure', detail: { ...where, message: 'must be a JSON object' } };
  }
  const refused = (rule: string, pointer: string, text: string): Entry => ({ kind: 'failure', detail: { ...where, message: formatRefusal(rule, pointer, text) } });
  const duplicate = firstDuplicateMember(text);
  if (duplicate !== null) return refused('duplicate-member', duplicate, 'this member name appears more than once in its object; send each name once');
  const identity = identify(obj as Record<string, unknown>);
  if (!identity.ok) return refused(identity.rule, identity.pointer, identity.reason);
  const misused = reservedMarkingProblem(obj as Record<string, unknown>);
  if (misused !== null) return refused('tlp-reserved-id', '/id', misused);
  const overshared = markingCeilingProblem(obj as Record<string, unknown>, collection.markingCeiling);
  if (overshared !== null) return refused('marking-ceiling', '', overshared);
  const impersonated = provenanceProblem(obj as Record<string, unknown>, voice);
  if (impersonated !== null) return refused('provenance', '/created_by_ref', impersonated);
  const anonymous = collection.requireCreatedByRef ? missingCreatorProblem(obj as Record<string, unknown>, isCyberObservable(obj as Record<string, unknown>), voice) : null;
  if (anonymous !== null) return refused('created-by-ref-required', '/created_by_ref', anonymous);
  if (!collection.specVersions.includes(identity.identity.specVersion)) {
    const text = `spec_version ${identity.identity.specVersion} is not accepted by this collection (media types: ${collection.specVersions.map(mediaTypeForSpecVersion).join(', ')})`;
    return refused('collection-media-type', '/spec_version', text);
  }
  const record: NewRecord = { ...identity.identity, body: text, owner: ownerKeyOf(obj as Record<string, unknown>, voice), submitter, validUntilKey: validUntilKeyOf(identity.identity.type, (obj as Record<string, unknown>).valid_until) };
  const entry: Entry = { kind: 'candidate', record };
  if (judgement.message !== undefined) entry.note = judgement.message;
  return entry;
}

/** The validator's verdict on such an element: an object too deep, or not an object at all (its shape is judged first). */
function tooDeepFailure(tooDeep: TooDeep, index: number): Entry {
  const where = { id: usableId(tooDeep.head) ?? `/objects/${index}`, version: versionOf(tooDeep.head) };
  const message = tooDeep.isObject ? formatRefusal('object-limits', '/', texts.objectLimits()) : formatRefusal('object-shape', '/', texts.objectShape([]));
  return { kind: 'failure', detail: { ...where, message } };
}

/**
 * The records in several store calls, with others answered in between. Each call sees
 * the records of the calls before it, so a version repeated across calls is a
 * duplicate, as within one call.
 */
async function storeInChunks(ctx: TaxiiContext, collectionId: string, records: NewRecord[], acting: MayActFor, slice: TimeSlice): Promise<AddOutcome[]> {
  const outcomes: AddOutcome[] = [];
  let size = FIRST_STORE_CALL;
  for (let from = 0; from < records.length; ) {
    if (slice.isSpent()) await slice.pause();
    const chunk = records.slice(from, from + size);
    const started = performance.now();
    outcomes.push(...(await ctx.store.addRecords(collectionId, chunk, acting)));
    const ms = Math.max(1, performance.now() - started);
    from += chunk.length;
    // At most halved or doubled: one call slowed by a checkpoint or a collection says little.
    const next = Math.round((chunk.length * STORE_CALL_MS) / ms);
    size = Math.min(MAX_STORE_CALL, 2 * chunk.length, Math.max(1, Math.ceil(chunk.length / 2), next));
  }
  return outcomes;
}

/** A failed element is named by its id only when that is a STIX identifier; otherwise by its position. */
function usableId(obj: unknown): string | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const id = (obj as Record<string, unknown>).id;
  return typeof id === 'string' && id.length <= 300 && isIdentifier(id) ? id : undefined;
}

/** The version a failure reports: only a real STIX timestamp is echoed back. */
function versionOf(obj: unknown): string {
  if (typeof obj !== 'object' || obj === null) return '';
  const { type, modified, created } = obj as Record<string, unknown>;
  const version = (type === 'marking-definition' ? undefined : modified) ?? created;
  return typeof version === 'string' && version.length <= 64 && isStixTimestamp(version) ? version : '';
}
