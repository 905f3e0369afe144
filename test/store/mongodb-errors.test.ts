/**
 * MongoDB driver errors as a client sees them (issue 19 item 3), without a server: each class of
 * driver error, constructed as the driver builds it, mapped by the store's guard, then answered by
 * the real HTTP stack over a real SQLite store into which the mapped error is injected. The
 * driver's words (hosts, index names, stored values) go to the log under the request id, never
 * to the client.
 */

import { Writable } from 'node:stream';
import {
  MongoBulkWriteError,
  MongoError,
  MongoInvalidArgumentError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoStalePrimaryError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
  type BulkWriteResult,
  type TopologyDescription,
} from 'mongodb';
import winston from 'winston';
import { AccordError } from '../../src/errors';
import { statusOf } from '../../src/http/errors';
import { kindOfMongoError, type MongoErrorKind } from '../../src/store/mongodb/error-kinds';
import { guard } from '../../src/store/mongodb/transactions';
import { RW, startTestServer, type TestServer } from '../support/harness';

const HOST = 'db-7.internal.example:27017';
const DUPLICATE =
  'E11000 duplicate key error collection: accord.records index: records_by_version dup key: { collection: "c1", stixId: "indicator--secret-value" }';

function serverError(code: number, codeName: string, message: string, labels: string[] = []): MongoServerError {
  return new MongoServerError({ message, code, codeName, errorLabels: labels });
}

function selectionTimeout(): MongoServerSelectionError {
  const topology = { servers: new Map(), error: null } as unknown as TopologyDescription;
  return new MongoServerSelectionError(`Server selection timed out after 5000 ms: connect ECONNREFUSED ${HOST}`, topology);
}

/** What insertMany and bulkWrite throw when the command fails for another reason than its writes: the driver's error, wrapped. */
function inBulkWrite(error: MongoError): MongoBulkWriteError {
  return new MongoBulkWriteError(error, {} as BulkWriteResult);
}

const CASES: Array<[string, () => MongoError, MongoErrorKind]> = [
  ['a network error', () => new MongoNetworkError(`connection to ${HOST} closed`), 'transient'],
  ['a network timeout', () => new MongoNetworkTimeoutError(`connection timed out to ${HOST}`), 'transient'],
  ['a server selection timeout', selectionTimeout, 'transient'],
  ['a closed topology (shutting down)', () => new MongoTopologyClosedError(), 'transient'],
  ['NotWritablePrimary', () => serverError(10107, 'NotWritablePrimary', `not primary: ${HOST}`), 'transient'],
  ['NotPrimaryNoSecondaryOk', () => serverError(13435, 'NotPrimaryNoSecondaryOk', 'not primary and secondaryOk=false'), 'transient'],
  ['PrimarySteppedDown', () => serverError(189, 'PrimarySteppedDown', 'primary stepped down'), 'transient'],
  ['ShutdownInProgress', () => serverError(91, 'ShutdownInProgress', 'shutdown in progress'), 'transient'],
  ['InterruptedAtShutdown', () => serverError(11600, 'InterruptedAtShutdown', 'interrupted at shutdown'), 'transient'],
  ['a server closed under an operation', () => new MongoServerClosedError(), 'transient'],
  ['a stale primary after an election', () => new MongoStalePrimaryError('primary marked stale'), 'transient'],
  ['StaleConfig behind mongos', () => serverError(13388, 'StaleConfig', 'stale config'), 'transient'],
  ['StaleShardVersion behind mongos', () => serverError(63, 'StaleShardVersion', 'stale shard version'), 'transient'],
  ['ExceededTimeLimit', () => serverError(262, 'ExceededTimeLimit', 'operation exceeded time limit'), 'transient'],
  ['MaxTimeMSExpired', () => serverError(50, 'MaxTimeMSExpired', 'operation exceeded time limit'), 'transient'],
  [
    'a write concern timeout',
    () => new MongoWriteConcernError({ ok: 1, writeConcernError: { code: 64, codeName: 'WriteConcernFailed', errmsg: `waiting for replication timed out on ${HOST}` } }),
    'transient',
  ],
  ['a TransientTransactionError label', () => serverError(112, 'WriteConflict', 'Write conflict during plan execution', ['TransientTransactionError']), 'transient'],
  ['a RetryableWriteError label on an unknown code', () => serverError(99999, 'SomethingNew', 'retry me', ['RetryableWriteError']), 'transient'],
  ['BSONObjectTooLarge', () => serverError(10334, 'BSONObjectTooLarge', 'BSONObj size: 16912181 (0x1020F35) is invalid'), 'too_large'],
  ['an insert too large (BadValue)', () => serverError(2, 'BadValue', 'object to insert too large. size in bytes: 16777250, max size: 16777216'), 'too_large'],
  ['a bulk write the driver finds too large', () => new MongoInvalidArgumentError('Document is larger than the maximum size 16777216'), 'too_large'],
  ['an update result too large', () => serverError(17419, 'Location17419', 'Resulting document after update is larger than 16777216'), 'too_large'],
  ['a server selection timeout during a bulk write (wrapped by the driver)', () => inBulkWrite(selectionTimeout()), 'transient'],
  ['a network error during a bulk write outside a transaction (wrapped by the driver)', () => inBulkWrite(new MongoNetworkError(`connection to ${HOST} closed`)), 'transient'],
  ['a duplicate key in a bulk write', () => new MongoBulkWriteError({ message: DUPLICATE, code: 11000, writeErrors: [] }, {} as BulkWriteResult), 'internal'],
  ['a duplicate key that survived the retry', () => serverError(11000, 'DuplicateKey', DUPLICATE), 'internal'],
  ['BadValue', () => serverError(2, 'BadValue', 'unknown operator: $foo'), 'internal'],
  ['TypeMismatch', () => serverError(14, 'TypeMismatch', 'cannot apply $inc to a value of non-numeric type'), 'internal'],
  ['DocumentValidationFailure', () => serverError(121, 'DocumentValidationFailure', 'Document failed validation'), 'internal'],
  ['Unauthorized', () => serverError(13, 'Unauthorized', 'not authorized on accord to execute command'), 'internal'],
  ['an invalid argument', () => new MongoInvalidArgumentError('Option "foo" is not supported'), 'internal'],
];

const EXPECTED: Record<MongoErrorKind, { status: number; code: string; retryAfter: number | undefined; message: string }> = {
  transient: {
    status: 503,
    code: 'store_unavailable',
    retryAfter: 5,
    message: 'The store is unavailable for a moment (for example during a replica-set election); retry after the delay in Retry-After.',
  },
  too_large: {
    status: 413,
    code: 'payload_too_large',
    retryAfter: undefined,
    message: 'An object of this request, or its status, is larger than the store can keep in one document (16 MiB); split the envelope, or leave such an object out.',
  },
  internal: { status: 500, code: 'internal', retryAfter: undefined, message: 'The store refused the request; the error is logged under error_id.' },
};

describe('the class of each driver error', () => {
  test.each(CASES.map(([name, make, kind]) => ({ name, make, kind })))(
    'when the driver reports $name, then the store answers it as $kind, in its own words, the driver\'s kept as diagnostic',
    async ({ make, kind }) => {
      const driverError = make();
      expect(kindOfMongoError(driverError)).toBe(kind);
      const mapped = (await guard(async () => Promise.reject(driverError)).catch((error: unknown) => error)) as AccordError & { retryAfterSeconds?: number };
      const expected = EXPECTED[kind];
      expect(mapped).toBeInstanceOf(AccordError);
      expect([mapped.code, statusOf(mapped.code), mapped.message, mapped.retryAfterSeconds]).toEqual([expected.code, expected.status, expected.message, expected.retryAfter]);
      expect(mapped.diagnostic).toContain(driverError.message.slice(0, 40));
    },
  );

  test('when a transient error is mapped, then its diagnostic names the class, code name, code and labels', async () => {
    const mapped = await guard(async () => Promise.reject(serverError(112, 'WriteConflict', 'Write conflict', ['TransientTransactionError']))).catch((error: unknown) => error);
    expect(mapped).toMatchObject({ diagnostic: 'MongoServerError WriteConflict (112) [TransientTransactionError]: Write conflict' });
  });

  test('when a bulk write wrapped the driver error, then the diagnostic names both', async () => {
    const mapped = await guard(async () => Promise.reject(inBulkWrite(selectionTimeout()))).catch((error: unknown) => error);
    expect(mapped).toMatchObject({ diagnostic: expect.stringMatching(/^MongoBulkWriteError of MongoServerSelectionError: Server selection timed out/) as unknown });
  });

  test('when the work fails with something other than a driver error, then guard lets it through unchanged', async () => {
    const own = new TypeError('a bug of ours');
    await expect(guard(async () => Promise.reject(own))).rejects.toBe(own);
  });
});

describe('through the HTTP stack', () => {
  const lines: Array<Record<string, unknown>> = [];
  let server: TestServer;

  function captureLog(): winston.Logger {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    });
    return winston.createLogger({ level: 'info', format: winston.format.json(), transports: [new winston.transports.Stream({ stream: sink })] });
  }

  /** The real SQLite store, except that one read fails as the MongoDB store's guard would report the driver error. */
  function failReadsWith(driverError: MongoError): void {
    jest.spyOn(server.runtime.ctx.store, 'findObjectsText').mockImplementation(() => guard(async () => Promise.reject(driverError)));
  }

  beforeAll(async () => {
    server = await startTestServer(undefined, { log: captureLog() });
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => server.close());

  const objects = `/api1/collections/${RW}/objects/`;

  test('when the primary is gone, then the client gets 503 store_unavailable with Retry-After and our words; the log has the driver\'s under the request id', async () => {
    failReadsWith(serverError(10107, 'NotWritablePrimary', `not primary: ${HOST}`));
    const res = await server.get(objects);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({ error_code: 'store_unavailable', http_status: '503', description: EXPECTED.transient.message });
    expect(res.text).not.toContain('db-7');
    expect(res.text).not.toContain('NotWritablePrimary');
    const logged = lines.find((line) => line.request_id === res.body.error_id && line.message === 'request failed');
    expect(logged?.diagnostic).toBe(`MongoServerError NotWritablePrimary (10107): not primary: ${HOST}`);
  });

  test('when a duplicate key survives the retry, then the client gets 500 without Retry-After, and neither the index nor the key value', async () => {
    failReadsWith(serverError(11000, 'DuplicateKey', DUPLICATE));
    const res = await server.get(objects);
    expect(res.status).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(res.body).toMatchObject({ error_code: 'internal', description: EXPECTED.internal.message });
    for (const secret of ['records_by_version', 'indicator--secret-value', 'E11000', 'accord.records']) expect(res.text).not.toContain(secret);
    const logged = lines.find((line) => line.request_id === res.body.error_id && line.message === 'request failed');
    expect(String(logged?.diagnostic)).toContain('indicator--secret-value');
  });

  test('when the store finds a document too large, then the client gets 413 without Retry-After, and the refusal is logged with its diagnostic', async () => {
    failReadsWith(serverError(10334, 'BSONObjectTooLarge', `BSONObj size: 16912181 (0x1020F35) is invalid on ${HOST}`));
    const res = await server.get(objects);
    expect(res.status).toBe(413);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(res.body).toMatchObject({ error_code: 'payload_too_large', description: EXPECTED.too_large.message });
    expect(res.text).not.toContain('db-7');
    const logged = lines.find((line) => line.request_id === res.body.error_id);
    expect(logged).toMatchObject({ level: 'warn', message: 'request refused by the store' });
    expect(String(logged?.diagnostic)).toContain(HOST);
  });
});
