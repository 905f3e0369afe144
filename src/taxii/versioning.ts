/**
 * What identifies a stored version of an object (TAXII 2.1 §3.4.1; docs/taxii.md#versioning).
 */

import { isStixTimestamp, timestampKey } from '../stix/timestamp';

export interface ObjectIdentity {
  id: string;
  type: string;
  /** `modified`, else `created`, verbatim; null when the object has neither. */
  version: string | null;
  versionKey: string | null;
  specVersion: string;
}

export type IdentityResult = { ok: true; identity: ObjectIdentity } | { ok: false; rule: string; pointer: string; reason: string };

/**
 * Reads the id, type, version and spec version the TAXII layer needs to store an
 * object. These checks hold whatever the validation profile, because a record
 * without them cannot be versioned or found again.
 */
export function identify(obj: Record<string, unknown>): IdentityResult {
  const { id, type } = obj;
  if (typeof type !== 'string' || type === '') return { ok: false, rule: 'required-property', pointer: '/type', reason: 'the object has no string type' };
  if (typeof id !== 'string' || id === '') return { ok: false, rule: 'required-property', pointer: '/id', reason: 'the object has no string id' };
  if (!id.startsWith(`${type}--`)) return { ok: false, rule: 'id-type-prefix', pointer: '/id', reason: `id prefix of ${quote(id)} differs from type ${quote(type)}` };
  // Marking definitions are never versioned (STIX 2.1 §7.2.1): a `modified` there is
  // ignored, and `created` is the version (docs/taxii.md#versioning).
  const versioned = type === 'marking-definition' ? (['created'] as const) : (['modified', 'created'] as const);
  for (const property of versioned) {
    const value = obj[property];
    if (value !== undefined && !isStixTimestamp(value)) {
      return {
        ok: false,
        rule: 'timestamp-format',
        pointer: `/${property}`,
        reason: `${quote(JSON.stringify(value) ?? String(value))} is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s+]Z); the version of the object cannot be read`,
      };
    }
  }
  const version = ((type === 'marking-definition' ? undefined : obj.modified) ?? obj.created ?? null) as string | null;
  return {
    ok: true,
    identity: {
      id,
      type,
      version,
      versionKey: version === null ? null : timestampKey(version),
      specVersion: specVersionOf(obj),
    },
  };
}

/**
 * The spec version of an object: its `spec_version`; otherwise 2.1 for an object
 * with neither `created` nor `modified` (an SCO, where the property is optional),
 * and 2.0 for anything else (STIX 2.0 had no `spec_version` on objects).
 */
export function specVersionOf(obj: Record<string, unknown>): string {
  if (typeof obj.spec_version === 'string') return obj.spec_version;
  return obj.created === undefined && obj.modified === undefined ? '2.1' : '2.0';
}

export function mediaTypeForSpecVersion(specVersion: string): string {
  return `application/stix+json;version=${specVersion}`;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
