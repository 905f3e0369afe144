/**
 * Name checks used by the pattern rules: the object validator's own linear checks
 * (docs/validation.md#redos: no nested quantifiers; the OASIS type-name regex backtracks
 * exponentially), so a pattern and an object are judged by the same rules.
 */
import { isPropertyName as isObjectPropertyName } from '../formats';

export { isTypeName } from '../identifier';

/** Spec-defined property names shorter than the 3-character floor (docs/validation.md#properties). */
const SHORT_SPEC_NAMES = new Set(['id']);

/** docs/validation.md#properties: 3-250 ASCII letters, digits or '_', starting with a letter (`id` is exempt from the floor). */
export function isPropertyName(name: string): boolean {
  return SHORT_SPEC_NAMES.has(name) || isObjectPropertyName(name);
}
