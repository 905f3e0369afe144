/**
 * Delete an Object (TAXII 2.1 §5.7). Without filters every version goes
 * (docs/taxii.md#delete: the endpoint deletes an object; medallion deletes only the
 * newest). 404 when the object is absent or nothing matched.
 */

import type { Scope } from '../partnerships/scope';
import { NotFoundError } from '../errors';
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
  if (!(await ctx.store.hasObject(target.collection.id, request.objectId))) {
    throw new NotFoundError('No object with this id in this collection.');
  }
  const removed = await ctx.store.deleteRecords(toRecordQuery(target.collection.id, filters, request.objectId), { reason: 'deleted' });
  if (removed === 0) throw new NotFoundError('No version of this object matches the filters; nothing was deleted.');
  return removed;
}
