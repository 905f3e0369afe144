/**
 * Hash value forms for literals compared with `hashes.<algorithm>` paths: the same
 * forms as in objects (hash-algorithm-ov, STIX 2.1 §10; docs/validation.md#scos).
 */
import { HASH_FORM_BY_NAME } from '../formats';

/** The vocabulary name of `name`, matched case-insensitively (docs/validation.md#pattern-rules), or null. */
export function hashAlgorithm(name: string): string | null {
  const upper = name.toUpperCase();
  return HASH_FORM_BY_NAME.has(upper) ? upper : null;
}

export function hashForm(algorithm: string): string {
  return HASH_FORM_BY_NAME.get(algorithm)?.form ?? 'a known hash form';
}

export function isHashValue(algorithm: string, value: string): boolean {
  return HASH_FORM_BY_NAME.get(algorithm)?.check(value) ?? false;
}
