/**
 * Ownership of an object within a collection (docs/trust.md#ownership). An
 * object belongs to the organisation whose identity created it
 * (`created_by_ref`), to every organisation allowed to relay the identity that
 * created it, or, without `created_by_ref`, to the organisation that stored its
 * first version. Only an owner or a steward of the partnership adds versions of
 * it or deletes it: STIX 2.1 §3.6 reserves new versions to the creator.
 *
 * Whether an owner is acted for is `actsFor` in the storage contract, the one rule
 * the store applies to new versions and callers to deletes and retractions.
 * Owner keys are what the store keeps and compares: `org:<organisation id>` or
 * `identity:<identity id>` (an outside identity); `` for objects stored before
 * owners were kept, which only stewards act for.
 */

import type { MayActFor } from '../store/contract';
import type { Voice } from './provenance';

/** The owner key a first version gives its object (its provenance already checked). */
export function ownerKeyOf(obj: Record<string, unknown>, voice: Voice): string {
  const creator = obj.created_by_ref;
  if (typeof creator !== 'string') return `org:${voice.organisationId}`;
  const organisation = voice.organisationOf.get(creator);
  return organisation === undefined ? `identity:${creator}` : `org:${organisation}`;
}

/** The owner keys the organisation acts for: its own, and those of the identities it may relay; a steward acts for all. */
export function mayActFor(voice: Voice, steward: boolean): MayActFor {
  if (steward) return '*';
  const keys = [`org:${voice.organisationId}`];
  for (const identity of voice.relayed) {
    const organisation = voice.organisationOf.get(identity);
    keys.push(organisation === undefined ? `identity:${identity}` : `org:${organisation}`);
  }
  if (voice.anyOutside) keys.push('identity:*');
  return keys;
}
