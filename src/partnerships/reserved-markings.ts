/**
 * The nine published TLP marking definitions belong to everyone: a partner may
 * post one only exactly as published. Otherwise the first publisher of, say, the
 * TLP:RED id could make it read "TLP:CLEAR" (or a free statement) for every other
 * member, who resolve markings by id. The validator only advises on TLP 2.0
 * look-alikes (docs/validation.md#tlp, a SHOULD); this is the partnership's rule.
 */

import { compareTimestamps, isStixTimestamp } from '../stix/timestamp';
import { publishedTlpObjects } from '../stix/tlp';

const PUBLISHED = new Map(publishedTlpObjects().map((o) => [o.id as string, o]));
/** Properties a faithful copy may leave out. */
const OPTIONAL = new Set(['spec_version', 'name']);

/** Why the object misuses a published TLP id, or null. */
export function reservedMarkingProblem(obj: Record<string, unknown>): string | null {
  if (obj.type !== 'marking-definition' || typeof obj.id !== 'string') return null;
  const published = PUBLISHED.get(obj.id.toLowerCase());
  if (!published) return null;
  const difference = obj.id !== published.id ? 'the id must be written in lower case' : differenceFrom(obj, published);
  if (difference === null) return null;
  return `${obj.id} is the id of the published ${String(published.name)} marking definition; only that exact object may use it (${difference})`;
}

function differenceFrom(obj: Record<string, unknown>, published: Record<string, unknown>): string | null {
  // Own properties only: `key in` would also accept "constructor" and its like.
  for (const key of Object.keys(obj)) if (!Object.hasOwn(published, key)) return `property ${JSON.stringify(key)} is not part of it`;
  for (const [key, expected] of Object.entries(published)) {
    const value = obj[key];
    if (value === undefined && OPTIONAL.has(key)) continue;
    const same = key === 'created' ? isStixTimestamp(value) && compareTimestamps(value, expected as string) === 0 : sameJson(value, expected);
    if (!same) return `${key} must be ${JSON.stringify(expected)}`;
  }
  return null;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
