/**
 * Provenance bound to the credential: an object naming its creator in
 * `created_by_ref` is accepted only when that identity is the posting
 * organisation's own, or one an administrator has let it relay (its `relays`).
 * No member can publish in another member's name. STIX 2.1 §3.2
 * makes `created_by_ref` the creator's identity; the Accord rule (docs/trust.md#provenance)
 * is that the credential decides who that may be.
 */

import { ANY_OUTSIDE_IDENTITY, type Organisation } from '../identity/model';
import { identityIdOf } from '../identity/stix-identity';

/** Whom an organisation may speak for when it posts. */
export interface Voice {
  organisationId: string;
  /** Its own identity id. */
  own: string;
  /** Identities it may relay. */
  relayed: ReadonlySet<string>;
  /** It may relay every identity that is not an organisation's here. */
  anyOutside: boolean;
  /** The organisation each identity id here belongs to. */
  organisationOf: ReadonlyMap<string, string>;
}

export function voiceOf(organisationId: string, organisations: readonly Organisation[]): Voice {
  const organisationOf = new Map(organisations.map((o) => [identityIdOf(o), o.id]));
  const self = organisations.find((o) => o.id === organisationId);
  const relays = self?.relays ?? [];
  return {
    organisationId,
    own: identityIdOf(self ?? { id: organisationId }),
    relayed: new Set(relays.filter((id) => id !== ANY_OUTSIDE_IDENTITY)),
    anyOutside: relays.includes(ANY_OUTSIDE_IDENTITY),
    organisationOf,
  };
}

/** True when the organisation may publish objects created by this identity. */
export function maySpeakFor(voice: Voice, identityId: string): boolean {
  if (identityId === voice.own || voice.relayed.has(identityId)) return true;
  return voice.anyOutside && !voice.organisationOf.has(identityId);
}

/** Why the object's `created_by_ref` is not the poster's to give, or null. */
export function provenanceProblem(obj: Record<string, unknown>, voice: Voice): string | null {
  const creator = obj.created_by_ref;
  if (typeof creator !== 'string' || maySpeakFor(voice, creator)) return null;
  return `created_by_ref ${creator} is neither your organisation's identity (${voice.own}) nor one it may relay; an administrator can grant it`;
}

/** Why an object a collection requires to name its creator does not, or null (SCOs have no creator: STIX 2.1 §6). */
export function missingCreatorProblem(obj: Record<string, unknown>, isCyberObservable: boolean, voice: Voice): string | null {
  if (isCyberObservable || typeof obj.created_by_ref === 'string') return null;
  return `this collection requires created_by_ref: your organisation's identity is ${voice.own}`;
}
