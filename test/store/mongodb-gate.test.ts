/**
 * The gate every MongoDB suite passes (test/support/mongodb-gate.ts), without a
 * server: what it registers with and without MONGODB_URI, in required mode and
 * not, and that an unreachable server or a missing URI is an error, never a
 * silent skip or a silent SQLite.
 */

import { assertMongoReachable, isMongoRequired, mongoGate, mongoSuiteUri, REQUIRE_VARIABLE, testStore, type GateRegistrar } from '../support/mongodb-gate';

interface Registered {
  kind: 'test' | 'skip' | 'beforeAll' | 'write';
  name: string;
  fn?: () => unknown;
}

function recorder(): { jest: GateRegistrar; registered: Registered[] } {
  const registered: Registered[] = [];
  return {
    registered,
    jest: {
      test: (name, fn) => registered.push({ kind: 'test', name, fn }),
      skip: (name, fn) => registered.push({ kind: 'skip', name, fn }),
      beforeAll: (fn) => registered.push({ kind: 'beforeAll', name: '', fn }),
      write: (line) => registered.push({ kind: 'write', name: line }),
    },
  };
}

const URI = 'mongodb://db:27017/?replicaSet=rs0';
/** Nothing listens on port 9 of the loopback (discard), so nothing answers there. */
const NOWHERE = 'mongodb://127.0.0.1:9/?directConnection=true';

describe('mongodb gate', () => {
  test.each([
    [{}, false],
    [{ [REQUIRE_VARIABLE]: '1' }, true],
    [{ [REQUIRE_VARIABLE]: 'true' }, true],
    [{ [REQUIRE_VARIABLE]: '0' }, false],
    [{ [REQUIRE_VARIABLE]: '' }, false],
  ])('when the environment is %j, then required is %s', (env, required) => {
    expect(isMongoRequired(env)).toBe(required);
  });

  test('when MONGODB_URI is missing or blank, then the gate says why it does not run; when set, it runs on it', () => {
    expect(mongoGate({})).toEqual({ run: false, required: false, reason: 'MONGODB_URI is not set' });
    expect(mongoGate({ MONGODB_URI: '  ', [REQUIRE_VARIABLE]: '1' })).toEqual({ run: false, required: true, reason: 'MONGODB_URI is not set' });
    expect(mongoGate({ MONGODB_URI: URI })).toEqual({ run: true, uri: URI });
  });

  test('when MONGODB_URI is missing and not required, then one skipped test and one line say NOT RUN and nothing else is declared', () => {
    const { jest, registered } = recorder();
    expect(mongoSuiteUri('Some suite', { env: {}, jest })).toBeUndefined();
    expect(registered.map((r) => r.kind)).toEqual(['write', 'skip']);
    expect(registered[0]!.name).toMatch(/^Some suite NOT RUN: MONGODB_URI is not set/);
    expect(registered[1]!.name).toBe('Some suite: NOT RUN, MONGODB_URI is not set');
  });

  test('when MONGODB_URI is missing and ACCORD_REQUIRE_MONGODB=1, then one test is registered and it fails, naming both variables', () => {
    const { jest, registered } = recorder();
    expect(mongoSuiteUri('Some suite', { env: { [REQUIRE_VARIABLE]: '1' }, jest })).toBeUndefined();
    expect(registered.map((r) => r.kind)).toEqual(['test']);
    expect(registered[0]!.name).toBe('Some suite: required, but MONGODB_URI is not set');
    expect(registered[0]!.fn).toThrow(/ACCORD_REQUIRE_MONGODB=1 but MONGODB_URI is not set/);
  });

  test('when MONGODB_URI is set, then the suite gets it after a reachability check, in either mode', () => {
    for (const env of [{ MONGODB_URI: URI }, { MONGODB_URI: URI, [REQUIRE_VARIABLE]: '1' }]) {
      const { jest, registered } = recorder();
      expect(mongoSuiteUri('Some suite', { env, jest })).toBe(URI);
      expect(registered.map((r) => r.kind)).toEqual(['beforeAll']);
    }
  });

  test('when the server at MONGODB_URI does not answer, then the reachability check fails, saying so without repeating the URI', async () => {
    const failure = assertMongoReachable(`${NOWHERE}&authSource=secret-word`, 300);
    await expect(failure).rejects.toThrow(/^MongoDB at MONGODB_URI did not answer within 0\.3 s/);
    await expect(failure).rejects.not.toThrow(/secret-word/);
  });

  test('when MONGODB_URI is not a MongoDB URI, then the reachability check fails too', async () => {
    await expect(assertMongoReachable('http://db:27017/', 300)).rejects.toThrow(/^MongoDB at MONGODB_URI did not answer/);
  });
});

describe('the test servers\' store', () => {
  test('when ACCORD_TEST_STORE is unset or sqlite, then test servers use SQLite, whatever MONGODB_URI says', () => {
    expect(testStore({})).toEqual({ backend: 'sqlite' });
    expect(testStore({ ACCORD_TEST_STORE: 'sqlite', MONGODB_URI: URI })).toEqual({ backend: 'sqlite' });
  });

  test('when ACCORD_TEST_STORE=mongodb and MONGODB_URI is set, then test servers use MongoDB there', () => {
    expect(testStore({ ACCORD_TEST_STORE: 'mongodb', MONGODB_URI: URI })).toEqual({ backend: 'mongodb', uri: URI });
  });

  test('when ACCORD_TEST_STORE=mongodb without MONGODB_URI, or names another store, then starting a test server throws instead of using SQLite', () => {
    expect(() => testStore({ ACCORD_TEST_STORE: 'mongodb' })).toThrow(/ACCORD_TEST_STORE=mongodb but MONGODB_URI is not set/);
    expect(() => testStore({ ACCORD_TEST_STORE: 'mongo', MONGODB_URI: URI })).toThrow(/expected sqlite or mongodb/);
  });
});
