/**
 * Writing responses with back-pressure (docs/reliability.md#memory): a body is
 * written a slice at a time, and the next slice waits until the socket has taken
 * the last one, so a slow reader holds its page and no more; a reader that goes
 * away ends the writing and lets the page go.
 *
 * TAXII responses get their Content-Type set by hand: `res.json` and
 * `res.send(string)` would append `; charset=utf-8`, and clients compare the TAXII
 * media type literally (docs/client-quirks.md#exact-content-type).
 */

import type { Response } from 'express';
import { TAXII_MEDIA_TYPE } from '../taxii/media-types';

/** The admin API and Accord's extensions answer plain JSON, as Express would type it. */
export const JSON_MEDIA_TYPE = 'application/json; charset=utf-8';

/** Characters per write: a long object is not copied whole into one write buffer. */
const SLICE = 64 * 1024;

/** Resolves once the body is written, or the client has gone; never rejects. */
export function sendTaxii(res: Response, status: number, body: string | string[] | Record<string, unknown> | null, mediaType = TAXII_MEDIA_TYPE): Promise<void> {
  // Our own list, emptied as it is written: the caller keeps no reference to the page.
  const parts = body === null ? [] : typeof body === 'string' ? [body] : Array.isArray(body) ? [...body] : [JSON.stringify(body)];
  res.status(status);
  res.setHeader('Content-Type', mediaType);
  res.setHeader('Content-Length', parts.reduce((sum, part) => sum + Buffer.byteLength(part, 'utf8'), 0));
  return writeParts(res, parts).catch(() => {
    res.destroy();
  });
}

/** Plain JSON through the same writer (the admin API, the tombstone feed). */
export function sendJson(res: Response, status: number, body: unknown): Promise<void> {
  return sendTaxii(res, status, JSON.stringify(body), JSON_MEDIA_TYPE);
}

async function writeParts(res: Response, parts: string[]): Promise<void> {
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    parts[i] = '';
    for (let start = 0; start < part.length; ) {
      const end = sliceEnd(part, start);
      if (res.destroyed) return;
      if (!res.write(part.slice(start, end), 'utf8') && !(await drained(res))) return;
      start = end;
    }
  }
  res.end();
}

/** Where a slice from `start` ends: never between the two halves of a surrogate pair, which UTF-8 cannot split. */
function sliceEnd(text: string, start: number): number {
  const end = Math.min(start + SLICE, text.length);
  if (end === text.length) return end;
  const last = text.charCodeAt(end - 1);
  return last >= 0xd800 && last <= 0xdbff ? end + 1 : end;
}

/** True once the socket wants more; false when the response closed first (the client went away). */
function drained(res: Response): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (open: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      res.off('error', onClose);
      resolve(open);
    };
    const onDrain = finish(true);
    const onClose = finish(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
    res.once('error', onClose);
  });
}
