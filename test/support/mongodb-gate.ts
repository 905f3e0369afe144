/**
 * Whether the tests that need a MongoDB server run. Every such suite asks here,
 * so that one rule decides: without MONGODB_URI a suite skips with one line
 * saying NOT RUN, unless ACCORD_REQUIRE_MONGODB=1 (the GitHub workflow), where it
 * fails instead; with MONGODB_URI a server that does not answer fails the suite
 * at once, with a message saying so, instead of after each test's timeout.
 */

import type { MongoClient } from 'mongodb';

export const REQUIRE_VARIABLE = 'ACCORD_REQUIRE_MONGODB';
const EXAMPLE_URI = 'mongodb://localhost:27017/?replicaSet=rs0&directConnection=true';
/** How long the first contact may take: well above a healthy server's, well below the driver's 30 s. */
const PROBE_MS = 10_000;

type Env = Record<string, string | undefined>;

export type MongoGate = { run: true; uri: string } | { run: false; required: boolean; reason: string };

/** True when the environment says the MongoDB suites must run (CI). */
export function isMongoRequired(env: Env = process.env): boolean {
  const value = env[REQUIRE_VARIABLE];
  return value === '1' || value === 'true';
}

export function mongoGate(env: Env = process.env): MongoGate {
  const uri = env.MONGODB_URI;
  if (uri !== undefined && uri.trim() !== '') return { run: true, uri };
  return { run: false, required: isMongoRequired(env), reason: 'MONGODB_URI is not set' };
}

/** Throws, saying why, unless a MongoDB server answers a ping at `uri` within `timeoutMs`. */
export async function assertMongoReachable(uri: string, timeoutMs = PROBE_MS): Promise<void> {
  let client: MongoClient | undefined;
  try {
    // Loaded here: the HTTP test files come through testStore and need no driver.
    const { MongoClient } = await import('mongodb');
    client = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
    await client.db('admin').command({ ping: 1 });
  } catch (error) {
    // The URI is not repeated: it may hold a password.
    throw new Error(`MongoDB at MONGODB_URI did not answer within ${timeoutMs / 1000} s: ${(error as Error).message}`);
  } finally {
    await client?.close();
  }
}

/** The Jest functions a gate registers with (replaced in the gate's own tests). */
export interface GateRegistrar {
  test(name: string, fn: () => void): void;
  skip(name: string, fn: () => void): void;
  beforeAll(fn: () => Promise<void>, timeoutMs: number): void;
  write(line: string): void;
}

const JEST: GateRegistrar = {
  test: (name, fn) => test(name, fn),
  skip: (name, fn) => test.skip(name, fn),
  beforeAll: (fn, timeoutMs) => beforeAll(fn, timeoutMs),
  write: (line) => process.stderr.write(line),
};

/**
 * Call where a MongoDB suite's tests are declared (a file's top level or a
 * describe): the URI to run them against, after a reachability check registered
 * in that block; or undefined, after registering one skipped test saying NOT RUN
 * (or, when required, one failing test), and then the suite declares nothing.
 */
export function mongoSuiteUri(suite: string, options: { env?: Env; jest?: GateRegistrar } = {}): string | undefined {
  const jest = options.jest ?? JEST;
  const gate = mongoGate(options.env);
  if (gate.run) {
    jest.beforeAll(() => assertMongoReachable(gate.uri), PROBE_MS + 5_000);
    return gate.uri;
  }
  if (gate.required) {
    const message = `${suite}: ${REQUIRE_VARIABLE}=1 but ${gate.reason}; the MongoDB suites must run here (e.g. MONGODB_URI=${EXAMPLE_URI})`;
    jest.test(`${suite}: required, but ${gate.reason}`, () => {
      throw new Error(message);
    });
    return undefined;
  }
  jest.write(`${suite} NOT RUN: ${gate.reason} (e.g. MONGODB_URI=${EXAMPLE_URI}).\n`);
  jest.skip(`${suite}: NOT RUN, ${gate.reason}`, () => undefined);
  return undefined;
}

export type TestStore = { backend: 'sqlite' } | { backend: 'mongodb'; uri: string };

/**
 * The store of the test servers (ACCORD_TEST_STORE): SQLite unless it says
 * mongodb, which then needs MONGODB_URI; never SQLite in its place, so that the
 * workflow's run of the HTTP suite on MongoDB cannot pass on SQLite.
 */
export function testStore(env: Env = process.env): TestStore {
  const wanted = env.ACCORD_TEST_STORE;
  if (wanted === undefined || wanted === '' || wanted === 'sqlite') return { backend: 'sqlite' };
  if (wanted !== 'mongodb') throw new Error(`ACCORD_TEST_STORE=${wanted}: expected sqlite or mongodb`);
  const gate = mongoGate(env);
  if (!gate.run) throw new Error(`ACCORD_TEST_STORE=mongodb but ${gate.reason}: the test servers would not run on MongoDB`);
  return { backend: 'mongodb', uri: gate.uri };
}
