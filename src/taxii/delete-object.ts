/**
 * Delete an Object (TAXII 2.1 §5.7). Without filters every version goes
 * (docs/taxii.md#delete: the endpoint deletes an object; medallion deletes only the
 * newest). 404 when the object is absent or nothing matched. Only an owner of the
 * object or a steward may delete it (docs/trust.md#ownership): anyone else who may
 * write gets 403, since the object is visible to them. The store leaves a
 * tombstone for consumers (docs/trust.md#tombstones).
 */

import { ForbiddenError, NotFoundError } from '../errors';
import { mayActFor } from '../partnerships/ownership';
import { actsFor } from '../store/contract';
import type { Scope } from '../partnerships/scope';
import type { TaxiiContext } from './context';
import { parseDeleteQuery, toRecordQuery } from './query';
import { requireDelete, resolveCollection } from './resolve';

export async function deleteObject(
  ctx: TaxiiContext,
  request: { scope: Scope; rootPath: string; collection: string; objectId: string; params: URLSearchParams },
): Promise<number> {
  const target = await resolveCollection(request.scope, request.rootPath, request.collection);
  requireDelete(target);
  const filters = parseDeleteQuery(request.params);
  const versions = await ctx.store.provenance(target.collection.id, request.objectId);
  if (versions.length === 0) throw new NotFoundError('No object with this id in this collection.');
  if (!actsFor(mayActFor(await request.scope.voice(), target.root.role === 'steward'), versions[0]!.owner)) {
    throw new ForbiddenError('This object belongs to another organisation: only it, or a steward of the partnership, may delete it.');
  }
  const removed = await ctx.store.deleteRecords(toRecordQuery(target.collection.id, filters, request.objectId), { reason: 'deleted' });
  if (removed === 0) throw new NotFoundError('No version of this object matches the filters; nothing was deleted.');
  return removed;
}
