/**
 * Name checks used by the pattern rules: the object validator's own linear checks
 * (spec §5: no nested quantifiers; the OASIS type-name regex backtracks
 * exponentially), so a pattern and an object are judged by the same rules.
 */
import { isPropertyName as isObjectPropertyName } from '../formats';

export { isTypeName } from '../identifier';

/** Spec-defined property names shorter than the 3-character floor (spec §3.2). */
const SHORT_SPEC_NAMES = new Set(['id']);

/** Spec §3.2: 3-250 ASCII letters, digits or '_', starting with a letter (`id` is exempt from the floor). */
export function isPropertyName(name: string): boolean {
  return SHORT_SPEC_NAMES.has(name) || isObjectPropertyName(name);
}
