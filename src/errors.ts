/**
 * One error hierarchy for the whole server. Domain code throws these; only
 * `src/http/errors.ts` turns them into HTTP statuses and TAXII error resources.
 * Rejected STIX objects are never exceptions: they become status failures.
 */

export type ErrorCode =
  | 'unauthenticated'
  | 'not_found'
  | 'forbidden'
  | 'method_not_allowed'
  | 'not_acceptable'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'request_timeout'
  | 'bad_parameter'
  | 'unprocessable_content'
  | 'conflict'
  | 'range_not_satisfiable'
  | 'too_many_requests'
  | 'internal'
  | 'store_unavailable'
  | 'store_damaged'
  | 'config_invalid';

export type ErrorDetails = Record<string, string | number | boolean | string[]>;

export class AccordError extends Error {
  /**
   * What went wrong in words not fit for the caller (a database driver's code and message, which
   * may name hosts, indexes and stored values): logged with the request id, never sent.
   */
  readonly diagnostic?: string;

  constructor(
    readonly code: ErrorCode,
    /** Short phrase for the TAXII error `title`. */
    readonly title: string,
    /** The cause and the fix, safe to show to the caller. */
    message: string,
    readonly details?: ErrorDetails,
    options: { diagnostic?: string } = {},
  ) {
    super(message);
    this.name = new.target.name;
    if (options.diagnostic !== undefined) this.diagnostic = options.diagnostic;
  }
}

/** An error as the log should have it: its name and message, then its diagnostic when it has one. */
export function logTextOf(error: unknown): string {
  const text = String(error);
  return error instanceof AccordError && error.diagnostic !== undefined ? `${text} (${error.diagnostic})` : text;
}

export class UnauthenticatedError extends AccordError {
  constructor(message = 'Valid credentials are required to use this server.') {
    super('unauthenticated', 'Unauthorized', message);
  }
}

export class NotFoundError extends AccordError {
  constructor(message = 'The requested resource does not exist.', details?: ErrorDetails) {
    super('not_found', 'Not Found', message, details);
  }
}

export class ForbiddenError extends AccordError {
  constructor(message: string) {
    super('forbidden', 'Forbidden', message);
  }
}

export class MethodNotAllowedError extends AccordError {
  constructor(readonly allowed: string[]) {
    super('method_not_allowed', 'Method Not Allowed', `This resource supports ${allowed.join(', ')} only.`, {
      allowed,
    });
  }
}

export class NotAcceptableError extends AccordError {
  constructor(message: string) {
    super('not_acceptable', 'Not Acceptable', message);
  }
}

export class UnsupportedMediaTypeError extends AccordError {
  constructor(message: string) {
    super('unsupported_media_type', 'Unsupported Media Type', message);
  }
}

export class PayloadTooLargeError extends AccordError {
  constructor(readonly limit: number) {
    super(
      'payload_too_large',
      'Payload Too Large',
      `The request body exceeds this API root's max_content_length of ${limit} bytes; split the envelope.`,
      { max_content_length: limit },
    );
  }
}

export class BadParameterError extends AccordError {
  constructor(parameter: string, value: string, reason: string) {
    super('bad_parameter', 'Bad Request', `Invalid ${parameter}: ${reason}`, { parameter, value: clip(value) });
  }
}

export class UnprocessableContentError extends AccordError {
  constructor(message: string) {
    super('unprocessable_content', 'Unprocessable Content', message);
  }
}

export class ConflictError extends AccordError {
  constructor(message: string) {
    super('conflict', 'Conflict', message);
  }
}

export class TooManyRequestsError extends AccordError {
  constructor(
    readonly retryAfterSeconds: number,
    message = `Too many failed logins; retry in ${retryAfterSeconds} s.`,
  ) {
    super('too_many_requests', 'Too Many Requests', message);
  }
}

/** The body arrived slower than the server's minimum rate (docs/reliability.md#connections). */
export class RequestTimeoutError extends AccordError {
  constructor(minBytesPerSecond: number, windowSeconds: number) {
    super(
      'request_timeout',
      'Request Timeout',
      `The request body arrived slower than ${minBytesPerSecond} bytes/s over ${windowSeconds} s; send it again over a faster link, or in smaller envelopes.`,
    );
  }
}

export class StoreUnavailableError extends AccordError {
  /** Sent as Retry-After when set: the failure is expected to pass (docs/deployment.md#errors-timeouts-and-bounds). */
  readonly retryAfterSeconds?: number;

  constructor(message: string, options: { retryAfterSeconds?: number; diagnostic?: string } = {}) {
    super('store_unavailable', 'Service Unavailable', message, undefined, options.diagnostic === undefined ? {} : { diagnostic: options.diagnostic });
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * The store holds damage (docs/reliability.md#damaged-stores): found at start-up, Accord
 * refuses to start; found while serving, the store refuses changes and serves what it can
 * still read.
 */
export class StoreDamagedError extends AccordError {
  constructor(message: string, details?: ErrorDetails) {
    super('store_damaged', 'Service Unavailable', message, details);
  }
}

/** The audit trail cannot be written: changes are refused until it can (docs/reliability.md#audit-trail). */
export class AuditUnavailableError extends StoreUnavailableError {}

/** TAXII 2.0 range paging (`Range: items=a-b`) asked for items past the end. */
export class RangeNotSatisfiableError extends AccordError {
  constructor(readonly total: number) {
    super('range_not_satisfiable', 'Range Not Satisfiable', `The collection holds ${total} matching objects; ask for items within 0-${Math.max(total - 1, 0)}.`);
  }
}

export class ConfigError extends AccordError {
  constructor(readonly problems: string[]) {
    super('config_invalid', 'Invalid configuration', `Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

function clip(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}
