/**
 * Everything the MongoDB backend waits for has a bound (issue 19 item 5), checked without a
 * server: the driver options made from the configuration, the transaction loop that replaces
 * the driver's 120 s withTransaction (run on a real driver session whose work touches no
 * server, so that its commits are local), the write queue's bound and the health ping's.
 */

import { MongoClient, MongoError, MongoServerError } from 'mongodb';
import { buildConfig } from '../../src/config/load';
import { AccordError } from '../../src/errors';
import { mongoLimitsOf } from '../../src/store/index';
import { clientOptionsOf, DEFAULT_MONGO_LIMITS, transactionOptionsOf } from '../../src/store/mongodb/client-settings';
import { withinTime } from '../../src/store/mongodb/mongo-store';
import { afterFailure, guard, inTransaction, KeyedQueue, transactionPolicyOf } from '../../src/store/mongodb/transactions';

function labelled(message: string, ...labels: string[]): MongoServerError {
  return new MongoServerError({ message, code: 112, codeName: 'WriteConflict', errorLabels: labels });
}

describe('driver options', () => {
  test('when nothing is configured, then the configuration and the store agree on every default', () => {
    expect(mongoLimitsOf(buildConfig({}, 'min.yaml').store.mongodb)).toEqual(DEFAULT_MONGO_LIMITS);
  });

  test('when keys are configured in seconds, then the store receives milliseconds', () => {
    const config = buildConfig({ store: { mongodb: { server_selection_timeout_seconds: 2, transaction_timeout_seconds: 30, max_queued_writes: 50 } } }, 'x.yaml');
    expect(mongoLimitsOf(config.store.mongodb)).toMatchObject({ serverSelectionTimeoutMs: 2000, transactionTimeoutMs: 30_000, maxQueuedWrites: 50 });
  });

  test('when the client is made, then server selection, the pool wait, connecting and sockets are bounded as configured', () => {
    expect(clientOptionsOf(DEFAULT_MONGO_LIMITS)).toEqual({
      appName: 'accord',
      ignoreUndefined: true,
      serverSelectionTimeoutMS: 5000,
      waitQueueTimeoutMS: 5000,
      connectTimeoutMS: 10_000,
      socketTimeoutMS: 0,
      maxPoolSize: 100,
    });
  });

  test('when the options reach the driver, then it accepts them as they are', async () => {
    const client = new MongoClient('mongodb://127.0.0.1:1/?replicaSet=rs0', clientOptionsOf({ ...DEFAULT_MONGO_LIMITS, socketTimeoutMs: 60_000 }));
    expect(client.options).toMatchObject({ serverSelectionTimeoutMS: 5000, waitQueueTimeoutMS: 5000, connectTimeoutMS: 10_000, socketTimeoutMS: 60_000, maxPoolSize: 100 });
    await client.close();
  });

  test('when a transaction starts, then it writes with a majority bounded by wtimeout and commits within maxCommitTimeMS', () => {
    expect(transactionOptionsOf({ ...DEFAULT_MONGO_LIMITS, writeConcernTimeoutMs: 7000, commitTimeoutMs: 8000 })).toEqual({
      readConcern: { level: 'snapshot' },
      writeConcern: { w: 'majority', wtimeoutMS: 7000 },
      readPreference: 'primary',
      maxCommitTimeMS: 8000,
    });
  });
});

describe('transactions tried again until their deadline', () => {
  const client = new MongoClient('mongodb://127.0.0.1:1/?replicaSet=rs0', clientOptionsOf(DEFAULT_MONGO_LIMITS));
  afterAll(async () => client.close());

  test('when the work meets write conflicts, then it runs again until it succeeds', async () => {
    let runs = 0;
    const result = await inTransaction(client, async () => {
      runs += 1;
      if (runs < 3) throw labelled('Write conflict', 'TransientTransactionError');
      return 'done';
    });
    expect([result, runs]).toEqual(['done', 3]);
  });

  test('when the deadline has passed, then a transient failure is final and answered 503 with Retry-After', async () => {
    let runs = 0;
    const policy = transactionPolicyOf({ ...DEFAULT_MONGO_LIMITS, transactionTimeoutMs: 0 });
    const failed = await guard(() =>
      inTransaction(
        client,
        async () => {
          runs += 1;
          throw labelled('Write conflict', 'TransientTransactionError');
        },
        policy,
      ),
    ).catch((error: unknown) => error as AccordError & { retryAfterSeconds?: number });
    expect(runs).toBe(1);
    expect([failed.code, failed.retryAfterSeconds]).toEqual(['store_unavailable', 5]);
  });

  test('when the work fails for good, then it is not run again', async () => {
    let runs = 0;
    const bad = new MongoServerError({ message: 'unknown operator', code: 2, codeName: 'BadValue' });
    await expect(
      inTransaction(client, async () => {
        runs += 1;
        throw bad;
      }),
    ).rejects.toBe(bad);
    expect(runs).toBe(1);
  });

  test('when a commit fails, then an unknown outcome is committed again, a transient failure runs the work again, and nothing is tried after the deadline', () => {
    const unknown = labelled('commit outcome unknown', 'UnknownTransactionCommitResult');
    const expired = new MongoServerError({ message: 'operation exceeded time limit', code: 50, codeName: 'MaxTimeMSExpired', errorLabels: ['UnknownTransactionCommitResult'] });
    const transient = labelled('no such transaction', 'TransientTransactionError');
    expect(afterFailure(unknown, 'commit', true)).toBe('commit-again');
    expect(afterFailure(expired, 'commit', true)).toBe('fail');
    expect(afterFailure(transient, 'commit', true)).toBe('run-again');
    expect(afterFailure(transient, 'work', true)).toBe('run-again');
    expect(afterFailure(unknown, 'work', true)).toBe('fail');
    expect(afterFailure(unknown, 'commit', false)).toBe('fail');
    expect(afterFailure(transient, 'work', false)).toBe('fail');
    expect(afterFailure(new Error('ours'), 'work', true)).toBe('fail');
    expect(afterFailure(new MongoError('no label'), 'work', true)).toBe('fail');
  });
});

describe('the write queue and the health ping', () => {
  test('when the queue holds its limit, then one more write is refused with 503 and Retry-After, and taken again once one has settled', async () => {
    const queue = new KeyedQueue(2);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run('c1', () => held);
    const second = queue.run('c2', () => held);
    const refused = (await queue.run('c1', async () => 'third').catch((error: unknown) => error)) as AccordError & { retryAfterSeconds?: number };
    expect(refused).toBeInstanceOf(AccordError);
    expect([refused.code, refused.retryAfterSeconds, refused.message]).toEqual([
      'store_unavailable',
      5,
      'This server already has 2 writes waiting for the store; retry after the delay in Retry-After.',
    ]);
    release();
    await Promise.all([first, second]);
    await expect(queue.run('c1', async () => 'fourth')).resolves.toBe('fourth');
  });

  test('when a queued write fails, then its place is given back', async () => {
    const queue = new KeyedQueue(1);
    await expect(queue.run('c1', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run('c1', async () => 'next')).resolves.toBe('next');
  });

  test('when the ping does not answer within its bound, then it fails as unavailable; an answer in time passes through', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withinTime(never, 5)).rejects.toMatchObject({ code: 'store_unavailable', retryAfterSeconds: 5 });
    await expect(withinTime(Promise.resolve('pong'), 1000)).resolves.toBe('pong');
  });
});
