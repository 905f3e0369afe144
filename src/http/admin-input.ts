/** Reading admin API request bodies: a JSON object under a small limit (its fields are checked by the action's schema, src/admin). */

import type { Request } from 'express';
import { AccordError, PayloadTooLargeError, UnprocessableContentError, UnsupportedMediaTypeError } from '../errors';
import { readBody } from './middleware/read-body';

const ADMIN_BODY_LIMIT = 64 * 1024;

export async function readJsonObject(req: Request): Promise<Record<string, unknown>> {
  requireJsonContentType(req);
  const bytes = await readBody(req, ADMIN_BODY_LIMIT).catch((error: unknown) => {
    // readBody's own message speaks of an API root's max_content_length and envelopes.
    if (error instanceof PayloadTooLargeError) throw new AccordError('payload_too_large', error.title, `An admin request body is at most ${ADMIN_BODY_LIMIT} bytes.`);
    throw error;
  });
  if (bytes.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new UnprocessableContentError(`The body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UnprocessableContentError('The body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

/**
 * Admin writes must say `Content-Type: application/json`, even with an empty body. A
 * browser cannot send that type to another site without a CORS preflight (which
 * Accord never grants), so a page elsewhere cannot use an administrator's cached
 * Basic credentials to submit a form (text/plain) that creates users or keys.
 */
function requireJsonContentType(req: Request): void {
  const type = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new UnsupportedMediaTypeError('Admin requests that change something take a JSON body: send Content-Type: application/json.');
  }
}
