/**
 * RFC 3986 §3 URI syntax, scanned once from left to right (docs/validation.md#common-properties:
 * a hand-written linear scanner, not one large regex). Returns why a value is not a
 * URI, or null when it is one.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { isHexDigit } from './identifier';

const MAX_URI_LENGTH = 65536;

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" */
function isUnreserved(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === 45 || c === 46 || c === 95 || c === 126;
}

/** sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "=" */
function isSubDelim(c: number): boolean {
  return c === 33 || c === 36 || (c >= 38 && c <= 44) || c === 59 || c === 61;
}

function describeChar(value: string, i: number): string {
  const cp = value.codePointAt(i) ?? 0;
  if (cp === 32) return 'space';
  if (cp < 32 || cp === 127) return `control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${String.fromCodePoint(cp)}'`;
}

/**
 * Scans `value[start, end)` where each character must be unreserved, pct-encoded,
 * a sub-delim or one of `extra`. Returns a reason or null.
 */
function scanChars(value: string, start: number, end: number, extra: string, part: string): string | null {
  for (let i = start; i < end; i++) {
    const c = value.charCodeAt(i);
    if (c === 37) {
      if (i + 2 >= end || !isHexDigit(value.charCodeAt(i + 1)) || !isHexDigit(value.charCodeAt(i + 2))) {
        return `bad percent-encoding at ${i} in the ${part}`;
      }
      i += 2;
      continue;
    }
    if (isUnreserved(c) || isSubDelim(c)) continue;
    if (extra.length > 0 && extra.includes(value[i] as string)) continue;
    return `${describeChar(value, i)} at ${i} is not allowed in the ${part}`;
  }
  return null;
}

function hostProblem(value: string, start: number, end: number): string | null {
  if (value.charCodeAt(start) === 91) {
    if (value.charCodeAt(end - 1) !== 93) return 'unclosed IP literal in the host';
    const literal = value.slice(start + 1, end - 1);
    if (literal.length > 0 && (literal[0] === 'v' || literal[0] === 'V')) {
      const dot = literal.indexOf('.');
      if (dot < 2 || dot === literal.length - 1) return 'bad IPvFuture literal in the host';
      for (let i = 1; i < dot; i++) if (!isHexDigit(literal.charCodeAt(i))) return 'bad IPvFuture literal in the host';
      return scanChars(literal, dot + 1, literal.length, ':', 'host');
    }
    return isIPv6(literal) && !literal.includes('%') ? null : 'bad IPv6 literal in the host';
  }
  const host = value.slice(start, end);
  if (host.length > 0 && isDigit(host.charCodeAt(0)) && /^[0-9.]+$/.test(host) && host.split('.').length === 4) {
    return isIPv4(host) ? null : 'bad IPv4 address in the host';
  }
  return scanChars(value, start, end, '', 'host');
}

function authorityProblem(value: string, start: number, end: number): string | null {
  const at = value.lastIndexOf('@', end - 1);
  let hostStart = start;
  if (at >= start) {
    const problem = scanChars(value, start, at, ':', 'user information');
    if (problem) return problem;
    hostStart = at + 1;
  }
  let hostEnd = end;
  if (value.charCodeAt(hostStart) === 91) {
    const close = value.indexOf(']', hostStart);
    if (close < 0 || close >= end) return 'unclosed IP literal in the host';
    hostEnd = close + 1;
    if (hostEnd < end && value.charCodeAt(hostEnd) !== 58) return `${describeChar(value, hostEnd)} at ${hostEnd} follows the IP literal`;
  } else {
    const colon = value.indexOf(':', hostStart);
    if (colon >= 0 && colon < end) hostEnd = colon;
  }
  const problem = hostProblem(value, hostStart, hostEnd);
  if (problem) return problem;
  for (let i = hostEnd + 1; i < end; i++) {
    if (!isDigit(value.charCodeAt(i))) return `${describeChar(value, i)} at ${i} is not allowed in the port`;
  }
  return null;
}

/** Why `value` is not an absolute RFC 3986 URI (with optional fragment), or null. */
export function uriProblem(value: string): string | null {
  const n = value.length;
  if (n === 0) return 'empty';
  if (n > MAX_URI_LENGTH) return 'longer than 64 KiB';
  if (!isAlpha(value.charCodeAt(0))) return 'missing scheme';
  let i = 1;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 58) break;
    if (!isAlpha(c) && !isDigit(c) && c !== 43 && c !== 45 && c !== 46) return 'missing scheme';
  }
  if (i >= n) return 'missing scheme';
  i++;
  let hashAt = value.indexOf('#', i);
  if (hashAt < 0) hashAt = n;
  let queryAt = value.indexOf('?', i);
  if (queryAt < 0 || queryAt > hashAt) queryAt = hashAt;
  let pathStart = i;
  if (value.startsWith('//', i)) {
    const authorityStart = i + 2;
    let authorityEnd = value.indexOf('/', authorityStart);
    if (authorityEnd < 0 || authorityEnd > queryAt) authorityEnd = queryAt;
    const problem = authorityProblem(value, authorityStart, authorityEnd);
    if (problem) return problem;
    pathStart = authorityEnd;
  }
  const pathProblem = scanChars(value, pathStart, queryAt, ':@/', 'path');
  if (pathProblem) return pathProblem;
  if (queryAt < hashAt) {
    const problem = scanChars(value, queryAt + 1, hashAt, ':@/?', 'query');
    if (problem) return problem;
  }
  if (hashAt < n) return scanChars(value, hashAt + 1, n, ':@/?', 'fragment');
  return null;
}
