/**
 * The one place that decides what a caller may see and do (checklist §1.5).
 * Anything a caller may not see is answered exactly like something that does not
 * exist (404); what they may see but not use is 403.
 */

import type { Principal } from '../auth/principal';
import type { StoredStatus } from '../store/contract';
import type { ApiRootInfo, CollectionInfo } from '../taxii/catalog';

export interface Rights {
  canRead: boolean;
  canWrite: boolean;
}

export function collectionRights(principal: Principal, collection: CollectionInfo): Rights {
  return {
    canRead: collection.readers.has(principal.username),
    canWrite: collection.writers.has(principal.username),
  };
}

/** A collection is visible when the caller may read or write it. */
export function isCollectionVisible(principal: Principal, collection: CollectionInfo): boolean {
  const rights = collectionRights(principal, collection);
  return rights.canRead || rights.canWrite;
}

/** An API root is visible when the caller can see at least one of its collections. */
export function isApiRootVisible(principal: Principal, root: ApiRootInfo): boolean {
  return root.collections.some((c) => isCollectionVisible(principal, c));
}

/** A status resource is private to whoever submitted the objects (TAXII 2.1 §4.3 leaves it open). */
export function isStatusVisible(principal: Principal, status: StoredStatus): boolean {
  return status.owner === principal.key;
}
