/**
 * What a MongoDB driver error means for the caller (docs/deployment.md#errors-timeouts-and-bounds).
 * Transient failures (no primary, a lost connection, a timeout) pass once the replica set
 * recovers: 503 with Retry-After. A document over MongoDB's 16 MiB limit comes from what the
 * client sent: 413. Anything else (a duplicate key the writer could not resolve, a bad value, a
 * refused validation, a missing right) is our fault and a retry would fail again: 500. The
 * caller reads our fixed words only; the driver's, which may name hosts, indexes and stored
 * values, travel as the error's diagnostic, for the log.
 */

import {
  MongoBulkWriteError,
  MongoClientClosedError,
  MongoError,
  MongoInvalidArgumentError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoStalePrimaryError,
  MongoTopologyClosedError,
} from 'mongodb';
import { AccordError, StoreUnavailableError } from '../../errors';

export type MongoErrorKind = 'transient' | 'too_large' | 'internal';

/** Long enough for a replica-set election (about 10 s) to be mostly over after one or two waits. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** Server codes that say "not now" rather than "never" (the driver's retryable codes and a few of our own waits). */
const TRANSIENT_CODES = new Set([
  6, // HostUnreachable
  46, // LockBusy (a sharded cluster's distributed lock)
  63, // StaleShardVersion
  7, // HostNotFound
  24, // LockTimeout
  43, // CursorNotFound: the cursor died with its server or connection
  50, // MaxTimeMSExpired: a commit over maxCommitTimeMS
  64, // WriteConcernFailed / WriteConcernTimeout: wtimeout passed before a majority had the write
  89, // NetworkTimeout
  91, // ShutdownInProgress
  112, // WriteConflict
  133, // FailedToSatisfyReadPreference
  134, // ReadConcernMajorityNotAvailableYet
  150, // StaleEpoch
  189, // PrimarySteppedDown
  202, // NetworkInterfaceExceededTimeLimit
  239, // SnapshotTooOld
  246, // SnapshotUnavailable
  251, // NoSuchTransaction
  262, // ExceededTimeLimit
  290, // TransactionExceededLifetimeLimitSeconds
  9001, // SocketException
  10058, // LegacyNotPrimary
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11601, // Interrupted
  11602, // InterruptedDueToReplStateChange
  13388, // StaleConfig
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

const TRANSIENT_LABELS = ['TransientTransactionError', 'UnknownTransactionCommitResult', 'RetryableWriteError', 'ResetPool'];

/** Driver errors raised while waiting for a server or a connection, or while the client closes. */
const TRANSIENT_CLASSES = [
  MongoNetworkError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoNotConnectedError,
  MongoClientClosedError,
  MongoOperationTimeoutError,
  // A server closed under an operation, and a primary found stale after an election: both pass.
  MongoServerClosedError,
  MongoStalePrimaryError,
];
/** Not exported by the driver: known by name. */
const TRANSIENT_NAMES = new Set(['MongoWaitQueueTimeoutError', 'MongoPoolClosedError']);

/** BSONObjectTooLarge, an update's or an upsert's result over the limit. */
const TOO_LARGE_CODES = new Set([10334, 17419, 17420]);
const BAD_VALUE = 2;

export function kindOfMongoError(thrown: MongoError): MongoErrorKind {
  const error = unwrapped(thrown);
  if (isTooLarge(error)) return 'too_large';
  if (TRANSIENT_CLASSES.some((kind) => error instanceof kind) || TRANSIENT_NAMES.has(error.name)) return 'transient';
  if (TRANSIENT_LABELS.some((label) => error.hasErrorLabel(label))) return 'transient';
  return codesOf(error).some((code) => TRANSIENT_CODES.has(code)) ? 'transient' : 'internal';
}

/** The error a client gets for a driver error: our words, the driver's in `diagnostic`. */
export function toStoreError(error: MongoError): AccordError {
  const diagnostic = describeMongoError(error);
  switch (kindOfMongoError(error)) {
    case 'transient':
      return new StoreUnavailableError('The store is unavailable for a moment (for example during a replica-set election); retry after the delay in Retry-After.', {
        retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
        diagnostic,
      });
    case 'too_large':
      return new AccordError(
        'payload_too_large',
        'Payload Too Large',
        'An object of this request, or its status, is larger than the store can keep in one document (16 MiB); split the envelope, or leave such an object out.',
        undefined,
        { diagnostic },
      );
    case 'internal':
      return new AccordError('internal', 'Internal Server Error', 'The store refused the request; the error is logged under error_id.', undefined, { diagnostic });
  }
}

/** Class, code name, code and labels, then the message: for the log, never the connection string (it may hold a password). */
export function describeMongoError(thrown: MongoError): string {
  const error = unwrapped(thrown);
  const wrapper = error === thrown ? '' : `${thrown.name} of `;
  const server = error instanceof MongoServerError ? error : undefined;
  const code = server?.codeName ? ` ${server.codeName} (${String(server.code)})` : error.code !== undefined ? ` (${String(error.code)})` : '';
  const labels = error.errorLabels.length > 0 ? ` [${error.errorLabels.join(', ')}]` : '';
  const message = error.message.length > 300 ? `${error.message.slice(0, 300)}…` : error.message;
  return `${wrapper}${error.name}${code}${labels}: ${message}`;
}

/**
 * The driver's own error behind a bulk write's: insertMany and bulkWrite wrap an
 * error that is not about their writes (no primary within the selection timeout,
 * a lost connection) in a MongoBulkWriteError, which keeps it as `errorResponse`
 * but loses its class.
 */
function unwrapped(error: MongoError): MongoError {
  return error instanceof MongoBulkWriteError && error.errorResponse instanceof MongoError ? error.errorResponse : error;
}

function isTooLarge(error: MongoError): boolean {
  if (error instanceof MongoInvalidArgumentError) return /larger than the maximum size/i.test(error.message);
  const codes = codesOf(error);
  // "object to insert too large" comes as BadValue.
  return codes.some((code) => TOO_LARGE_CODES.has(code)) || (codes.includes(BAD_VALUE) && /too large/i.test(error.message));
}

/** The top-level code and, on a write concern error, its own. */
function codesOf(error: MongoError): number[] {
  const codes = [Number(error.code)];
  const nested: unknown = error instanceof MongoServerError ? error.writeConcernError?.code : undefined;
  if (nested !== undefined) codes.push(Number(nested));
  return codes.filter(Number.isInteger);
}
