/**
 * Finding the API root and collection a request names, with the caller's rights.
 * Whatever the caller may not see is a 404 worded exactly like a missing resource,
 * so nothing leaks across partnerships (docs/taxii.md#access).
 */

import { ForbiddenError, NotFoundError } from '../errors';
import type { ApiRootInfo, CollectionView, Scope } from '../partnerships/scope';

export async function resolveApiRoot(scope: Scope, path: string): Promise<ApiRootInfo> {
  const root = await scope.apiRoot(path);
  if (!root) throw new NotFoundError('No API root at this address.');
  return root;
}

export async function resolveCollection(scope: Scope, rootPath: string, idOrAlias: string): Promise<CollectionView> {
  await resolveApiRoot(scope, rootPath);
  const view = await scope.collection(rootPath, idOrAlias);
  if (!view) throw new NotFoundError('No collection with this id in this API root.');
  return view;
}

export function requireRead(target: CollectionView): void {
  if (!target.rights.canRead) throw new ForbiddenError('You may add objects to this collection but not read it.');
}

export function requireWrite(target: CollectionView, action = 'add objects to it'): void {
  if (!target.rights.canWrite) {
    throw new ForbiddenError(
      target.collection.serverKept
        ? `This is the partnership's members collection: the server keeps it, so no one may ${action}.`
        : target.root.role === 'consumer'
          ? `Your organisation is a consumer in this partnership: it may read this collection but not ${action}.`
          : (target.root.readOnlyBecause ?? `Your organisation is not among this collection's writers: it may read it but not ${action}.`),
    );
  }
}

/** Delete an Object needs both rights (TAXII 2.1 §5.7). */
export function requireDelete(target: CollectionView): void {
  requireRead(target);
  requireWrite(target, 'delete objects from it');
}
