/**
 * Writing TAXII responses with the Content-Type set by hand: `res.json` and
 * `res.send(string)` would append `; charset=utf-8`, and clients compare the TAXII
 * media type literally (docs/client-quirks.md#exact-content-type).
 */

import type { Response } from 'express';
import { TAXII_MEDIA_TYPE } from '../taxii/media-types';

export function sendTaxii(res: Response, status: number, body: string | string[] | Record<string, unknown> | null, mediaType = TAXII_MEDIA_TYPE): void {
  const parts = body === null ? [] : typeof body === 'string' ? [body] : Array.isArray(body) ? body : [JSON.stringify(body)];
  res.status(status);
  res.setHeader('Content-Type', mediaType);
  res.setHeader('Content-Length', parts.reduce((sum, part) => sum + Buffer.byteLength(part, 'utf8'), 0));
  // Written part by part, straight to the socket: no string or Buffer of a whole page.
  for (const part of parts) res.write(part, 'utf8');
  res.end();
}
