/**
 * Collection audiences (docs/taxii.md#audiences): a collection may narrow who
 * reads it and who writes it to named member organisations of its partnership.
 * This is the one rule every path applies (TAXII 2.1 and 2.0 through scope.ts,
 * statuses, admin retraction): the role's right AND, where a list exists,
 * membership in it. Stewards are subject to it on TAXII like everyone else, so an
 * audience means exactly the organisations it lists; they keep managing the
 * collection through the admin API, which an audience does not narrow.
 */

import { rightsOf, type Collection, type Rights, type Role } from './model';

/** What `organisationId`, holding `role` in the collection's partnership, may do with it. */
export function collectionRights(collection: Collection, organisationId: string, role: Role | undefined, writable: boolean): Rights {
  const byRole = rightsOf(role, writable);
  // The members collection is the server's to write (docs/trust.md#members).
  const canWrite = collection.kind !== 'members' && byRole.canWrite;
  return {
    canRead: byRole.canRead && isListed(collection.audience?.read, organisationId),
    canWrite: canWrite && isListed(collection.audience?.write, organisationId),
    canManage: byRole.canManage,
  };
}

/**
 * A collection the caller may neither read nor write is not shown at all: a 404
 * worded like a missing one, and left out of Get Collections (TAXII 2.1 §5.1).
 * One it may write but not read stays visible with `can_read: false` (§5.2), so a
 * write-only member can post (a drop box: "vendors write, INTERPOL reads").
 */
export function isVisible(rights: Rights): boolean {
  return rights.canRead || rights.canWrite;
}

function isListed(list: readonly string[] | undefined, organisationId: string): boolean {
  return list === undefined || list.includes(organisationId);
}
