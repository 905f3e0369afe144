/**
 * Finding the API root and collection a request names, with the caller's rights.
 * Whatever the caller may not see is a 404 worded exactly like a missing resource,
 * so nothing leaks across partnerships (checklist §1.5).
 */

import type { Principal } from '../auth/principal';
import { ForbiddenError, NotFoundError } from '../errors';
import { collectionRights, isApiRootVisible, type Rights } from '../partnerships/access';
import type { ApiRootInfo, CollectionInfo } from './catalog';
import type { TaxiiContext } from './context';

export interface CollectionTarget {
  root: ApiRootInfo;
  collection: CollectionInfo;
  rights: Rights;
}

export function resolveApiRoot(ctx: TaxiiContext, principal: Principal, path: string): ApiRootInfo {
  const root = ctx.catalog.apiRoot(path);
  if (!root || !isApiRootVisible(principal, root)) throw new NotFoundError('No API root at this address.');
  return root;
}

export function resolveCollection(ctx: TaxiiContext, principal: Principal, rootPath: string, idOrAlias: string): CollectionTarget {
  const root = resolveApiRoot(ctx, principal, rootPath);
  const collection = ctx.catalog.collection(root, idOrAlias);
  const rights = collection ? collectionRights(principal, collection) : { canRead: false, canWrite: false };
  if (!collection || (!rights.canRead && !rights.canWrite)) {
    throw new NotFoundError('No collection with this id in this API root.');
  }
  return { root, collection, rights };
}

export function requireRead(target: CollectionTarget): void {
  if (!target.rights.canRead) throw new ForbiddenError('You may add objects to this collection but not read it.');
}

export function requireWrite(target: CollectionTarget): void {
  if (!target.rights.canWrite) throw new ForbiddenError('You may read this collection but not add objects to it.');
}

/** Delete an Object needs both rights (TAXII 2.1 §5.7). */
export function requireDelete(target: CollectionTarget): void {
  if (!target.rights.canRead || !target.rights.canWrite) {
    throw new ForbiddenError('Deleting objects needs both read and write access to this collection.');
  }
}
