/**
 * Hash value forms of spec §3.9 (hash-algorithm-ov, STIX 2.1 §10), used for
 * literals compared with `hashes.<algorithm>` paths.
 */
import { isAsciiLetter, isDigit, isHexDigit } from './cursor';

const HEX_DIGITS: ReadonlyMap<string, number> = new Map([
  ['MD5', 32],
  ['SHA-1', 40],
  ['SHA-256', 64],
  ['SHA-512', 128],
  ['SHA3-256', 64],
  ['SHA3-512', 128],
  ['TLSH', 70],
]);

const SSDEEP = 'SSDEEP';
const SSDEEP_MAX = 128;

/** The vocabulary name of `name`, matched case-insensitively (spec §4.3), or null. */
export function hashAlgorithm(name: string): string | null {
  const upper = name.toUpperCase();
  return HEX_DIGITS.has(upper) || upper === SSDEEP ? upper : null;
}

export function hashForm(algorithm: string): string {
  const digits = HEX_DIGITS.get(algorithm);
  return digits === undefined ? "1-128 of A-Z, a-z, 0-9, '/', '+', ':', '.'" : `${digits} hex digits`;
}

/** Hex in either case with the algorithm's length; SSDEEP `[A-Za-z0-9/+:.]{1,128}`. */
export function isHashValue(algorithm: string, value: string): boolean {
  const digits = HEX_DIGITS.get(algorithm);
  if (digits !== undefined) {
    if (value.length !== digits) return false;
    for (let i = 0; i < value.length; i++) if (!isHexDigit(value.charCodeAt(i))) return false;
    return true;
  }
  if (value.length < 1 || value.length > SSDEEP_MAX) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ok = isAsciiLetter(c) || isDigit(c) || c === 0x2f || c === 0x2b || c === 0x3a || c === 0x2e;
    if (!ok) return false;
  }
  return true;
}
