/**
 * Who can sign in: organisations (a vendor, a police unit) with their users,
 * API keys and client certificates, and how each is stored. Every right follows
 * from an organisation's memberships (src/partnerships); users may also be server
 * administrators.
 */

import type { EntityLayout } from '../store/entity-table';

export interface Organisation {
  id: string;
  name: string;
  description?: string;
  /** Its STIX identity's id (stix-identity.ts); absent on organisations made before identities existed. */
  identityId?: string;
  /**
   * Other identities it may publish objects of (`created_by_ref`), granted by an
   * administrator: a steward re-publishing MITRE ATT&CK or a CERT's advisories
   * keeps their original creator. `*` stands for every identity that is not an
   * organisation's own here (a feed aggregator).
   */
  relays?: string[];
  created: string;
}

/** User names: 1-64 letters, digits, '.', '_', '@' or '-' (safe in logs and URLs). */
export const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

export interface User {
  username: string;
  organisationId: string;
  /** `scrypt$…` (passwords.ts); the password itself is never stored. */
  passwordHash: string;
  /** Server administrators manage organisations, users, keys and every partnership. */
  admin: boolean;
  created: string;
}

export interface ApiKey {
  id: string;
  organisationId: string;
  label?: string;
  /** `sha256:<hex>` of the secret part (api-key-token.ts); the secret is shown once and never stored. */
  secretHash: string;
  created: string;
  expiresAt?: string;
  revokedAt?: string;
}

export interface Certificate {
  /** SHA-256 fingerprint of the DER certificate (fingerprint.ts). */
  fingerprint: string;
  organisationId: string;
  subject?: string;
  created: string;
}

/** The identity every outside source stands for in a relay grant. */
export const ANY_OUTSIDE_IDENTITY = '*';

/** The reference that lists an organisation's users, keys, certificates and memberships. */
export function organisationRef(organisationId: string): string {
  return `org:${organisationId}`;
}

const ofOrganisation = (doc: { organisationId: string }) => [organisationRef(doc.organisationId)];

/** An identity id names one organisation only. */
export const ORGANISATIONS: EntityLayout<Organisation> = { kind: 'organisation', id: (o) => o.id, uniqueKey: (o) => o.identityId };
export const USERS: EntityLayout<User> = { kind: 'user', id: (u) => u.username, refs: ofOrganisation };
export const API_KEYS: EntityLayout<ApiKey> = { kind: 'api_key', id: (k) => k.id, refs: ofOrganisation };
export const CERTIFICATES: EntityLayout<Certificate> = { kind: 'certificate', id: (c) => c.fingerprint, refs: ofOrganisation };
