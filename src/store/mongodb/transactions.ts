/**
 * Transactions, in-process queues and error mapping for the MongoDB backend.
 *
 * Writers of one TAXII collection serialise on its counter document: each write
 * transaction updates it first, and MongoDB aborts a transaction that writes a
 * document another open transaction has written, or that changed after its
 * snapshot, with a TransientTransactionError (WriteConflict). inTransaction
 * then runs the work again after a growing random pause, so that several
 * processes do not retry in lock step.
 */

import { MongoError, MongoServerError, type ClientSession, type MongoClient, type TransactionOptions } from 'mongodb';
import { AccordError, StoreUnavailableError } from '../../errors';
import { DEFAULT_MONGO_LIMITS, transactionOptionsOf, type MongoLimits } from './client-settings';
import { STORE_RETRY_AFTER_SECONDS, toStoreError } from './error-kinds';

/** How transactions run on one client: their options and how long one may be tried again. */
export interface TransactionPolicy {
  options: TransactionOptions;
  timeoutMs: number;
}

export function transactionPolicyOf(limits: MongoLimits): TransactionPolicy {
  return { options: transactionOptionsOf(limits), timeoutMs: limits.transactionTimeoutMs };
}

const DEFAULT_POLICY = transactionPolicyOf(DEFAULT_MONGO_LIMITS);
/** Set once when the store opens its client, so that every inTransaction on it keeps the configured bounds. */
const policies = new WeakMap<MongoClient, TransactionPolicy>();

export function setTransactionPolicy(client: MongoClient, policy: TransactionPolicy): void {
  policies.set(client, policy);
}

const MAX_PAUSE_MS = 50;

/**
 * Runs work in a transaction, again after a TransientTransactionError, and commits again after an
 * UnknownTransactionCommitResult (a commit is idempotent), until the policy's timeout has passed;
 * then the last error stands (a transient one: 503). This is the driver's withTransaction with
 * our deadline instead of its fixed 120 s.
 */
export async function inTransaction<T>(client: MongoClient, work: (session: ClientSession) => Promise<T>, policy = policies.get(client) ?? DEFAULT_POLICY): Promise<T> {
  const session = client.startSession();
  const deadline = Date.now() + policy.timeoutMs;
  try {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await pause(Math.random() * Math.min(MAX_PAUSE_MS, 2 ** attempt));
      session.startTransaction(policy.options);
      let result: T;
      try {
        result = await work(session);
      } catch (error) {
        if (session.inTransaction()) await session.abortTransaction();
        if (afterFailure(error, 'work', Date.now() < deadline) === 'run-again') continue;
        throw error;
      }
      for (;;) {
        try {
          await session.commitTransaction();
          return result;
        } catch (error) {
          const next = afterFailure(error, 'commit', Date.now() < deadline);
          if (next === 'commit-again') continue;
          if (next === 'run-again') break;
          throw error;
        }
      }
    }
  } finally {
    await session.endSession();
  }
}

/**
 * What follows a failure in a transaction's work or commit, as the driver's withTransaction
 * decides it: a commit whose outcome is unknown is sent again, unless it ran out of
 * maxCommitTimeMS; a transient failure runs the whole transaction again; nothing is tried
 * again once the deadline has passed.
 */
export function afterFailure(error: unknown, stage: 'work' | 'commit', hasTime: boolean): 'run-again' | 'commit-again' | 'fail' {
  if (!hasTime || !(error instanceof MongoError)) return 'fail';
  if (stage === 'commit' && error.hasErrorLabel('UnknownTransactionCommitResult') && !isMaxTimeExpired(error)) return 'commit-again';
  return error.hasErrorLabel('TransientTransactionError') ? 'run-again' : 'fail';
}

/** MaxTimeMSExpired, at the top or inside a write concern error. */
function isMaxTimeExpired(error: MongoError): boolean {
  return error instanceof MongoServerError && (error.code === 50 || error.writeConcernError?.code === 50);
}

/** SnapshotTooOld, SnapshotUnavailable (e.g. a collection created after the chosen point in time). */
const SNAPSHOT_RETRY_CODES = new Set([239, 246]);
const SNAPSHOT_ATTEMPTS = 3;

/**
 * Reads at one point in time across several queries (MongoDB 5.0+ snapshot
 * sessions: majority-committed data as of the first read). A snapshot the
 * server cannot serve is tried again with a new session.
 */
export async function inSnapshot<T>(client: MongoClient, work: (session: ClientSession) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const session = client.startSession({ snapshot: true });
    try {
      return await work(session);
    } catch (error) {
      const retry = error instanceof MongoServerError && SNAPSHOT_RETRY_CODES.has(Number(error.code)) && attempt < SNAPSHOT_ATTEMPTS;
      if (!retry) throw error;
    } finally {
      await session.endSession();
    }
    await pause(10 * attempt);
  }
}

/**
 * Runs work for one key after the previous work for that key has settled, so
 * that the requests of one process do not conflict with each other; other
 * processes are serialised by the transactions themselves.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();
  /** Works queued or running, all keys together. */
  private pending = 0;

  /** At most `limit` works wait or run at once (docs/deployment.md#errors-timeouts-and-bounds); one more is refused with 503. */
  constructor(private readonly limit = DEFAULT_MONGO_LIMITS.maxQueuedWrites) {}

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    if (this.pending >= this.limit) {
      return Promise.reject(
        new StoreUnavailableError(`This server already has ${this.limit} writes waiting for the store; retry after the delay in Retry-After.`, {
          retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
        }),
      );
    }
    this.pending += 1;
    const previous = this.tails.get(key) ?? Promise.resolve();
    // The place is given back before the caller hears the outcome.
    const result = previous.then(work).finally(() => (this.pending -= 1));
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/** E11000: a unique index refused the write. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/** Maps driver failures to what the caller may read (error-kinds.ts); Accord's own errors pass through. */
export async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AccordError || !(error instanceof MongoError)) throw error;
    throw toStoreError(error);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
