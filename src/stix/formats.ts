/**
 * Value formats of STIX 2.1, each a linear scan with a length cap first, so that no
 * input can make a check backtrack (docs/validation.md#redos). The schemas name
 * these as ajv formats; the semantic rules call them directly.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { isHexDigit } from './identifier';

const NAME_MAX = 250;

function isAsciiAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAsciiAlnum(c: number): boolean {
  return isAsciiAlpha(c) || isDigit(c);
}

/** STIX 2.1 §3.1 property names: 3-250 ASCII letters, digits or `_`, starting with a letter. */
export function isPropertyName(value: string): boolean {
  const n = value.length;
  if (n < 3 || n > NAME_MAX || !isAsciiAlpha(value.charCodeAt(0))) return false;
  for (let i = 1; i < n; i++) {
    const c = value.charCodeAt(i);
    if (!isAsciiAlnum(c) && c !== 95) return false;
  }
  return true;
}

/** STIX 2.1 §11.1 custom property names: 3-250 of a-z, 0-9, `_`, starting with a letter. */
export function isCustomPropertyName(value: string): boolean {
  const n = value.length;
  if (n < 3 || n > NAME_MAX) return false;
  const first = value.charCodeAt(0);
  if (first < 97 || first > 122) return false;
  for (let i = 1; i < n; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || isDigit(c) || c === 95)) return false;
  }
  return true;
}

/** STIX 2.1 §2.3 dictionary keys: 1-250 of A-Z, a-z, 0-9, `_`, `-` (the SHOULD made a MUST, Accord). */
export function isDictionaryKey(value: string): boolean {
  const n = value.length;
  if (n < 1 || n > NAME_MAX) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (!isAsciiAlnum(c) && c !== 95 && c !== 45) return false;
  }
  return true;
}

/** `relationship_type`: 3-250 of a-z, 0-9, `-` (STIX 2.1 §5.1). */
export function isRelationshipType(value: string): boolean {
  const n = value.length;
  if (n < 3 || n > NAME_MAX) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || isDigit(c) || c === 45)) return false;
  }
  return true;
}

/** Lower-case words joined by single `-` (kill-chain names, open-vocabulary style). */
export function isLowerHyphenated(value: string): boolean {
  const n = value.length;
  if (n === 0) return false;
  let previousDash = true;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 45) {
      if (previousDash) return false;
      previousDash = true;
    } else if ((c >= 97 && c <= 122) || isDigit(c)) {
      previousDash = false;
    } else {
      return false;
    }
  }
  return !previousDash;
}

/** STIX 2.1 §2.7 hex: an even number of hex digits. */
export function isHex(value: string): boolean {
  if (value.length % 2 !== 0) return false;
  for (let i = 0; i < value.length; i++) if (!isHexDigit(value.charCodeAt(i))) return false;
  return true;
}

function isBase64Char(c: number): boolean {
  return isAsciiAlnum(c) || c === 43 || c === 47;
}

/** STIX 2.1 §2.1 binary: padded base64 (RFC 4648 §4). */
export function isBase64(value: string): boolean {
  const n = value.length;
  if (n % 4 !== 0) return false;
  let pad = 0;
  if (n > 0 && value.charCodeAt(n - 1) === 61) pad = n > 1 && value.charCodeAt(n - 2) === 61 ? 2 : 1;
  for (let i = 0; i < n - pad; i++) if (!isBase64Char(value.charCodeAt(i))) return false;
  return true;
}

/** RFC 6838 §4.2 restricted-name. */
function isRestrictedName(value: string, start: number, end: number): boolean {
  if (end - start < 1 || end - start > 127 || !isAsciiAlnum(value.charCodeAt(start))) return false;
  for (let i = start + 1; i < end; i++) {
    const c = value.charCodeAt(i);
    // ! # $ & - ^ _ . +
    if (!isAsciiAlnum(c) && c !== 33 && c !== 35 && c !== 36 && c !== 38 && c !== 45 && c !== 94 && c !== 95 && c !== 46 && c !== 43) {
      return false;
    }
  }
  return true;
}

/**
 * `type/subtype` (RFC 6838), optionally followed by `;`-separated parameters, which are
 * only required to be non-empty `name=value` pairs without control characters.
 */
export function isMediaType(value: string): boolean {
  if (value.length > 1024) return false;
  const semi = value.indexOf(';');
  const essence = semi < 0 ? value : value.slice(0, semi);
  const slash = essence.indexOf('/');
  if (slash < 0 || !isRestrictedName(essence, 0, slash) || !isRestrictedName(essence, slash + 1, essence.length)) return false;
  if (semi < 0) return true;
  for (const param of value.slice(semi + 1).split(';')) {
    const p = param.trim();
    const eq = p.indexOf('=');
    if (eq < 1 || eq === p.length - 1) return false;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 32 || c === 127) return false;
    }
  }
  return true;
}

/** RFC 6838 top-level types registered with IANA (for the `mime-type-registered` advisory). */
export const REGISTERED_TOP_LEVEL_TYPES: ReadonlySet<string> = new Set([
  'application', 'audio', 'example', 'font', 'haptics', 'image', 'message', 'model', 'multipart', 'text', 'video',
]);

/**
 * An IANA character-set name or alias in the syntax of RFC 2978 §2.3 (`mime-charset`:
 * 1-40 of letters, digits and `!#$%&'+-^_`{}~`).
 * Ambiguity: the IANA registry itself is not bundled, so a well-formed name passes.
 */
export function isCharsetName(value: string): boolean {
  const n = value.length;
  if (n < 1 || n > 40) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (isAsciiAlnum(c)) continue;
    // ! # $ % & ' + - ^ _ ` { } ~
    if (c === 33 || c === 35 || c === 36 || c === 37 || c === 38 || c === 39 || c === 43 || c === 45) continue;
    if (c === 94 || c === 95 || c === 96 || c === 123 || c === 125 || c === 126) continue;
    return false;
  }
  return true;
}

/**
 * CPE 2.3 formatted string (NISTIR 7695 §6.2): 13 parts split on unescaped `:`, `cpe`,
 * `2.3`, a part of `a`/`o`/`h`/`*`/`-`, then ten non-empty attributes of printable
 * ASCII whose backslashes each escape one character.
 */
export function isCpe23(value: string): boolean {
  if (value.length > 4096) return false;
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    const c = value.charCodeAt(i);
    if (c <= 32 || c >= 127) return false;
    if (ch === '\\') {
      if (i + 1 >= value.length) return false;
      current += ch + (value[i + 1] as string);
      i++;
    } else if (ch === ':') {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  if (parts.length !== 13 || parts[0] !== 'cpe' || parts[1] !== '2.3') return false;
  const part = parts[2];
  if (part !== 'a' && part !== 'o' && part !== 'h' && part !== '*' && part !== '-') return false;
  for (let i = 3; i < 13; i++) if ((parts[i] as string).length === 0) return false;
  return true;
}

/** STIX 2.1 §6.10: six lower-case hex pairs joined by `:`. */
export function isMacAddr(value: string): boolean {
  if (value.length !== 17) return false;
  for (let i = 0; i < 17; i++) {
    const c = value.charCodeAt(i);
    if (i % 3 === 2) {
      if (c !== 58) return false;
    } else if (!(isDigit(c) || (c >= 97 && c <= 102))) {
      return false;
    }
  }
  return true;
}

/** An IPv4 or IPv6 address with an optional `/prefix` (STIX 2.1 §6.8, §6.9); every RFC 4291 text form counts. */
export function ipProblem(value: string, version: 4 | 6): string | null {
  if (value.length > 64) return 'too long';
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const max = version === 4 ? 32 : 128;
  if (version === 4 ? !isIPv4(address) : !isIPv6(address) || address.includes('%')) return 'not an address';
  if (slash < 0) return null;
  const prefix = value.slice(slash + 1);
  if (prefix.length < 1 || prefix.length > 3) return 'bad prefix';
  for (let i = 0; i < prefix.length; i++) if (!isDigit(prefix.charCodeAt(i))) return 'bad prefix';
  return Number(prefix) <= max ? null : 'bad prefix';
}

export function isIPv4OrCidr(value: string): boolean {
  return ipProblem(value, 4) === null;
}

export function isIPv6OrCidr(value: string): boolean {
  return ipProblem(value, 6) === null;
}

function isLdhLabel(label: string): boolean {
  const n = label.length;
  if (n < 1 || n > 63) return false;
  if (label.charCodeAt(0) === 45 || label.charCodeAt(n - 1) === 45) return false;
  for (let i = 0; i < n; i++) {
    const c = label.charCodeAt(i);
    // Ambiguity: `_` is accepted (service labels such as `_dmarc` are common in intelligence).
    if (!isAsciiAlnum(c) && c !== 45 && c !== 95) return false;
  }
  return true;
}

/**
 * A domain name (STIX 2.1 §6.4): RFC 1034 labels of 1-63 characters, 253 in all, an
 * optional trailing dot; internationalised names must convert to ASCII (IDNA, via
 * `node:url`).
 */
export function isDomainName(value: string): boolean {
  if (value.length < 1 || value.length > 1024) return false;
  let ascii = value;
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 127) {
      ascii = domainToASCII(value);
      if (ascii === '') return false;
      break;
    }
  }
  if (ascii.endsWith('.')) ascii = ascii.slice(0, -1);
  if (ascii.length < 1 || ascii.length > 253) return false;
  for (const label of ascii.split('.')) if (!isLdhLabel(label)) return false;
  return true;
}

function isAtext(c: number): boolean {
  if (isAsciiAlnum(c)) return true;
  // Ambiguity: RFC 6532 §3.2 UTF-8 counts as atext, so internationalised addresses pass.
  if (c > 127) return true;
  // ! # $ % & ' * + - / = ? ^ _ ` { | } ~
  return '!#$%&\'*+-/=?^_`{|}~'.includes(String.fromCharCode(c));
}

function isDotAtom(value: string, start: number, end: number): boolean {
  if (end <= start) return false;
  let previousDot = true;
  for (let i = start; i < end; i++) {
    const c = value.charCodeAt(i);
    if (c === 46) {
      if (previousDot) return false;
      previousDot = true;
    } else if (isAtext(c)) {
      previousDot = false;
    } else {
      return false;
    }
  }
  return !previousDot;
}

/** RFC 5322 §3.4.1 addr-spec: no display name, comments or folding white space (STIX 2.1 §6.5). */
export function isEmailAddr(value: string): boolean {
  const n = value.length;
  if (n < 3 || n > 320) return false;
  let localEnd: number;
  if (value.charCodeAt(0) === 34) {
    let i = 1;
    for (; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c === 92) {
        i++;
        continue;
      }
      if (c === 34) break;
      if (c < 32 || c === 127) return false;
    }
    if (i >= n) return false;
    localEnd = i + 1;
    if (value.charCodeAt(localEnd) !== 64) return false;
  } else {
    localEnd = value.indexOf('@');
    if (localEnd < 1 || !isDotAtom(value, 0, localEnd)) return false;
  }
  const domainStart = localEnd + 1;
  if (domainStart >= n) return false;
  if (value.charCodeAt(domainStart) === 91) {
    if (value.charCodeAt(n - 1) !== 93) return false;
    for (let i = domainStart + 1; i < n - 1; i++) {
      const c = value.charCodeAt(i);
      if (c < 33 || c > 126 || c === 91 || c === 93 || c === 92) return false;
    }
    return true;
  }
  return isDotAtom(value, domainStart, n);
}

export interface HashForm {
  /** The vocabulary name (hash-algorithm-ov). */
  name: string;
  /** Words for messages. */
  form: string;
  check(value: string): boolean;
}

function hexOfLength(length: number): (value: string) => boolean {
  return (value) => value.length === length && isHex(value);
}

/** SSDEEP: `[A-Za-z0-9/+:.]{1,128}`. */
function isSsdeep(value: string): boolean {
  const n = value.length;
  if (n < 1 || n > 128) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (!isAsciiAlnum(c) && c !== 47 && c !== 43 && c !== 58 && c !== 46) return false;
  }
  return true;
}

/** hash-algorithm-ov (STIX 2.1 §10.5) and the value forms of docs/validation.md#scos. */
export const HASH_FORMS: readonly HashForm[] = [
  { name: 'MD5', form: '32 hex digits', check: hexOfLength(32) },
  { name: 'SHA-1', form: '40 hex digits', check: hexOfLength(40) },
  { name: 'SHA-256', form: '64 hex digits', check: hexOfLength(64) },
  { name: 'SHA-512', form: '128 hex digits', check: hexOfLength(128) },
  { name: 'SHA3-256', form: '64 hex digits', check: hexOfLength(64) },
  { name: 'SHA3-512', form: '128 hex digits', check: hexOfLength(128) },
  { name: 'SSDEEP', form: '1-128 of A-Z, a-z, 0-9, /, +, :, .', check: isSsdeep },
  // TLSH digests: 70 hex digits, or with the "T1" version prefix of TLSH 4.x (what
  // VirusTotal and MISP publish; 72 characters).
  { name: 'TLSH', form: '70 hex digits, optionally after T1', check: (v) => hexOfLength(70)(v.startsWith('T1') ? v.slice(2) : v) },
];

export const HASH_FORM_BY_NAME: ReadonlyMap<string, HashForm> = new Map(HASH_FORMS.map((h) => [h.name, h]));
