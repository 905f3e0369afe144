/**
 * Builds a real Accord (real Express app, real SQLite file in a temp directory)
 * for one test file, and reopens it on the same data to test restarts.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { buildConfig } from '../../src/config/load';
import { ADMIN_ACTIONS } from '../../src/admin/index';
import type { Config } from '../../src/config/types';
import { createRuntime, type Runtime } from '../../src/runtime';
import type { MicroClock } from '../../src/store/clock';
import type { Logger } from '../../src/log/logger';
import { testStore } from './mongodb-gate';

/** The hash of "accord-demo"; every test user has this password. */
export const PASSWORD = 'accord-demo';
export const PASSWORD_HASH = 'scrypt$32768$8$1$AWKIQbEpg95WivaIWyrQLg==$pVWgzTLN0semE7tOArgpJ4JzFsT4j+AMJXtkpIsxM4c=';

export const RW = '11111111-1111-4111-8111-111111111111';
export const SECOND = '22222222-2222-4222-8222-222222222222';
export const OTHER = '44444444-4444-4444-8444-444444444444';

export const TAXII = 'application/taxii+json;version=2.1';

const org = (id: string, ...usernames: string[]) => ({
  id,
  name: `Organisation ${id}`,
  users: usernames.map((username) => ({ username, password_hash: PASSWORD_HASH, admin: username === 'root' })),
});

/**
 * The store a test server uses: a SQLite file in `dataDir`, or, when
 * ACCORD_TEST_STORE=mongodb (the GitHub workflow), a fresh MongoDB database at
 * MONGODB_URI named after the directory, so the whole HTTP suite also runs on
 * MongoDB; without MONGODB_URI that is an error, never SQLite in its place.
 */
export function testStoreConfig(dataDir: string): Record<string, unknown> {
  const store = testStore();
  if (store.backend === 'sqlite') return { data_dir: dataDir };
  return { data_dir: dataDir, backend: 'mongodb', mongodb: { uri: store.uri, database: mongoDatabaseFor(dataDir) } };
}

function mongoDatabaseFor(dataDir: string): string {
  return `accord_test_${dataDir.replace(/[^A-Za-z0-9]/g, '').slice(-24)}`;
}

async function dropTestStore(dataDir: string): Promise<void> {
  const store = testStore();
  if (store.backend === 'sqlite') return;
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(store.uri);
  try {
    await client.db(mongoDatabaseFor(dataDir)).dropDatabase();
  } finally {
    await client.close();
  }
}

/**
 * Partnership "api1": alpha (alice) publisher, gamma (carol) consumer, delta (dave)
 * steward; collections RW ("rw") and SECOND ("second"). Partnership "api2": beta
 * (bob) steward; collection OTHER. Mallory's organisation belongs to nothing;
 * root is a server administrator in "ops".
 */
export function standardConfig(dataDir: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    log: { level: 'silent' },
    store: testStoreConfig(dataDir),
    taxii: { discovery: { title: 'Test server', default: 'api1' } },
    seed: {
      // alpha republishes outside feeds (ATT&CK, MISP instances): it may relay any outside identity.
      organisations: [{ ...org('alpha', 'alice'), relays: [{ identity_id: '*' }] }, org('beta', 'bob'), org('gamma', 'carol'), org('delta', 'dave'), org('mallory-org', 'mallory'), org('ops', 'root')],
      partnerships: [
        {
          path: 'api1',
          title: 'API root one',
          kind: 'working_group',
          max_content_length: 1_000_000,
          members: [
            { organisation: 'alpha', role: 'publisher' },
            { organisation: 'gamma', role: 'consumer' },
            { organisation: 'delta', role: 'steward' },
          ],
          collections: [
            { id: RW, alias: 'rw', title: 'Read-write' },
            { id: SECOND, alias: 'second', title: 'Second collection' },
          ],
        },
        {
          path: 'api2',
          title: 'API root two',
          kind: 'bilateral',
          members: [{ organisation: 'beta', role: 'steward' }],
          collections: [{ id: OTHER, title: 'Bob only' }],
        },
      ],
    },
    ...overrides,
  };
}

export interface TestServer {
  runtime: Runtime;
  config: Config;
  dataDir: string;
  /** Authenticated GET/POST/DELETE helpers through supertest. */
  get(path: string, user?: string): request.Test;
  post(path: string, body: unknown, user?: string): request.Test;
  del(path: string, user?: string): request.Test;
  raw(): ReturnType<typeof request>;
  /** Performs an admin action (by name, e.g. `keys.issue`) as the local operator, as the CLI would. */
  operate(action: string, input: Record<string, unknown>): Promise<any>;
  /** Closes this runtime and opens a new one on the same data directory. */
  restart(): Promise<TestServer>;
  close(): Promise<void>;
}

export async function startTestServer(
  makeConfig: (dataDir: string) => Record<string, unknown> = standardConfig,
  options: { clock?: MicroClock; dataDir?: string; log?: Logger; sliceMs?: number } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'accord-test-'));
  const config = buildConfig(makeConfig(dataDir), 'test configuration');
  const runtime = await createRuntime(config, {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.sliceMs !== undefined ? { sliceMs: options.sliceMs } : {}),
  });
  const agent = () => request(runtime.app);
  const server: TestServer = {
    runtime,
    config,
    dataDir,
    get: (path, user = 'alice') => agent().get(path).auth(user, PASSWORD).set('Accept', TAXII),
    post: (path, body, user = 'alice') =>
      agent()
        .post(path)
        .auth(user, PASSWORD)
        .set('Accept', TAXII)
        .set('Content-Type', TAXII)
        .send(typeof body === 'string' ? body : JSON.stringify(body)),
    del: (path, user = 'alice') => agent().delete(path).auth(user, PASSWORD).set('Accept', TAXII),
    raw: agent,
    operate: (name, input) => {
      const action = ADMIN_ACTIONS.find((a) => a.name === name);
      if (!action) throw new Error(`no admin action ${name}`);
      return runtime.admin.perform(action, 'cli', input);
    },
    restart: async () => {
      await runtime.close();
      return startTestServer(makeConfig, { ...options, dataDir });
    },
    close: async () => {
      await runtime.close();
      await dropTestStore(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** Parses a TAXII response body (supertest does not parse application/taxii+json). */
export function body(res: { text: string }): Record<string, any> {
  return res.text === '' ? {} : JSON.parse(res.text);
}
