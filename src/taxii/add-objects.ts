/**
 * Add Objects (TAXII 2.1 §5.5; docs/taxii.md#add-objects). Each element is judged alone, in
 * order; a bad one becomes a status failure and never stops or rolls back the
 * good ones beside it. Storing is synchronous, so the 202 status is already
 * `complete` and is kept for the retention period.
 */

import { randomUUID } from 'node:crypto';
import { isIdentifier } from '../stix/identifier';
import { formatRefusal } from '../stix/messages';
import { formatMicros, isStixTimestamp } from '../stix/timestamp';
import { validUntilKeyOf, type NewRecord, type StatusDetail, type StoredStatus } from '../store/contract';
import type { TaxiiContext } from './context';
import { parseElement, readPostedObjects } from './envelope';
import { markingCeilingProblem } from '../partnerships/marking-ceiling';
import { mayActFor, ownerKeyOf } from '../partnerships/ownership';
import { missingCreatorProblem, provenanceProblem } from '../partnerships/provenance';
import { isCyberObservable } from '../stix/object-class';
import { reservedMarkingProblem } from '../partnerships/reserved-markings';
import { firstDuplicateMember } from './duplicate-members';
import { postedBodyKind } from './media-types';
import { requireWrite, resolveCollection } from './resolve';
import type { CollectionView, Scope } from '../partnerships/scope';
import { statusResource } from './status';
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
}

type Entry = { kind: 'failure'; detail: StatusDetail } | { kind: 'candidate'; record: NewRecord; note?: string };

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
  return storeObjects(ctx, request.scope, target, body, request.receivedAt);
}

async function storeObjects(ctx: TaxiiContext, scope: Scope, target: CollectionView, body: Buffer, receivedAt: number): Promise<Record<string, unknown>> {
  const { collection } = target;
  const texts = readPostedObjects(body);
  const session = ctx.judge.session(collection.profile);
  const voice = await scope.voice();
  const submitter = scope.submitter();

  // Each object is parsed, judged and reduced to its record in turn, then dropped.
  const entries: Entry[] = texts.map((text, index) => {
    if (isTooLarge(text, ctx.maxObjectSize)) return tooLarge(text, index, ctx.maxObjectSize);
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
  });

  const candidates = entries.flatMap((e) => (e.kind === 'candidate' ? [e.record] : []));
  const acting = mayActFor(voice, target.root.role === 'steward');
  const outcomes = candidates.length > 0 ? await ctx.store.addRecords(collection.id, candidates, acting) : [];

  const successes: StatusDetail[] = [];
  const failures: StatusDetail[] = [];
  let next = 0;
  for (const entry of entries) {
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
    id: randomUUID(),
    apiRoot: target.root.path,
    collectionId: collection.id,
    owner: scope.ownerKey(),
    status: 'complete',
    requestTimestamp: formatMicros(receivedAt),
    totalCount: texts.length,
    successCount: successes.length,
    failureCount: failures.length,
    pendingCount: 0,
    successes,
    failures,
    pendings: [],
    expiresAt: receivedAt + ctx.statusRetentionMicros,
  };
  await ctx.store.putStatus(status);
  return statusResource(status);
}

/**
 * The per-object limit (docs/reliability.md#memory): checked on the element's text,
 * before it is parsed, so an oversized object costs no parse; the others are judged.
 */
function isTooLarge(text: string, limit: number): boolean {
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: the count is needed only in between.
  return text.length > limit || (text.length * 3 > limit && Buffer.byteLength(text, 'utf8') > limit);
}

function tooLarge(text: string, index: number, limit: number): Entry {
  const bytes = Buffer.byteLength(text, 'utf8');
  const reason = `this object is ${bytes} bytes of JSON, over the server's limit of ${limit} bytes per object (taxii.max_object_size); a large file belongs in an artifact's url, with hashes, not in its payload_bin`;
  // Not parsed, so named by its position (docs/validation.md#server-rules).
  return { kind: 'failure', detail: { id: `/objects/${index}`, version: '', message: formatRefusal('object-too-large', '', reason) } };
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
