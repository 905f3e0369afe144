/**
 * STIX type names and identifiers (STIX 2.1 §2.9, §3.1), checked by hand-written
 * linear scans: the OASIS type pattern backtracks exponentially on near misses
 * (docs/validation.md#redos), so no regex with nested quantifiers is used here.
 */

export const TYPE_NAME_MIN = 3;
export const TYPE_NAME_MAX = 250;
const UUID_LENGTH = 36;

function isLowerAlpha(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * `^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$`, 3-250 characters, length checked first.
 * A trailing `-` is refused so that the `--` of an identifier stays unambiguous (Accord choice).
 */
export function isTypeName(value: string): boolean {
  const n = value.length;
  if (n < TYPE_NAME_MIN || n > TYPE_NAME_MAX) return false;
  if (!isLowerAlpha(value.charCodeAt(0))) return false;
  let previousDash = false;
  for (let i = 1; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 45) {
      if (previousDash) return false;
      previousDash = true;
    } else if (isLowerAlpha(c) || isDigit(c)) {
      previousDash = false;
    } else {
      return false;
    }
  }
  return !previousDash;
}

export interface UuidInfo {
  /** Version nibble, 1-8 for an accepted UUID. */
  version: number;
  /** True when some hex digit is upper case. */
  hasUpperCase: boolean;
}

/**
 * An 8-4-4-4-12 hex UUID with version nibble 1-8 and RFC 4122 variant (8, 9, a, b),
 * so the nil and max UUIDs fail (docs/validation.md#identifiers).
 */
export function parseUuid(value: string, start = 0): UuidInfo | null {
  if (value.length - start !== UUID_LENGTH) return null;
  let hasUpperCase = false;
  for (let i = 0; i < UUID_LENGTH; i++) {
    const c = value.charCodeAt(start + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return null;
    } else if (!isHexDigit(c)) {
      return null;
    } else if (c >= 65 && c <= 70) {
      hasUpperCase = true;
    }
  }
  const version = value.charCodeAt(start + 14) - 48;
  if (version < 1 || version > 8) return null;
  const variant = value.charCodeAt(start + 19) | 0x20;
  if (variant !== 56 && variant !== 57 && variant !== 97 && variant !== 98) return null;
  return { version, hasUpperCase };
}

export interface ParsedIdentifier {
  type: string;
  uuid: UuidInfo;
}

/** `<type>--<UUID>`; the type is everything before the first `--` (type names hold no `--`). */
export function parseIdentifier(value: string): ParsedIdentifier | null {
  if (value.length > TYPE_NAME_MAX + 2 + UUID_LENGTH) return null;
  const sep = value.indexOf('--');
  if (sep < 0) return null;
  const type = value.slice(0, sep);
  if (!isTypeName(type)) return null;
  const uuid = parseUuid(value, sep + 2);
  if (!uuid) return null;
  return { type, uuid };
}

export function isIdentifier(value: string): boolean {
  return parseIdentifier(value) !== null;
}

/** The prefix of something identifier-shaped, without validating it; null when there is no `--`. */
export function identifierPrefix(value: string): string | null {
  const sep = value.indexOf('--');
  return sep > 0 ? value.slice(0, sep) : null;
}
