/**
 * Objects inside a partnership's collections, as the partnership's people see
 * them beyond TAXII: who submitted each version (stewards and administrators
 * only; other members see what STIX itself carries), and retraction
 * (docs/trust.md#retraction): the owner or a steward has Accord store a new
 * version of the object with `revoked: true`, so that every consumer resuming
 * with `added_after` or `next`, over TAXII 2.1 or 2.0, receives the withdrawal.
 */

import { ConflictError, ForbiddenError, NotFoundError, UnprocessableContentError } from '../errors';
import { ORGANISATIONS, organisationRef } from '../identity/model';
import { isLocalOperator, type Actor } from '../identity/principal';
import { collectionRights, isVisible } from '../partnerships/audience';
import { MEMBERSHIPS, PARTNERSHIPS, whyReadOnly, type Collection } from '../partnerships/model';
import { mayActFor } from '../partnerships/ownership';
import { voiceOf } from '../partnerships/provenance';
import { formatMicros, isStixTimestamp, timestampKey } from '../stix/timestamp';
import { actsFor, validUntilKeyOf, type MayActFor, type Submitter, type VersionProvenance } from '../store/contract';
import { defineAction, type AdminResource } from './action';
import { collectionIn } from './collections';
import type { AdminContext } from './context';

const RETRACT_BODY = {
  type: 'object',
  properties: { reason: { type: 'string', minLength: 1, maxLength: 300, description: 'Why, for the audit trail (never sent to consumers).' } },
} as const;

function submitterWire(s: Submitter | null): Record<string, unknown> | undefined {
  return s === null ? undefined : { organisation: s.organisation, user: s.user, key_id: s.keyId };
}

function versionWire(v: VersionProvenance): Record<string, unknown> {
  return { version: v.version, spec_version: v.specVersion, date_added: formatMicros(v.dateAdded), submitter: submitterWire(v.submitter) };
}

const show = defineAction({ params: ['partnership', 'collectionId', 'objectId'] })({
  name: 'objects.show',
  who: 'steward',
  run: async (input, ctx) => {
    const collection = await collectionIn(ctx, input.partnership, input.collectionId);
    const versions = await ctx.store.provenance(collection.id, input.objectId);
    if (versions.length === 0) throw new NotFoundError(`No object ${input.objectId} in collection ${collection.id}.`);
    return { id: input.objectId, collection: collection.id, versions };
  },
  // The owner key says whose object it is: `org:<id>`, `identity:<id>` (relayed), or `` (stored before owners were kept: stewards').
  present: (o) => ({ id: o.id, collection: o.collection, owner: o.versions[0]!.owner, versions: o.versions.map(versionWire) }),
  http: { method: 'GET', path: '/admin/partnerships/:partnership/collections/:collectionId/objects/:objectId' },
  cli: [{ command: 'show <partnership> <collectionId> <objectId>', description: 'every version of an object, with who submitted it', columns: ['version', 'spec_version', 'date_added'] }],
  rows: (wire) => (wire as { versions: unknown[] }).versions,
});

/** Whose objects the actor may change in this partnership, or a refusal: the owner's organisation (with write access) or a steward. */
async function actingFor(ctx: AdminContext, actor: Actor, path: string): Promise<MayActFor> {
  const partnership = await ctx.table(PARTNERSHIPS).get(path);
  if (isLocalOperator(actor)) {
    if (!partnership) throw new NotFoundError(`No partnership ${path}.`);
    return '*';
  }
  const role = (await ctx.table(MEMBERSHIPS).list(organisationRef(actor.organisationId))).find((m) => m.partnership === path)?.role;
  if (!partnership || (role === undefined && !actor.admin)) throw new NotFoundError(`No partnership ${path}.`);
  const readOnly = whyReadOnly(partnership, ctx.now().slice(0, 10));
  if (readOnly !== undefined) throw new ForbiddenError(readOnly);
  if (role === 'steward' || actor.admin) return '*';
  if (role !== 'publisher') throw new ForbiddenError('Your organisation is a consumer in this partnership: it may not retract objects.');
  return mayActFor(voiceOf(actor.organisationId, await ctx.table(ORGANISATIONS).list()), false);
}

/** A publisher retracts only where the collection's audience lets it write (docs/taxii.md#audiences); stewards manage every collection. */
function writerOf(collection: Collection, organisationId: string, named: string): void {
  const rights = collectionRights(collection, organisationId, 'publisher', true);
  if (!isVisible(rights)) throw new NotFoundError(`No collection ${named} in ${collection.partnership}.`);
  if (!rights.canWrite) throw new ForbiddenError("Your organisation is not among this collection's writers: it may not retract its objects.");
}

function submitterOf(actor: Actor): Submitter {
  if (isLocalOperator(actor)) return { organisation: `(${actor})` };
  const submitter: Submitter = { organisation: actor.organisationId };
  if (actor.username !== undefined) submitter.user = actor.username;
  if (actor.keyId !== undefined) submitter.keyId = actor.keyId;
  return submitter;
}

/** A STIX timestamp (milliseconds) for now, later than `previous`. */
function laterThan(previous: string, nowMicros: string): string {
  const now = `${nowMicros.slice(0, 23)}Z`;
  if (timestampKey(now) > timestampKey(previous)) return now;
  return new Date(Date.parse(previous) + 1).toISOString();
}

const retract = defineAction({ body: RETRACT_BODY, params: ['partnership', 'collectionId', 'objectId'] })({
  name: 'objects.retract',
  who: 'signed-in',
  run: async (input, ctx, actor) => {
    const acting = await actingFor(ctx, actor, input.partnership);
    const collection = await collectionIn(ctx, input.partnership, input.collectionId);
    if (collection.kind === 'members') throw new ForbiddenError("The members collection is kept by the server; its objects cannot be retracted.");
    if (acting !== '*' && !isLocalOperator(actor)) writerOf(collection, actor.organisationId, input.collectionId);
    const versions = await ctx.store.provenance(collection.id, input.objectId);
    if (versions.length === 0) throw new NotFoundError(`No object ${input.objectId} in collection ${collection.id}.`);
    if (!actsFor(acting, versions[0]!.owner)) throw new ForbiddenError('This object belongs to another organisation: only it, or a steward of the partnership, may retract it.');
    const latest = (
      await ctx.store.findRecords({ collectionId: collection.id, ids: [input.objectId], versions: { all: false, first: false, last: true, at: [] }, specVersions: 'latest', limit: 1, withBody: true })
    ).records[0]!;
    const object = JSON.parse(latest.body!) as Record<string, unknown>;
    if (typeof object.modified !== 'string' || !isStixTimestamp(object.modified)) {
      throw new UnprocessableContentError(`${input.objectId} has no versions (no modified): it cannot be revoked; delete it instead.`);
    }
    if (object.revoked === true) throw new ConflictError(`${input.objectId} is already revoked (version ${latest.version}).`);
    // STIX 2.1 §3.6: revoking is a new version with revoked true, on the creator's behalf.
    const revoked = { ...object, modified: laterThan(object.modified, ctx.now()), revoked: true };
    const version = revoked.modified;
    const [outcome] = await ctx.store.addRecords(
      collection.id,
      [
        {
          id: input.objectId,
          type: String(object.type),
          version,
          versionKey: timestampKey(version),
          specVersion: latest.specVersion,
          body: JSON.stringify(revoked),
          owner: versions[0]!.owner,
          submitter: submitterOf(actor),
          validUntilKey: validUntilKeyOf(String(object.type), object.valid_until),
        },
      ],
      acting,
    );
    if (outcome?.kind === 'too-large') throw new UnprocessableContentError(`The revoked version of ${input.objectId} would be ${outcome.bytes} bytes, over the store's limit per object.`);
    if (outcome?.kind !== 'added') throw new ConflictError(`${input.objectId} changed meanwhile; try again.`);
    return { id: input.objectId, collection: collection.id, partnership: input.partnership, version, dateAdded: outcome.dateAdded, reason: input.reason };
  },
  audit: (r) => ({ operation: 'retract_object', partnership: r.partnership, collection: r.collection, detail: `object ${r.id} revoked as of ${r.version}${r.reason ? `: ${r.reason}` : ''}` }),
  present: (r) => ({ id: r.id, version: r.version, date_added: formatMicros(r.dateAdded), revoked: true }),
  http: { method: 'POST', path: '/admin/partnerships/:partnership/collections/:collectionId/objects/:objectId/retract', status: 201 },
  cli: [{ command: 'retract <partnership> <collectionId> <objectId>', description: 'store a revoked version of an object, so every consumer learns of the withdrawal', options: [{ flags: '--reason <text>' }], columns: ['id', 'version', 'date_added'] }],
});

export const objects: AdminResource = {
  group: { name: 'object', description: 'objects of a partnership: who submitted them, and retraction' },
  actions: [show, retract],
};
