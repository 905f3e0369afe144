/**
 * Name checks used by the pattern rules, as linear loops (spec §5: no nested
 * quantifiers; the OASIS type-name regex backtracks exponentially).
 */
import { isAsciiLetter, isDigit } from './cursor';

/** Spec §3.1: 3-250 chars of a-z, 0-9, '-'; starts with a letter; no empty '-' group, no trailing '-'. */
export function isTypeName(name: string): boolean {
  if (name.length < 3 || name.length > 250) return false;
  if (!isLowerLetter(name.charCodeAt(0))) return false;
  let previousHyphen = false;
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2d) {
      if (previousHyphen) return false;
      previousHyphen = true;
    } else if (isLowerLetter(c) || isDigit(c)) {
      previousHyphen = false;
    } else {
      return false;
    }
  }
  return !previousHyphen;
}

/** Spec-defined property names shorter than the 3-character floor (spec §3.2). */
const SHORT_SPEC_NAMES = new Set(['id']);

/** Spec §3.2: 3-250 ASCII letters, digits or '_', starting with a letter. */
export function isPropertyName(name: string): boolean {
  if (SHORT_SPEC_NAMES.has(name)) return true;
  if (name.length < 3 || name.length > 250) return false;
  if (!isAsciiLetter(name.charCodeAt(0))) return false;
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!isAsciiLetter(c) && !isDigit(c) && c !== 0x5f) return false;
  }
  return true;
}

function isLowerLetter(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}
