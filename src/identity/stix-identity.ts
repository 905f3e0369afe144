/**
 * Each organisation's STIX identity (STIX 2.1 §4.5, `identity_class:
 * organization`): the identity its objects name in `created_by_ref`. Its id is
 * fixed when the organisation is created, given by the administrator (a vendor
 * keeps the identity its feeds already carry) or generated. Organisations made
 * before identities existed get one derived from their id (a name-based UUID,
 * RFC 9562 §5.5), the same on every instance and at every start.
 */

import { createHash } from 'node:crypto';
import type { Organisation } from './model';

/** `identity--` and a lower-case UUID. */
export const IDENTITY_ID_PATTERN = '^identity--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';

/** The namespace of Accord's name-based identity ids (a fixed random UUID). */
const NAMESPACE = Buffer.from('6f1c2a9e4b7d4e0fa3c85d2e9b146a07', 'hex');

export function identityIdOf(organisation: Pick<Organisation, 'id' | 'identityId'>): string {
  return organisation.identityId ?? `identity--${nameBasedUuid(organisation.id)}`;
}

/** The organisation's identity object, as the members collection of each of its partnerships serves it. */
export function identityObject(organisation: Organisation): Record<string, unknown> {
  // STIX 2.1 §3.2: created and modified are precise to the millisecond.
  const created = `${organisation.created.slice(0, 23)}Z`;
  const identity: Record<string, unknown> = {
    type: 'identity',
    spec_version: '2.1',
    id: identityIdOf(organisation),
    created,
    modified: created,
    name: organisation.name,
    identity_class: 'organization',
  };
  if (organisation.description !== undefined) identity.description = organisation.description;
  return identity;
}

/** A version-5 (SHA-1, name-based) UUID in Accord's namespace: the same name gives the same UUID everywhere. */
export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
