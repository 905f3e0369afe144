/** Configuration: defaults, environment overrides, and one case per bad key naming the key and its source. */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig, loadConfig } from '../../src/config/load';
import { DEMO_CONFIG_PATH } from '../../src/config/paths';
import { ConfigError } from '../../src/errors';
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

function withChange(change: (doc: any) => void): Record<string, unknown> {
  const doc = structuredClone(standardConfig('/tmp/x'));
  change(doc);
  return doc;
}

test('when the demo configuration is loaded, then it is valid and has defaults filled in', () => {
  const config = loadConfig(DEMO_CONFIG_PATH, {});
  expect(config.server.port).toBe(8000);
  expect(config.api_roots[0]!.collections.length).toBe(2);
  expect(config.users.map((u) => u.username)).toEqual(['demo', 'analyst']);
  expect(Object.isFrozen(config.api_roots[0])).toBe(true);
});

test('when a minimal configuration is given, then every default applies', () => {
  const config = buildConfig({ api_roots: [{ path: 'root', title: 'Root' }] }, 'min.yaml');
  expect(config.server).toEqual({ host: '127.0.0.1', port: 8000, trust_proxy: false, shutdown_timeout_seconds: 10 });
  expect(config.store).toEqual({ backend: 'sqlite', data_dir: 'data', sqlite: { file: 'accord.db', synchronous: 'FULL' } });
  expect(config.taxii.default_page_size).toBe(100);
  expect(config.taxii.max_page_size).toBe(1000);
  expect(config.taxii.status_retention_hours).toBe(168);
  expect(config.api_roots[0]!.max_content_length).toBe(104857600);
  expect(config.validation.profile).toBe('standard');
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
  ['a missing required key', (d) => delete d.api_roots[0].title, 'api_roots[0].title: is required'],
  ['no API roots', (d) => (d.api_roots = []), 'api_roots: must NOT have fewer than 1 items'],
  ['a retention under 24 h', (d) => (d.taxii.status_retention_hours = 1), 'taxii.status_retention_hours: must be >= 24'],
  ['a bad API root path', (d) => (d.api_roots[0].path = 'a/b'), 'api_roots[0].path: must be one URL segment'],
  ['a reserved API root path', (d) => (d.api_roots[0].path = 'taxii2'), 'api_roots[0].path: must be one URL segment'],
  ['a duplicate API root', (d) => (d.api_roots[1].path = 'api1'), 'api_roots[1].path: duplicate API root api1'],
  ['a collection id that is not a UUIDv4', (d) => (d.api_roots[0].collections[0].id = 'abc'), 'api_roots[0].collections[0].id: must be a lower-case UUIDv4'],
  ['a duplicate collection id', (d) => (d.api_roots[1].collections[0].id = d.api_roots[0].collections[0].id), 'api_roots[1].collections[0].id: duplicate collection id'],
  ['a duplicate alias', (d) => (d.api_roots[0].collections[1].alias = 'rw'), 'api_roots[0].collections[1].alias: must be unique'],
  ['an unknown reader', (d) => d.api_roots[0].collections[0].readers.push('zed'), 'api_roots[0].collections[0].readers[2]: unknown user "zed"'],
  ['a plain-text password', (d) => (d.users[0].password_hash = 'hunter2'), 'users[0].password_hash: not an scrypt hash'],
  ['a duplicate user', (d) => (d.users[1].username = 'alice'), 'users[1].username: duplicate username alice'],
  ['a default root that does not exist', (d) => (d.taxii.discovery.default = 'nope'), 'taxii.discovery.default: "nope" is not the path of an API root'],
  ['a default page over the maximum', (d) => (d.taxii.default_page_size = 5000), 'taxii.default_page_size: must not exceed taxii.max_page_size'],
])('when the configuration has %s, then start-up stops naming the key', (_name, change, expected) => {
  const found = problems(withChange(change));
  expect(found.join('\n')).toContain(expected);
});

test('when an environment variable is malformed, then the problem names the variable', () => {
  expect(problems(standardConfig('/tmp/x'), { PORT: 'eighty' })).toEqual([
    'server.port: expected integer, got "eighty" (from environment variable PORT)',
  ]);
  expect(problems(standardConfig('/tmp/x'), { PORT: '99999' })[0]).toContain('(from environment variable PORT)');
});

test('when the file is not YAML or not a mapping, then the error names the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
  try {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'api_roots: [\n');
    expect(() => loadConfig(bad, {})).toThrow(/bad\.yaml: cannot be read as YAML/);
    writeFileSync(bad, '- a list\n');
    expect(() => loadConfig(bad, {})).toThrow(/the configuration must be a YAML mapping/);
    expect(() => loadConfig(join(dir, 'missing.yaml'), {})).toThrow(/missing\.yaml: cannot be read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
