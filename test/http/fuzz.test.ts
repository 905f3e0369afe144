/**
 * A property-based fuzzer over every operation of openapi.yaml
 * (docs/reliability.md#testing-it): generated requests (valid, hostile and random
 * path parameters, query parameters, Accept, Content-Type, credentials of each
 * role, bodies of the declared shape and mutations of them) against the real app
 * on a real SQLite store, fresh for each operation. Whatever the request, the
 * answer is never a 5xx, and its status, Content-Type and body are those the
 * operation declares.
 *
 * The seed is fixed (ACCORD_FUZZ_SEED changes it) and each operation gets a
 * bounded number of runs within a bounded time; ACCORD_FUZZ_RUNS sets the runs and
 * lifts the time bound, to fuzz for longer.
 */

import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import winston from 'winston';
import { Conformance } from '../support/conformance';
import { fuzzConfig, prepareFixtures, type Fixtures } from '../support/fuzz-fixtures';
import { fuzzCase, type FuzzCase } from '../support/fuzz-requests';
import { startTestServer, type TestServer } from '../support/harness';
import { operationAt, operations, type Operation } from '../support/openapi';
import { RawClient } from '../support/raw-client';

const SEED = Number(process.env.ACCORD_FUZZ_SEED ?? 1414);
const RUNS = process.env.ACCORD_FUZZ_RUNS === undefined ? undefined : Number(process.env.ACCORD_FUZZ_RUNS);
/** Per operation, without ACCORD_FUZZ_RUNS: 47 operations fit in about a minute on a 2-core machine. */
const DEFAULT_RUNS = 80;
const DEFAULT_TIME_LIMIT_MS = 700;
const MIN_RUNS = 3;

if (!Number.isSafeInteger(SEED)) throw new Error(`ACCORD_FUZZ_SEED must be an integer, not ${process.env.ACCORD_FUZZ_SEED}`);
if (RUNS !== undefined && !(Number.isSafeInteger(RUNS) && RUNS > 0)) throw new Error(`ACCORD_FUZZ_RUNS must be a positive integer, not ${process.env.ACCORD_FUZZ_RUNS}`);

const conformance = new Conformance();
const OPERATIONS = operations();

/** The server's error log lines (a 5xx's stack), to explain a failure. */
class ErrorLog {
  readonly lines: string[] = [];
  readonly logger = winston.createLogger({
    level: 'error',
    format: winston.format.json(),
    transports: [
      new winston.transports.Stream({
        stream: new Writable({
          write: (chunk, _encoding, done) => {
            this.lines.push(String(chunk).trim());
            done();
          },
        }),
      }),
    ],
  });
}

interface Target {
  server: TestServer;
  listener: Server;
  client: RawClient;
  fixtures: Fixtures;
  errors: ErrorLog;
}

async function startTarget(): Promise<Target> {
  const errors = new ErrorLog();
  const server = await startTestServer(fuzzConfig, { log: errors.logger });
  const listener = createServer(server.runtime.app);
  await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
  const client = new RawClient((listener.address() as AddressInfo).port);
  return { server, listener, client, errors, fixtures: await prepareFixtures(server) };
}

async function stopTarget(target: Target): Promise<void> {
  target.client.close();
  target.listener.closeAllConnections();
  await new Promise((done) => target.listener.close(done));
  await target.server.close();
}

/** How a case reads in fast-check's counterexample: the request as sent, its body cut short. */
function describeCase(c: FuzzCase): string {
  const { method, path, headers, body } = c.request;
  const text = body === undefined ? '' : body.toString('utf8');
  const shown = text.length > 300 ? `${text.slice(0, 300)}… (${body!.length} bytes)` : text;
  return [`${method} ${path.length > 300 ? `${path.slice(0, 300)}… (${path.length} chars)` : path}`, `as ${c.who}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), shown].join('\n  ');
}

describe.each(OPERATIONS.map((op) => [`${op.method} ${op.path} (${op.id})`, op] as const))('%s', (_name, op: Operation) => {
  test('when requests of every shape are sent, then none is a 5xx and each answer is the one openapi.yaml declares', async () => {
    const target = await startTarget();
    let runs = 0;
    try {
      const property = fc.asyncProperty(fuzzCase(op, target.fixtures).map((c) => Object.assign(c, { [fc.toStringMethod]: () => describeCase(c) })), async (c) => {
        target.errors.lines.length = 0;
        runs += 1;
        const res = await target.client.send(c.request);
        // A generated path may name another operation (an API root named `_health`): that one's promises apply.
        const reached = operationAt(OPERATIONS, c.request.method, c.request.path) ?? op;
        const problems = conformance.problems(reached, c.request.method, res);
        if (problems.length > 0) {
          const answer = res.body.toString('utf8').slice(0, 500);
          const replay = `replay: ACCORD_FUZZ_SEED=${SEED}${RUNS === undefined ? '' : ` ACCORD_FUZZ_RUNS=${RUNS}`} npx jest test/http/fuzz.test.ts -t '${op.id}'`;
          throw new Error([...problems, `answer: ${res.status} ${res.headers['content-type'] ?? ''} ${answer}`, ...target.errors.lines.slice(0, 3), replay].join('\n'));
        }
      });
      // A few cases whatever the time: on a loaded machine the time limit alone could leave none.
      if (RUNS === undefined) await fc.assert(property, { seed: SEED, numRuns: MIN_RUNS });
      await fc.assert(property, {
        seed: SEED,
        numRuns: RUNS ?? DEFAULT_RUNS,
        ...(RUNS === undefined ? { interruptAfterTimeLimit: DEFAULT_TIME_LIMIT_MS, markInterruptAsFailure: false } : {}),
      });
      expect(runs).toBeGreaterThan(0);
    } finally {
      await stopTarget(target);
    }
  }, RUNS === undefined ? 60_000 : 60_000 + RUNS * 1_000);
});
