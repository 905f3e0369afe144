/**
 * Character-level scanners for the quoted literals of
 * docs/validation.md#pattern-grammar (`string`, `ts`, `hex`, `bin`). Each starts just
 * after the opening quote, stops after the closing one, and reports the first character
 * that breaks the grammar. Plain loops, so time is linear in the literal's length.
 */
import type { Position } from '../issues';
import { Cursor, isDigit, isHexDigit, isAsciiLetter } from './cursor';

/** A lexical error: where, what would have been acceptable, what was there. */
export interface LexProblem {
  position: Position;
  expected: string[];
  found: string;
}

export type ScanResult = { ok: true; value: string } | { ok: false; problem: LexProblem };

const QUOTE = 0x27;
const BACKSLASH = 0x5c;
const CLOSING_QUOTE = `"'"`;
const DIGIT = 'digit';

function problemHere(cur: Cursor, expected: string[]): ScanResult {
  return { ok: false, problem: { position: cur.position(), expected, found: cur.describeHere() } };
}

/** STIX 2.1 §9: strings escape only `'` and `\`; any other backslash is an error. */
export function scanString(cur: Cursor): ScanResult {
  let value = '';
  let runStart = cur.offset;
  for (;;) {
    const c = cur.code();
    if (c === -1) return problemHere(cur, [CLOSING_QUOTE]);
    if (c === QUOTE) {
      value += cur.src.slice(runStart, cur.offset);
      cur.bump();
      return { ok: true, value };
    }
    if (c === BACKSLASH) {
      const next = cur.code(1);
      if (next !== QUOTE && next !== BACKSLASH) {
        const position = cur.position();
        const cp = cur.src.codePointAt(cur.offset + 1);
        const found = cp === undefined ? `'\\'` : quoteEscape(String.fromCodePoint(cp));
        return { ok: false, problem: { position, expected: ['escape \\\'', 'escape \\\\'], found } };
      }
      value += cur.src.slice(runStart, cur.offset) + String.fromCharCode(next);
      cur.bump();
      cur.bump();
      runStart = cur.offset;
      continue;
    }
    cur.bump();
  }
}

function quoteEscape(next: string): string {
  const text = `\\${next}`;
  return text.includes("'") ? `"${text}"` : `'${text}'`;
}

/** `t'YYYY-MM-DDTHH:MM:SS[.fraction]Z'` (the grammar's `ts`); the calendar is checked later. */
export function scanTimestamp(cur: Cursor): ScanResult {
  const start = cur.offset;
  for (const expected of 'DDDD-DD-DDTDD:DD:DD') {
    const c = cur.code();
    if (expected === 'D') {
      if (!isDigit(c)) return problemHere(cur, [DIGIT]);
    } else if (c !== expected.charCodeAt(0)) {
      return problemHere(cur, [`'${expected}'`]);
    }
    cur.bump();
  }
  if (cur.code() === 0x2e) {
    cur.bump();
    if (!isDigit(cur.code())) return problemHere(cur, [DIGIT]);
    while (isDigit(cur.code())) cur.bump();
    if (cur.code() !== 0x5a) return problemHere(cur, ["'Z'", DIGIT]);
  } else if (cur.code() !== 0x5a) {
    return problemHere(cur, ["'.'", "'Z'"]);
  }
  cur.bump();
  const end = cur.offset;
  if (cur.code() !== QUOTE) return problemHere(cur, [CLOSING_QUOTE]);
  cur.bump();
  return { ok: true, value: cur.src.slice(start, end) };
}

/** `h'…'`: pairs of hex digits (the grammar's `hex`). */
export function scanHex(cur: Cursor): ScanResult {
  const start = cur.offset;
  for (let n = 0; ; n++) {
    const c = cur.code();
    if (c === QUOTE && n % 2 === 0) break;
    if (!isHexDigit(c)) return problemHere(cur, n % 2 === 0 ? [CLOSING_QUOTE, 'hex digit'] : ['hex digit']);
    cur.bump();
  }
  const value = cur.src.slice(start, cur.offset);
  cur.bump();
  return { ok: true, value };
}

const BASE64_CHAR = 'base64 character';

/** `b'…'`: padded base64, RFC 4648 alphabet (the grammar's `bin`). */
export function scanBinary(cur: Cursor): ScanResult {
  const start = cur.offset;
  let inGroup = 0;
  let padding = 0;
  for (;;) {
    const c = cur.code();
    if (padding > 0) {
      if (inGroup === 3 && padding === 1 && c === 0x3d) {
        padding++;
        inGroup = 0;
        cur.bump();
        continue;
      }
      if (inGroup === 0 && c === QUOTE) break;
      return problemHere(cur, inGroup === 3 ? ["'='"] : [CLOSING_QUOTE]);
    }
    if (inGroup === 0 && c === QUOTE) break;
    if (isBase64Char(c)) {
      inGroup = (inGroup + 1) % 4;
      cur.bump();
      continue;
    }
    if (c === 0x3d && inGroup >= 2) {
      padding = 1;
      inGroup = (inGroup + 1) % 4;
      cur.bump();
      continue;
    }
    if (inGroup === 0) return problemHere(cur, [CLOSING_QUOTE, BASE64_CHAR]);
    return problemHere(cur, inGroup >= 2 ? ["'='", BASE64_CHAR] : [BASE64_CHAR]);
  }
  const value = cur.src.slice(start, cur.offset);
  cur.bump();
  return { ok: true, value };
}

function isBase64Char(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 0x2b || c === 0x2f;
}
