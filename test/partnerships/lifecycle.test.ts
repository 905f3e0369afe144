/**
 * Changes take effect on the next request: key revocation and expiry, member
 * removal, role changes, closing a partnership. Failed logins are throttled.
 */

import { body, PASSWORD, RW, standardConfig, startTestServer, TAXII, type TestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';

let server: TestServer;
let now = Date.parse('2026-06-01T00:00:00Z') * 1000;

beforeEach(async () => {
  now = Date.parse('2026-06-01T00:00:00Z') * 1000;
  server = await startTestServer(
    (dir) => standardConfig(dir, { auth: { failed_logins: { per_source: 8, per_account: 3, window_seconds: 60 } } }),
    { clock: () => now },
  );
});
afterEach(async () => server.close());

const COLL = `/api1/collections/${RW}`;
const bearer = (token: string) => server.raw().get(`${COLL}/objects/`).set('Authorization', `Bearer ${token}`).set('Accept', TAXII);

test('when a key is revoked, then the next request with it is 401, however it is sent', async () => {
  const { token, key } = await server.operate('keys.issue', { org: 'alpha' });
  expect((await bearer(token)).status).toBe(200);
  const revoke = await server.raw().delete(`/admin/keys/${key.id}`).auth('root', PASSWORD);
  expect(revoke.status).toBe(200);
  expect(revoke.body.revoked_at).toEqual(expect.any(String));
  expect((await bearer(token)).status).toBe(401);
  expect((await server.raw().get('/taxii2/').auth(key.id, token)).status).toBe(401);
  expect((await server.raw().get('/taxii2/').set('X-API-Key', token)).status).toBe(401);
});

test('when a key expires, then requests after its expiry are 401', async () => {
  const { token } = await server.operate('keys.issue', { org: 'alpha', expires_at: '2026-06-01T01:00:00Z' });
  expect((await bearer(token)).status).toBe(200);
  now += 2 * 3_600_000_000;
  expect((await bearer(token)).status).toBe(401);
});

test('when a key token is altered, then it is 401', async () => {
  const { token } = await server.operate('keys.issue', { org: 'alpha' });
  const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
  expect((await bearer(altered)).status).toBe(401);
});

test('when a member is removed, then its next request sees nothing of the partnership', async () => {
  expect((await server.get(`${COLL}/objects/`, 'carol')).status).toBe(200);
  expect((await server.raw().delete('/admin/partnerships/api1/members/gamma').auth('dave', PASSWORD)).status).toBe(204);
  expect((await server.get(`${COLL}/objects/`, 'carol')).status).toBe(404);
  expect(body(await server.get('/taxii2/', 'carol')).api_roots).toBeUndefined();
});

test('when a consumer is made publisher, then it can write at once', async () => {
  expect((await server.post(`${COLL}/objects/`, envelope(indicator()), 'carol')).status).toBe(403);
  const res = await server.raw().put('/admin/partnerships/api1/members/gamma').auth('dave', PASSWORD).send({ role: 'publisher' });
  expect(res.status).toBe(200);
  expect((await server.post(`${COLL}/objects/`, envelope(indicator()), 'carol')).status).toBe(202);
  expect(body(await server.get(`${COLL}/`, 'carol')).can_write).toBe(true);
});

test('when a partnership is closed, then its collections become read-only for everyone', async () => {
  const patch = await server.raw().patch('/admin/partnerships/api1').auth('dave', PASSWORD).send({ status: 'closed' });
  expect(patch.status).toBe(200);
  const post = await server.post(`${COLL}/objects/`, envelope(indicator()));
  expect(post.status).toBe(403);
  expect(body(post).description).toContain('closed');
  expect(body(await server.get(`${COLL}/`)).can_write).toBe(false);
  expect((await server.get(`${COLL}/objects/`)).status).toBe(200);
});

test('when a partnership passes its end date, then it is read-only', async () => {
  await server.operate('partnerships.update', { partnership: 'api1', end_date: '2026-06-30' });
  expect((await server.post(`${COLL}/objects/`, envelope(indicator()))).status).toBe(202);
  now = Date.parse('2026-07-01T00:00:00Z') * 1000;
  const refused = await server.post(`${COLL}/objects/`, envelope(indicator()));
  expect([refused.status, body(refused).description]).toEqual([403, 'This partnership ended on 2026-06-30: its collections are read-only.']);
});

test('when a partnership has not begun, then it is read-only until its start date, and readable meanwhile', async () => {
  await server.operate('partnerships.update', { partnership: 'api1', start_date: '2026-09-01' });
  const early = await server.post(`${COLL}/objects/`, envelope(indicator()));
  expect([early.status, body(early).description]).toEqual([403, 'This partnership begins on 2026-09-01: its collections are read-only until then.']);
  expect(body(await server.get(`${COLL}/`)).can_write).toBe(false);
  expect((await server.get(`${COLL}/objects/`)).status).toBe(200);
  now = Date.parse('2026-09-01T00:00:00Z') * 1000;
  expect((await server.post(`${COLL}/objects/`, envelope(indicator()))).status).toBe(202);
});

test('when an account fails to log in too often, then it gets 429 with Retry-After, even with the right password', async () => {
  for (let i = 0; i < 3; i++) expect((await server.raw().get('/taxii2/').auth('alice', 'wrong-password')).status).toBe(401);
  const blocked = await server.raw().get('/taxii2/').auth('alice', PASSWORD);
  expect(blocked.status).toBe(429);
  expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  expect(JSON.parse(blocked.text).error_code).toBe('too_many_requests');
  expect((await server.raw().get('/taxii2/').auth('bob', PASSWORD)).status).toBe(200);
  now += 61_000_000;
  expect((await server.raw().get('/taxii2/').auth('alice', PASSWORD)).status).toBe(200);
});

test('when strangers lock an account, then it still logs in from the address it last used, and the lock holds elsewhere', async () => {
  const behind = await startTestServer(
    (dir) => standardConfig(dir, { server: { trust_proxy: true }, auth: { failed_logins: { per_source: 8, per_account: 3, window_seconds: 60 } } }),
    { clock: () => now },
  );
  const from = (address: string, password: string) => behind.raw().get('/taxii2/').set('X-Forwarded-For', address).auth('alice', password);
  try {
    expect((await from('198.51.100.7', PASSWORD)).status).toBe(200);
    for (const stranger of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) expect((await from(stranger, 'guess')).status).toBe(401);
    expect((await from('203.0.113.4', PASSWORD)).status).toBe(429);
    expect((await from('198.51.100.7', PASSWORD)).status).toBe(200);
    // Its success does not lift the lock for the others; guessing from it is still limited per source.
    expect((await from('203.0.113.4', PASSWORD)).status).toBe(429);
    for (let i = 0; i < 8; i++) expect((await from('198.51.100.7', 'guess')).status).toBe(401);
    expect((await from('198.51.100.7', PASSWORD)).status).toBe(429);
  } finally {
    await behind.close();
  }
});

test('when someone sends wrong secrets for a key id, then the key is not locked for its owner (keys are never locked)', async () => {
  const { key, token } = await server.operate('keys.issue', { org: 'alpha', label: 'lockout' });
  const forged = `accord_${key.id}_${'A'.repeat(43)}`;
  for (let i = 0; i < 3; i++) expect((await server.raw().get('/taxii2/').set('Authorization', `Bearer ${forged}`)).status).toBe(401);
  expect((await server.raw().get('/taxii2/').set('Authorization', `Bearer ${token}`)).status).toBe(200);
});

test('when one source fails with many accounts, then the source is throttled', async () => {
  for (let i = 0; i < 8; i++) await server.raw().get('/taxii2/').auth(`nobody${i}`, 'x');
  expect((await server.raw().get('/taxii2/').auth('bob', PASSWORD)).status).toBe(429);
});

test('when the seed is changed after the first start, then the store keeps what was changed since', async () => {
  await server.operate('members.remove', { partnership: 'api1', org: 'gamma' });
  const restarted = await server.restart();
  try {
    expect((await restarted.get(`${COLL}/objects/`, 'carol')).status).toBe(404);
  } finally {
    server = restarted;
  }
});

test('when a consumer tries to add or delete, then each 403 says which it may not do', async () => {
  const posted = await server.post(`${COLL}/objects/`, envelope(indicator()), 'carol');
  const deleted = await server.del(`${COLL}/objects/indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f/`, 'carol');
  expect([posted.status, deleted.status]).toEqual([403, 403]);
  expect(body(posted).description).toContain('not add objects to it');
  expect(body(deleted).description).toContain('not delete objects from it');
});
