/**
 * The partnership model. An organisation (a vendor, a police unit) has users and
 * API keys; a partnership (a sharing agreement) has member organisations, each
 * with a role, and owns collections. A partnership is served as one TAXII API
 * root, its `path` being the root's URL segment.
 */

import { organisationRef } from '../identity/model';
import type { Profile } from '../stix/issues';
import type { TlpLevel } from '../stix/tlp';
import type { EntityLayout } from '../store/entity-table';

export const ROLES = ['consumer', 'publisher', 'steward'] as const;
export type Role = (typeof ROLES)[number];

export const PARTNERSHIP_KINDS = ['bilateral', 'working_group', 'regional_operation'] as const;
export type PartnershipKind = (typeof PARTNERSHIP_KINDS)[number];


export interface Partnership {
  /** The API root path segment; also the partnership's id. */
  path: string;
  title: string;
  kind: PartnershipKind;
  description?: string;
  /** ISO dates (YYYY-MM-DD). After `endDate` the partnership is read-only, as when closed. */
  startDate?: string;
  endDate?: string;
  status: 'active' | 'closed';
  maxContentLength: number;
  /** Empty envelopes carry `"objects": []` instead of `{}`, for Elastic (docs/client-quirks.md#elastic-empty-objects). */
  alwaysListObjects?: boolean;
  /** How long its collections keep data, unless a collection says otherwise. */
  retention?: RetentionPolicy;
  /** Serve the members collection (members-collection.ts): every member's STIX identity, over TAXII. */
  membersCollection?: boolean;
  created: string;
}

/**
 * How long data is kept (retention.ts applies it). Each period is counted from
 * the `date_added` of an object's newest version, or from an indicator's
 * `valid_until`; a legal hold suspends every removal.
 */
export interface RetentionPolicy {
  maxAgeDays?: number;
  indicatorGraceDays?: number;
  legalHold?: boolean;
}

export interface Membership {
  partnership: string;
  organisationId: string;
  role: Role;
  created: string;
}

export interface Collection {
  id: string;
  partnership: string;
  title: string;
  description?: string;
  alias?: string;
  /** The most restrictive TLP the collection accepts; absent means any. */
  markingCeiling?: TlpLevel;
  validationProfile?: Profile;
  /** Objects (other than SCOs) must name their creator in `created_by_ref`. */
  requireCreatedByRef?: boolean;
  /** Publishers' objects wait for a steward's review before they are stored (submissions.ts). */
  moderated?: boolean;
  retention?: RetentionPolicy;
  /**
   * `members`: the partnership's members collection, kept by the server (each
   * member's STIX identity), readable by every member and written by no one.
   */
  kind?: 'members';
  /** Who among the members may read and write it (audience.ts); absent: every member, by role. */
  audience?: Audience;
  created: string;
}

/** Members who may read and write a collection, by organisation id; a list absent leaves that right to the role (audience.ts). */
export interface Audience {
  read?: string[];
  write?: string[];
}

export interface Rights {
  canRead: boolean;
  canWrite: boolean;
  canManage: boolean;
}

/** What a role allows; a closed or ended partnership is read-only for everyone. */
export function rightsOf(role: Role | undefined, writable: boolean): Rights {
  if (role === undefined) return { canRead: false, canWrite: false, canManage: false };
  return {
    canRead: true,
    canWrite: writable && role !== 'consumer',
    canManage: role === 'steward',
  };
}

/** Why the agreement is not in force today (so its collections are read-only), or undefined when writes are allowed. */
export function whyReadOnly(partnership: Partnership, today: string): string | undefined {
  if (partnership.status !== 'active') return 'This partnership is closed: its collections are read-only.';
  if (partnership.startDate !== undefined && today < partnership.startDate) {
    return `This partnership begins on ${partnership.startDate}: its collections are read-only until then.`;
  }
  if (partnership.endDate !== undefined && today > partnership.endDate) {
    return `This partnership ended on ${partnership.endDate}: its collections are read-only.`;
  }
  return undefined;
}

export function isWritable(partnership: Partnership, today: string): boolean {
  return whyReadOnly(partnership, today) === undefined;
}

/** The reference that lists a partnership's memberships and collections. */
export function partnershipRef(path: string): string {
  return `partnership:${path}`;
}

export const PARTNERSHIPS: EntityLayout<Partnership> = { kind: 'partnership', id: (p) => p.path };
export const MEMBERSHIPS: EntityLayout<Membership> = {
  kind: 'membership',
  id: (m) => membershipId(m.partnership, m.organisationId),
  refs: (m) => [organisationRef(m.organisationId), partnershipRef(m.partnership)],
};
export const COLLECTIONS: EntityLayout<Collection> = {
  kind: 'collection',
  id: (c) => c.id,
  refs: (c) => [partnershipRef(c.partnership)],
  // An alias names a collection within its partnership.
  uniqueKey: (c) => (c.alias === undefined ? undefined : `${c.partnership}/${c.alias}`),
};

export function membershipId(partnership: string, organisationId: string): string {
  return `${partnership}/${organisationId}`;
}
