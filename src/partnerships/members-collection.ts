/**
 * A partnership's members collection (docs/trust.md#members), when the
 * partnership serves one (`members_collection`): a read-only collection the server keeps, holding the STIX identity of every organisation
 * that is or was a member, so any TAXII client can resolve a `created_by_ref`
 * through TAXII itself. Its id is derived from the partnership's path, so every
 * instance finds (or creates) the same one; identities are written as records
 * like any object, so paging, `added_after` and TAXII 2.0 reads work unchanged.
 */

import { ConflictError } from '../errors';
import { ORGANISATIONS, type Organisation } from '../identity/model';
import { identityIdOf, identityObject, nameBasedUuid } from '../identity/stix-identity';
import { timestampKey } from '../stix/timestamp';
import type { Store, Submitter } from '../store/contract';
import { EntityTable } from '../store/entity-table';
import { COLLECTIONS, MEMBERSHIPS, partnershipRef, type Collection, type Partnership } from './model';

/** The server itself, as the submitter of what it writes. */
export const SERVER_SUBMITTER: Submitter = { organisation: '(server)' };
const ALIAS = 'members';

export function membersCollectionId(partnershipPath: string): string {
  return nameBasedUuid(`members-collection:${partnershipPath}`);
}

/** Creates the partnership's members collection when it has none (idempotent across instances). */
export async function ensureMembersCollection(store: Store, partnership: Partnership, created: string): Promise<Collection> {
  const table = new EntityTable(store, COLLECTIONS);
  const id = membersCollectionId(partnership.path);
  const existing = await table.get(id);
  if (existing) return existing;
  const collection: Collection = { id, partnership: partnership.path, title: `Members of ${partnership.title}`, alias: ALIAS, kind: 'members', created };
  collection.description = "The STIX identity of each member organisation, kept by the server: resolve created_by_ref here.";
  for (const candidate of [collection, withoutAlias(collection)]) {
    try {
      return await table.create(candidate);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Created meanwhile by another instance; or the alias names another collection.
      const now = await table.get(id);
      if (now) return now;
    }
  }
  throw new ConflictError(`Cannot create the members collection of ${partnership.path}.`);
}

/** Writes the organisation's identity into the members collection (a version already there changes nothing). */
export async function publishIdentity(store: Store, partnershipPath: string, organisation: Organisation): Promise<void> {
  const identity = identityObject(organisation);
  const version = identity.modified as string;
  await store.addRecords(
    membersCollectionId(partnershipPath),
    [
      {
        id: identityIdOf(organisation),
        type: 'identity',
        version,
        versionKey: timestampKey(version),
        specVersion: '2.1',
        body: JSON.stringify(identity),
        owner: `org:${organisation.id}`,
        submitter: SERVER_SUBMITTER,
        validUntilKey: null,
      },
    ],
    '*',
  );
}

/** Makes sure the members collection exists and holds every current member's identity (at start-up, for partnerships made earlier). */
export async function refreshMembersCollection(store: Store, partnership: Partnership, created: string): Promise<void> {
  await ensureMembersCollection(store, partnership, created);
  const organisations = new EntityTable(store, ORGANISATIONS);
  for (const membership of await new EntityTable(store, MEMBERSHIPS).list(partnershipRef(partnership.path))) {
    const organisation = await organisations.get(membership.organisationId);
    if (organisation) await publishIdentity(store, partnership.path, organisation);
  }
}

function withoutAlias(collection: Collection): Collection {
  const { alias: _alias, ...rest } = collection;
  return rest;
}
