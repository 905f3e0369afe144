/**
 * Writing TAXII responses with the Content-Type set by hand: `res.json` and
 * `res.send(string)` would append `; charset=utf-8`, and clients compare the TAXII
 * media type literally (checklist §1.1).
 */

import type { Response } from 'express';
import { TAXII_MEDIA_TYPE } from '../taxii/media-types';

export function sendTaxii(res: Response, status: number, body: string | Record<string, unknown> | null, mediaType = TAXII_MEDIA_TYPE): void {
  const text = body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.status(status);
  res.setHeader('Content-Type', mediaType);
  // Node writes the string straight to the socket: no Buffer copy of a page held beside it.
  res.setHeader('Content-Length', Buffer.byteLength(text, 'utf8'));
  res.end(text, 'utf8');
}
