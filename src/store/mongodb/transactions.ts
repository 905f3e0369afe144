/**
 * Transactions, in-process queues and error mapping for the MongoDB backend.
 *
 * Writers of one TAXII collection serialise on its counter document: each write
 * transaction updates it first, and MongoDB aborts a transaction that writes a
 * document another open transaction has written, or that changed after its
 * snapshot, with a TransientTransactionError (WriteConflict). The driver's
 * withTransaction then runs the work again; we add a growing random pause so
 * that several processes do not retry in lock step.
 */

import { MongoError, MongoServerError, type ClientSession, type MongoClient, type TransactionOptions } from 'mongodb';
import { AccordError, StoreUnavailableError } from '../../errors';

/** Snapshot reads, majority commit: what a transaction read is what it commits against. */
export const TRANSACTION_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

const MAX_PAUSE_MS = 50;

export async function inTransaction<T>(client: MongoClient, work: (session: ClientSession) => Promise<T>): Promise<T> {
  const session = client.startSession();
  let attempt = 0;
  try {
    // withTransaction retries the callback on TransientTransactionError and the
    // commit on UnknownTransactionCommitResult, for up to 120 s.
    return await session.withTransaction(async (s) => {
      if (attempt > 0) await pause(Math.random() * Math.min(MAX_PAUSE_MS, 2 ** attempt));
      attempt += 1;
      return work(s);
    }, TRANSACTION_OPTIONS);
  } finally {
    await session.endSession();
  }
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

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work);
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

/** Maps driver failures to StoreUnavailableError; Accord's own errors pass through. */
export async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AccordError || !(error instanceof MongoError)) throw error;
    throw new StoreUnavailableError(`The MongoDB store failed: ${describeMongoError(error)}`);
  }
}

/** Code name and message, never the connection string (it may hold a password). */
export function describeMongoError(error: MongoError): string {
  const code = error instanceof MongoServerError && error.codeName ? `${error.codeName}: ` : `${error.name}: `;
  const message = error.message.length > 300 ? `${error.message.slice(0, 300)}…` : error.message;
  return code + message;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
