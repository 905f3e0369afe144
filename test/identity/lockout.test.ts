/**
 * Locks that hit guessers, not partners (docs/reliability.md#login-throttling): an
 * address locked by guessed passwords still serves valid API keys, client certificates
 * and the accounts that logged in from it before; stored password hashes are raised to
 * the configured scrypt cost at the next successful login. Client addresses are set
 * with X-Forwarded-For behind one trusted proxy, as the proxy would append them.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../../src/config/load';
import { USERS, type User } from '../../src/identity/model';
import { hashPassword } from '../../src/identity/passwords';
import { startServer } from '../../src/server';
import { EntityTable } from '../../src/store/entity-table';
import { HttpsClient } from '../support/https-client';
import { PASSWORD, PASSWORD_HASH, standardConfig, startTestServer, TAXII, type TestServer } from '../support/harness';
import { makePki } from '../support/pki';

const LIMITS = { per_source: 5, per_account: 3, window_seconds: 600 };

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer((dir) => standardConfig(dir, { server: { trust_proxy: true }, auth: { failed_logins: LIMITS } }));
});
afterEach(async () => server.close());

const from = (address: string) => server.raw().get('/taxii2/').set({ 'X-Forwarded-For': address, Accept: TAXII });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function lock(address: string): Promise<void> {
  for (let i = 0; i < LIMITS.per_source; i++) expect((await from(address).auth(`nobody${i}`, 'guess')).status).toBe(401);
  expect((await from(address).auth('bob', PASSWORD)).status).toBe(429);
}

test('when guessed passwords lock an address, then valid API keys from it are served however they are sent, and a wrong key is 401', async () => {
  const { key, token } = await server.operate('keys.issue', { org: 'alpha' });
  await lock('203.0.113.9');
  expect((await from('203.0.113.9').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  expect((await from('203.0.113.9').set('Authorization', `Token ${token}`)).status).toBe(200);
  expect((await from('203.0.113.9').set('X-API-Key', token)).status).toBe(200);
  expect((await from('203.0.113.9').set('Authorization', basic(key.id, token))).status).toBe(200);
  expect((await from('203.0.113.9').set('Authorization', `Bearer accord_${key.id}_${'A'.repeat(43)}`)).status).toBe(401);
});

test('when an address sends many wrong API keys, then its password logins are not locked (a key cannot be guessed)', async () => {
  const { key } = await server.operate('keys.issue', { org: 'alpha' });
  for (let i = 0; i < 3 * LIMITS.per_source; i++) {
    expect((await from('203.0.113.10').set('Authorization', `Bearer accord_${key.id}_${'B'.repeat(43)}`)).status).toBe(401);
  }
  expect((await from('203.0.113.10').auth('bob', PASSWORD)).status).toBe(200);
});

test('when a guesser locks an address, then an account that logged in from it before still logs in with its password, and an account new to it is refused', async () => {
  expect((await from('198.51.100.7').auth('alice', PASSWORD)).status).toBe(200);
  await lock('198.51.100.7');
  expect((await from('198.51.100.7').auth('alice', PASSWORD)).status).toBe(200);
  expect((await from('198.51.100.7').auth('carol', PASSWORD)).status).toBe(429);
  // The known pair's password is still checked: a wrong one is refused and counted.
  expect((await from('198.51.100.7').auth('alice', 'guess')).status).toBe(401);
  // Elsewhere, the account is as free as before.
  expect((await from('192.0.2.1').auth('carol', PASSWORD)).status).toBe(200);
});

test('when a stored hash was made at a lower cost than configured, then a successful login rehashes it at the configured cost and the password still works', async () => {
  const cheaper = await hashPassword(PASSWORD, { N: 16384, r: 8, p: 1 });
  let upgraded = await startTestServer((dir) => {
    const doc = standardConfig(dir) as { seed: { organisations: Array<{ users: Array<{ password_hash: string }> }> } };
    doc.seed.organisations[0]!.users[0]!.password_hash = cheaper;
    return doc;
  });
  try {
    const users = () => new EntityTable<User>(upgraded.runtime.store, USERS);
    expect((await users().get('alice'))!.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect((await upgraded.get('/taxii2/', 'alice')).status).toBe(200);
    expect((await users().get('alice'))!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    // A new process has no remembered check: the stored hash itself is verified.
    upgraded = await upgraded.restart();
    expect((await upgraded.get('/taxii2/', 'alice')).status).toBe(200);
    expect((await upgraded.raw().get('/taxii2/').auth('alice', 'not-the-password')).status).toBe(401);
    // Hashes already at the configured cost are left as they are.
    expect((await users().get('bob'))!.passwordHash).toBe(PASSWORD_HASH);
    expect((await upgraded.get('/taxii2/', 'bob')).status).toBe(200);
    expect((await users().get('bob'))!.passwordHash).toBe(PASSWORD_HASH);
  } finally {
    await upgraded.close();
  }
});

test('when an administrator adds a user, then the password is hashed at the configured cost', async () => {
  const cheap = await startTestServer((dir) => standardConfig(dir, { auth: { scrypt: { n: 16384, p: 2 } } }));
  try {
    await cheap.operate('users.add', { org: 'beta', username: 'erin', password: 'a long new password' });
    expect((await new EntityTable<User>(cheap.runtime.store, USERS).get('erin'))!.passwordHash).toMatch(/^scrypt\$16384\$8\$2\$/);
    expect((await cheap.raw().get('/taxii2/').auth('erin', 'a long new password')).status).toBe(200);
  } finally {
    await cheap.close();
  }
});

test('when guessed passwords lock an address, then a client certificate from it is served', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-lockout-tls-'));
  const pki = makePki(dir, ['beta']);
  const doc = standardConfig(dir, {
    server: { port: 0, tls: { cert_file: pki.serverCertFile, key_file: pki.serverKeyFile, client_ca_file: pki.caFile } },
    auth: { failed_logins: LIMITS },
  }) as { seed: { organisations: Array<{ id: string; certificates?: unknown[] }> } };
  doc.seed.organisations.find((o) => o.id === 'beta')!.certificates = [{ fingerprint: pki.clients.beta!.fingerprint }];
  const running = await startServer(buildConfig(doc, 'test'));
  const anonymous = new HttpsClient(running.url, pki.ca);
  const certified = new HttpsClient(running.url, pki.ca, pki.clients.beta);
  try {
    for (let i = 0; i < LIMITS.per_source; i++) {
      expect((await anonymous.send('GET', '/taxii2/', { Accept: TAXII, Authorization: basic(`nobody${i}`, 'guess') })).status).toBe(401);
    }
    expect((await anonymous.send('GET', '/taxii2/', { Accept: TAXII, Authorization: basic('bob', PASSWORD) })).status).toBe(429);
    expect((await certified.send('GET', '/taxii2/', { Accept: TAXII })).status).toBe(200);
  } finally {
    anonymous.close();
    certified.close();
    await running.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});
