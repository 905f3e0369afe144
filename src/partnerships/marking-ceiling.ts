/**
 * The marking ceiling of a collection: the most restrictive TLP it accepts. An
 * object whose markings (object or granular) name a more restrictive published
 * TLP marking definition is refused, so a partner cannot overshare by mistake.
 * Only the published ids count (docs/validation.md#tlp: look-alike ids are not TLP).
 */

import { TLP1_MARKINGS, TLP2_MARKINGS, TLP_LEVELS, type TlpLevel } from '../stix/tlp';

/** TLP 1.0 WHITE means TLP 2.0 CLEAR; the other 1.0 levels keep their names. */
const LEVEL_OF_ID = new Map<string, { level: TlpLevel; name: string }>([
  ...TLP1_MARKINGS.map((m) => [m.id, { level: m.level === 'white' ? 'clear' : m.level, name: `${m.name} (TLP 1.0)` }] as const),
  ...TLP2_MARKINGS.map((m) => [m.id, { level: m.level, name: m.name }] as const),
]);

/** Why the object breaks the ceiling, or null when it does not. */
export function markingCeilingProblem(obj: Record<string, unknown>, ceiling: TlpLevel | undefined): string | null {
  if (ceiling === undefined) return null;
  const limit = TLP_LEVELS.indexOf(ceiling);
  for (const ref of markingRefs(obj)) {
    // UUIDs are case-insensitive (RFC 4122): an upper-case TLP:RED id is still TLP:RED.
    const tlp = LEVEL_OF_ID.get(ref.toLowerCase());
    if (tlp && TLP_LEVELS.indexOf(tlp.level) > limit) {
      return `marked ${tlp.name} (${ref}), more restrictive than this collection's ceiling TLP:${ceiling.toUpperCase()}; publish it to a collection that accepts it`;
    }
  }
  return null;
}

function markingRefs(obj: Record<string, unknown>): string[] {
  const refs: string[] = [];
  if (Array.isArray(obj.object_marking_refs)) {
    for (const ref of obj.object_marking_refs) if (typeof ref === 'string') refs.push(ref);
  }
  if (Array.isArray(obj.granular_markings)) {
    for (const marking of obj.granular_markings) {
      const ref = (marking as Record<string, unknown> | null)?.marking_ref;
      if (typeof ref === 'string') refs.push(ref);
    }
  }
  return refs;
}
