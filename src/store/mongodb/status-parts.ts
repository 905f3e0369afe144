/**
 * Statuses of any size (docs/deployment.md#objects-and-statuses-of-any-size). A
 * status resource lists every object of its request, so one for a large envelope
 * can pass the 16 MiB a document holds. Its JSON text stays in the status
 * document while it is short; a longer one goes, in parts, to `status_parts`,
 * written in the status's transaction, read back joined and purged with it.
 * Pure functions here; mongo-entities.ts does the reads and writes.
 */

import type { StoredStatus } from '../contract';
import type { StatusDoc, StatusPartDoc } from './schema';

/**
 * UTF-16 code units per part, and the longest text kept in the status document:
 * a code unit is at most 3 bytes of UTF-8, so a document stays under 12 MiB.
 */
export const STATUS_PART_CHARS = 4 * 1024 * 1024;

/** Digits of a part's number in its `_id`, so that `_id` order is part order. */
const PART_DIGITS = 7;

/**
 * `text` in pieces of at most `size` code units, never between the two halves of
 * a surrogate pair (a lone half would not survive UTF-8). One piece when it fits.
 */
export function splitText(text: string, size: number): string[] {
  if (size < 2) throw new RangeError('a part holds at least two code units');
  const pieces: string[] = [];
  for (let from = 0; from < text.length; ) {
    let to = Math.min(text.length, from + size);
    if (to < text.length && isHighSurrogate(text.charCodeAt(to - 1))) to -= 1;
    pieces.push(text.slice(from, to));
    from = to;
  }
  return pieces.length === 0 ? [''] : pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export function partId(statusId: string, n: number): string {
  return `${statusId}/${String(n).padStart(PART_DIGITS, '0')}`;
}

/** The parts of one status: a range of `_id` (the `status` field rules out another id sharing the prefix). */
export function partsOf(statusId: string): { _id: { $gte: string; $lt: string }; status: string } {
  return { _id: { $gte: `${statusId}/`, $lt: `${statusId}0` }, status: statusId };
}

/** The documents that keep a status: its own, and its parts when its text is longer than `partChars`. */
export function statusDocs(status: StoredStatus, partChars = STATUS_PART_CHARS): { doc: Omit<StatusDoc, '_id'>; parts: StatusPartDoc[] } {
  const text = JSON.stringify(status);
  if (text.length <= partChars) return { doc: { expiresAt: status.expiresAt, doc: text }, parts: [] };
  const pieces = splitText(text, partChars);
  return {
    doc: { expiresAt: status.expiresAt, doc: '', parts: pieces.length },
    parts: pieces.map((piece, n) => ({ _id: partId(status.id, n), status: status.id, n, text: piece })),
  };
}

/** The status a document keeps, given its parts in order; null when some are missing (purged meanwhile). */
export function statusFrom(doc: Pick<StatusDoc, 'doc' | 'parts'>, parts: ReadonlyArray<Pick<StatusPartDoc, 'n' | 'text'>> = []): StoredStatus | null {
  if (doc.parts === undefined) return JSON.parse(doc.doc) as StoredStatus;
  if (parts.length !== doc.parts || parts.some((part, i) => part.n !== i)) return null;
  return JSON.parse(parts.map((part) => part.text).join('')) as StoredStatus;
}
