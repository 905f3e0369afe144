/** Configuration: defaults, environment overrides, and one case per bad key naming the key and its source. */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig, loadConfig } from '../../src/config/load';
import { DEMO_CONFIG_PATH } from '../../src/paths';
import { ConfigError } from '../../src/errors';
import { MAX_STORED_OBJECT_BYTES } from '../../src/store/contract';
import { standardConfig } from '../support/harness';

function problems(doc: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    buildConfig(doc, 'test.yaml', env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/**
 * The test configuration on the default (SQLite) store, whatever ACCORD_TEST_STORE
 * says: these tests are about reading configuration, and the MongoDB run of the
 * suite must not change what they read.
 */
function baseConfig(): Record<string, any> {
  return { ...structuredClone(standardConfig('/tmp/x')), store: { data_dir: '/tmp/x' } };
}

function withChange(change: (doc: any) => void): Record<string, unknown> {
  const doc = baseConfig();
  change(doc);
  return doc;
}

test('when the demo configuration is loaded, then it is valid and has defaults filled in', () => {
  const config = loadConfig(DEMO_CONFIG_PATH, {});
  expect(config.server.port).toBe(8000);
  expect(config.seed.partnerships.map((p) => p.path)).toEqual(['northwind-interpol', 'asean-c2']);
  expect(config.seed.organisations.map((o) => o.id)).toEqual(['interpol-cyber', 'northwind', 'kestrel', 'national-police', 'accord-ops']);
  expect(Object.isFrozen(config.seed.partnerships[0])).toBe(true);
});

test('when a minimal configuration is given, then every default applies', () => {
  const config = buildConfig({}, 'min.yaml');
  expect(config.server).toEqual({
    host: '127.0.0.1',
    port: 8000,
    trust_proxy: false,
    shutdown_timeout_seconds: 10,
    max_connections: 1000,
    max_connections_per_address: 100,
    headers_timeout_seconds: 10,
    request_timeout_seconds: 300,
    body_min_bytes_per_second: 1024,
    body_rate_window_seconds: 20,
    keep_alive_timeout_seconds: 65,
  });
  expect(config.store).toEqual({
    backend: 'sqlite',
    data_dir: 'data',
    sqlite: { file: 'accord.db', synchronous: 'FULL', cache_mb: 32, check_on_start: 'quick', check_wait_seconds: 1 },
    mongodb: {
      database: 'accord',
      server_selection_timeout_seconds: 5,
      connect_timeout_seconds: 10,
      socket_timeout_seconds: 0,
      max_pool_size: 100,
      write_concern_timeout_seconds: 10,
      commit_timeout_seconds: 10,
      transaction_timeout_seconds: 10,
      health_timeout_seconds: 2,
      max_queued_writes: 1000,
    },
  });
  expect(config.taxii.default_page_size).toBe(1000);
  expect(config.taxii.max_page_size).toBe(1000);
  expect(config.taxii.status_retention_hours).toBe(168);
  expect(config.taxii.max_content_length).toBe(16777216);
  expect(config.taxii.max_object_size).toBe(10485760);
  expect(config.taxii.page_budget_bytes).toBe(4194304);
  expect(config.validation.profile).toBe('standard');
  expect(config.auth).toEqual({ api_key_header: 'X-API-Key', scrypt: { n: 32768, p: 1 }, failed_logins: { per_source: 30, per_account: 10, window_seconds: 600 } });
  expect(config.seed).toEqual({ organisations: [], partnerships: [] });
});

test('when PORT, HOST, ACCORD_DATA_DIR and ACCORD_LOG_LEVEL are set, then they override the file', () => {
  const config = buildConfig(standardConfig('/tmp/file-dir'), 'test.yaml', { PORT: '9999', HOST: '0.0.0.0', ACCORD_DATA_DIR: '/tmp/env-dir', ACCORD_LOG_LEVEL: 'debug' });
  expect(config.server.port).toBe(9999);
  expect(config.server.host).toBe('0.0.0.0');
  expect(config.store.data_dir).toBe('/tmp/env-dir');
  expect(config.log.level).toBe('debug');
});

test.each<[string, (doc: any) => void, string]>([
  ['an unknown top-level key', (d) => (d.serverz = {}), 'serverz: is not a known configuration key (in test.yaml)'],
  ['an unknown nested key', (d) => (d.taxii.discovery.titel = 'x'), 'taxii.discovery.titel: is not a known configuration key'],
  ['a port out of range', (d) => (d.server = { port: 70000 }), 'server.port: must be <= 65535'],
  ['a wrong type', (d) => (d.taxii.max_page_size = 'many'), 'taxii.max_page_size: must be integer'],
  ['a bad enum', (d) => (d.validation = { profile: 'loose' }), 'validation.profile: must be one of standard, strict'],
  ['a missing required key', (d) => delete d.seed.partnerships[0].title, 'seed.partnerships[0].title: is required'],
  ['a retention under 24 h', (d) => (d.taxii.status_retention_hours = 1), 'taxii.status_retention_hours: must be >= 24'],
  ['a bad partnership path', (d) => (d.seed.partnerships[0].path = 'a/b'), 'seed.partnerships[0].path: must be one URL segment'],
  ['a reserved partnership path', (d) => (d.seed.partnerships[0].path = 'taxii2'), 'seed.partnerships[0].path: must be one URL segment'],
  ['a duplicate partnership', (d) => (d.seed.partnerships[1].path = 'api1'), 'seed.partnerships[1].path: duplicate partnership api1'],
  ['a bad partnership kind', (d) => (d.seed.partnerships[0].kind = 'club'), 'seed.partnerships[0].kind: must be one of bilateral, working_group, regional_operation'],
  ['a bad role', (d) => (d.seed.partnerships[0].members[0].role = 'owner'), 'seed.partnerships[0].members[0].role: must be one of consumer, publisher, steward'],
  ['an unknown member', (d) => d.seed.partnerships[0].members.push({ organisation: 'zed', role: 'consumer' }), 'seed.partnerships[0].members[3].organisation: unknown organisation "zed"'],
  ['a collection id that is not a UUIDv4', (d) => (d.seed.partnerships[0].collections[0].id = 'abc'), 'seed.partnerships[0].collections[0].id: must be a lower-case UUIDv4'],
  ['a duplicate collection id', (d) => (d.seed.partnerships[1].collections[0].id = d.seed.partnerships[0].collections[0].id), 'seed.partnerships[1].collections[0].id: duplicate collection id'],
  ['a duplicate alias', (d) => (d.seed.partnerships[0].collections[1].alias = 'rw'), 'seed.partnerships[0].collections[1].alias: must be unique'],
  ['a bad marking ceiling', (d) => (d.seed.partnerships[0].collections[0].marking_ceiling = 'purple'), 'seed.partnerships[0].collections[0].marking_ceiling: must be one of clear, green, amber, amber+strict, red'],
  ['an audience naming a non-member', (d) => (d.seed.partnerships[0].collections[0].audience = { read: ['alpha', 'beta'] }), 'seed.partnerships[0].collections[0].audience.read[1]: "beta" is not a member of api1'],
  ['an audience naming an unknown organisation', (d) => (d.seed.partnerships[0].collections[0].audience = { write: ['zed'] }), 'seed.partnerships[0].collections[0].audience.write[0]: "zed" is not a member of api1'],
  ['an audience with a misspelt list', (d) => (d.seed.partnerships[0].collections[0].audience = { readers: ['alpha'] }), 'seed.partnerships[0].collections[0].audience.readers: is not a known configuration key'],
  ['an audience naming no list', (d) => (d.seed.partnerships[0].collections[0].audience = {}), 'seed.partnerships[0].collections[0].audience: must name read, write or both'],
  ['an audience naming a member twice', (d) => (d.seed.partnerships[0].collections[0].audience = { read: ['alpha', 'alpha'] }), 'seed.partnerships[0].collections[0].audience.read'],
  ['a bad organisation id', (d) => (d.seed.organisations[0].id = 'Alpha Org'), 'seed.organisations[0].id: 2-63 lower-case letters'],
  ['a duplicate organisation', (d) => (d.seed.organisations[1].id = 'alpha'), 'seed.organisations[1].id: duplicate organisation alpha'],
  ['a plain-text password', (d) => (d.seed.organisations[0].users[0].password_hash = 'hunter2'), 'seed.organisations[0].users[0].password_hash: not an scrypt hash'],
  ['a duplicate user', (d) => (d.seed.organisations[1].users[0].username = 'alice'), 'seed.organisations[1].users[0].username: duplicate username alice'],
  ['a bad API key hash', (d) => (d.seed.organisations[0].api_keys = [{ id: '0123456789abcdef01234567', secret_hash: 'md5:abc' }]), 'seed.organisations[0].api_keys[0].secret_hash: sha256:'],
  ['a bad API key id', (d) => (d.seed.organisations[0].api_keys = [{ id: 'k1', secret_hash: `sha256:${'a'.repeat(64)}` }]), 'seed.organisations[0].api_keys[0].id: 24 lower-case hex digits'],
  ['a MongoDB backend without a URI', (d) => (d.store.backend = 'mongodb'), 'store.mongodb.uri: required when store.backend is mongodb'],
  ['a TLS section without a key', (d) => (d.server = { tls: { cert_file: 'c.pem' } }), 'server.tls.key_file: is required'],
  ['an object size no store keeps', (d) => (d.taxii.max_object_size = 16 * 1024 * 1024), 'taxii.max_object_size: must be at most 16711680 bytes (16 MiB less 64 KiB), the largest object a store keeps'],
])('when the configuration has %s, then start-up stops naming the key', (_name, change, expected) => {
  const found = problems(withChange(change));
  expect(found.join('\n')).toContain(expected);
});

test('when taxii.max_object_size is the largest object a store keeps, then it is accepted', () => {
  expect(problems(withChange((d) => (d.taxii.max_object_size = MAX_STORED_OBJECT_BYTES)))).toEqual([]);
});

test('when MONGODB_URI and ACCORD_STORE_BACKEND are set, then they select MongoDB', () => {
  const config = buildConfig(baseConfig(), 'test.yaml', { MONGODB_URI: 'mongodb://db:27017/?replicaSet=rs0', ACCORD_STORE_BACKEND: 'mongodb' });
  expect(config.store.backend).toBe('mongodb');
  expect(config.store.mongodb).toEqual({ ...buildConfig({}, 'min.yaml').store.mongodb, uri: 'mongodb://db:27017/?replicaSet=rs0', database: 'accord' });
});

test('when an environment variable is malformed, then the problem names the variable', () => {
  expect(problems(baseConfig(), { PORT: 'eighty' })).toEqual([
    'server.port: expected integer, got "eighty" (from environment variable PORT)',
  ]);
  expect(problems(baseConfig(), { PORT: '99999' })[0]).toContain('(from environment variable PORT)');
});

test('when the file is not YAML or not a mapping, then the error names the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
  try {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'seed: [\n');
    expect(() => loadConfig(bad, {})).toThrow(/bad\.yaml: cannot be read as YAML/);
    writeFileSync(bad, '- a list\n');
    expect(() => loadConfig(bad, {})).toThrow(/the configuration must be a YAML mapping/);
    expect(() => loadConfig(join(dir, 'missing.yaml'), {})).toThrow(/missing\.yaml: cannot be read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
