/**
 * Writing TAXII responses. The body is sent as a Buffer with the Content-Type set
 * by hand: `res.json` and `res.send(string)` would append `; charset=utf-8`, and
 * clients compare the TAXII media type literally (checklist §1.1).
 */

import type { Response } from 'express';
import { TAXII_MEDIA_TYPE } from '../taxii/media-types';

export function sendTaxii(res: Response, status: number, body: string | Record<string, unknown> | null, mediaType = TAXII_MEDIA_TYPE): void {
  const text = body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.status(status);
  res.setHeader('Content-Type', mediaType);
  res.end(Buffer.from(text, 'utf8'));
}
