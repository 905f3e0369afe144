/**
 * STIX 2.1 timestamps (STIX 2.1 §3.2): `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, UTC, any
 * number of fraction digits. They are kept byte for byte and compared as exact
 * instants; JavaScript `Date` holds milliseconds only, so it is used solely for
 * whole-second calendar arithmetic, never for the fraction.
 */

const STIX_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;
/** Accord's bound on sub-second digits (far beyond any clock): keys stay fixed-width and checks linear. */
export const MAX_FRACTION_DIGITS = 32;

export interface TimestampParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Fraction digits as written, possibly empty. */
  fraction: string;
}

/** Splits a STIX timestamp, or returns null when its shape is wrong. */
export function splitTimestamp(value: string): TimestampParts | null {
  if (value.length > 20 + MAX_FRACTION_DIGITS + 1) return null;
  const m = STIX_TIMESTAMP.exec(value);
  return m ? partsOfMatch(m) : null;
}

/** The parts of a match whose groups 1-7 are year, month, day, hour, minute, second and fraction. */
export function partsOfMatch(m: RegExpExecArray): TimestampParts {
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
    fraction: m[7] ?? '',
  };
}

/** Why the parts are not a real instant, or null when they are. */
export function calendarProblem(p: TimestampParts): string | null {
  if (p.month < 1 || p.month > 12) return 'month out of range';
  if (p.day < 1 || p.day > daysInMonth(p.year, p.month)) return 'day out of range';
  if (p.hour > 23) return 'hour out of range';
  if (p.minute > 59) return 'minute out of range';
  // RFC 3339 allows a leap second, which can only follow 23:59 (Accord choice).
  if (p.second > 60 || (p.second === 60 && (p.hour !== 23 || p.minute !== 59))) return 'second out of range';
  return null;
}

export function isStixTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const parts = splitTimestamp(value);
  return parts !== null && calendarProblem(parts) === null;
}

/**
 * A fixed-width sortable key for an instant: 14 digits of date and time, then the
 * fraction without trailing zeros. Plain string comparison of two keys orders the
 * instants exactly at any precision, and equal instants (`…48Z`, `…48.000Z`) get
 * equal keys. Assumes a valid timestamp.
 */
export function timestampKey(value: string): string {
  const p = splitTimestamp(value);
  if (!p) throw new Error(`not a STIX timestamp: ${value}`);
  return keyOfParts(p);
}

export function keyOfParts(p: TimestampParts): string {
  return (
    String(p.year).padStart(4, '0') +
    pad2(p.month) +
    pad2(p.day) +
    pad2(p.hour) +
    pad2(p.minute) +
    pad2(p.second) +
    p.fraction.replace(/0+$/, '')
  );
}

/** Negative, zero or positive as `a` is before, at or after `b`, exactly. */
export function compareTimestamps(a: string, b: string): number {
  const ka = timestampKey(a);
  const kb = timestampKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Formats microseconds since the epoch as a TAXII timestamp with exactly six
 * fraction digits (TAXII 2.1 §2, timestamp type), e.g. `2026-11-23T12:00:00.123456Z`.
 */
export function formatMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString(); // …SS.mmmZ
  const sub = micros - ms * 1000;
  return `${iso.slice(0, -1)}${String(sub).padStart(3, '0')}Z`;
}

/** Microseconds since the epoch for valid parts; finer digits are truncated. */
export function microsOfParts(p: TimestampParts, offsetMinutes = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(p.year, p.month - 1, p.day);
  date.setUTCHours(p.hour, p.minute, Math.min(p.second, 59), 0);
  const micros = (date.getTime() - offsetMinutes * 60_000) * 1000 + (p.second === 60 ? 1_000_000 : 0);
  return micros + Number(p.fraction.slice(0, 6).padEnd(6, '0'));
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
