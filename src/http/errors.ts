/**
 * The only place errors become HTTP: a status and a TAXII error resource
 * (TAXII 2.1 §3.6.1) with the TAXII Content-Type, on every failure path.
 */

import type { IncomingMessage } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import { AccordError, MethodNotAllowedError, RangeNotSatisfiableError, StoreUnavailableError, TooManyRequestsError, type ErrorCode } from '../errors';
import type { Logger } from '../log/logger';
import { TAXII20_MEDIA_TYPE } from '../taxii/media-types';
import { sendTaxii } from './respond';

const STATUS: Record<ErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  payload_too_large: 413,
  request_timeout: 408,
  unsupported_media_type: 415,
  bad_parameter: 400,
  unprocessable_content: 422,
  conflict: 409,
  range_not_satisfiable: 416,
  too_many_requests: 429,
  internal: 500,
  store_unavailable: 503,
  store_damaged: 503,
  config_invalid: 500,
};

export const ERROR_CODES = Object.keys(STATUS) as ErrorCode[];
/** One challenge per scheme Accord always accepts (docs/taxii.md#authentication): Basic, then API keys as Bearer. */
export const WWW_AUTHENTICATE = ['Basic realm="Accord", charset="UTF-8"', 'Bearer realm="Accord"'];

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const known = toAccordError(error);
    const status = statusOf(known.code);
    const requestId = req.accord?.id;
    // A damaged store is logged once, when it is found (docs/reliability.md#damaged-stores); the access log has each refusal.
    // A diagnostic (a database driver's words) goes to the log only, under the request id the caller gets as error_id.
    const diagnostic = known.diagnostic === undefined ? {} : { diagnostic: known.diagnostic };
    if (status >= 500 && known.code !== 'store_damaged') {
      log.error('request failed', { request_id: requestId, error: (error as Error)?.stack ?? String(error), ...diagnostic });
    } else if (known.diagnostic !== undefined) {
      log.warn('request refused by the store', { request_id: requestId, error: String(known), ...diagnostic });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (status === 401) res.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
    if (known instanceof MethodNotAllowedError) res.setHeader('Allow', known.allowed.join(', '));
    const retryAfter = known instanceof TooManyRequestsError || known instanceof StoreUnavailableError ? known.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    if (known instanceof RangeNotSatisfiableError) res.setHeader('Content-Range', `items */${known.total}`);
    if (known.code === 'payload_too_large' || known.code === 'request_timeout' || isLargeBodyPending(req)) res.setHeader('Connection', 'close');
    const body: Record<string, unknown> = {
      title: known.title,
      description: known.message,
      error_id: requestId,
      error_code: known.code,
      http_status: String(status),
    };
    if (known.details) body.details = known.details;
    // A TAXII 2.0 client gets its errors in the 2.0 type (same error resource shape).
    void sendTaxii(res, status, body, req.accord?.dialect === '2.0' ? TAXII20_MEDIA_TYPE : undefined);
  };
}

/** Bodies up to this size have usually arrived whole with their headers: draining them costs nothing. */
const SMALL_BODY_BYTES = 64 * 1024;

/**
 * A refused request whose large body is still arriving: Node would read it to its end to
 * keep the connection, so a slow body behind a 401 held its socket until the request
 * timeout (docs/reliability.md#connections). Closing instead also spares the client the upload.
 */
function isLargeBodyPending(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return length === undefined ? req.headers['transfer-encoding'] !== undefined : Number(length) > SMALL_BODY_BYTES;
}

function toAccordError(error: unknown): AccordError {
  if (error instanceof AccordError) return error;
  // Express's router cannot decode a path segment such as %FF: the caller's mistake,
  // answered the same whatever the path names, so it reveals nothing.
  if (error instanceof URIError || (error as { status?: unknown } | null)?.status === 400) {
    return new AccordError('bad_parameter', 'Bad Request', 'The URL path is not valid percent-encoded UTF-8.');
  }
  return new AccordError('internal', 'Internal Server Error', 'The server failed to process the request; the error is logged under error_id.');
}
