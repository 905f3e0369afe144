/**
 * The request log (issue 7, diagnostics): one JSON line per request with what an
 * operator needs to see what an unknown client sent, and never a secret. Captured
 * from the server's own winston logger.
 */

import { Writable } from 'node:stream';
import winston from 'winston';
import { parseKeyToken } from '../../src/identity/api-key-token';
import { PASSWORD, RW, standardConfig, startTestServer, TAXII, type TestServer } from '../support/harness';

const lines: Array<Record<string, unknown>> = [];
let server: TestServer;

/** A winston logger whose JSON lines land in `lines`. */
function captureLog(): winston.Logger {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return winston.createLogger({ level: 'info', format: winston.format.json(), transports: [new winston.transports.Stream({ stream: sink })] });
}
let token: string;
let keyId: string;

beforeAll(async () => {
  server = await startTestServer(undefined, { log: captureLog() });
  ({ token, key: { id: keyId } } = await server.operate('keys.issue', { org: 'alpha', label: 'log test' }));
});
afterAll(async () => server.close());

async function lineFor(requestId: string): Promise<Record<string, unknown>> {
  await new Promise((done) => setImmediate(done));
  const line = lines.find((l) => l.message === 'request' && l.request_id === requestId);
  if (!line) throw new Error(`no log line for ${requestId}`);
  return line;
}

test('when a client polls, then its line carries User-Agent, Accept, the auth scheme, the query and who it is, and not its key', async () => {
  const res = await server
    .raw()
    .get(`/api1/collections/${RW}/objects/?limit=5&match[type]=indicator`)
    .set({ Authorization: `Token ${token}`, Accept: TAXII, 'User-Agent': 'taxii2-client/2.3.0' });
  const line = await lineFor(res.headers['x-request-id']);
  expect(line).toMatchObject({
    method: 'GET',
    path: `/api1/collections/${RW}/objects/`,
    query: 'limit=5&match[type]=indicator',
    status: 200,
    user_agent: 'taxii2-client/2.3.0',
    accept: TAXII,
    auth_scheme: 'token',
    who: expect.stringContaining(keyId),
  });
  expect(JSON.stringify(line)).not.toContain(parseKeyToken(token)!.secret);
});

test('when a login is refused, then the line names the account that was tried, never the password or the key secret', async () => {
  const wrong = await server.raw().get('/taxii2/').auth('alice', 'not-the-password').set('Accept', TAXII);
  expect(await lineFor(wrong.headers['x-request-id'])).toMatchObject({ status: 401, claimed: 'user:alice', auth_scheme: 'basic' });
  const forged = `accord_${keyId}_${'B'.repeat(43)}`;
  const bad = await server.raw().get('/taxii2/').set({ Authorization: `Bearer ${forged}`, Accept: TAXII });
  const line = await lineFor(bad.headers['x-request-id']);
  expect(line).toMatchObject({ status: 401, claimed: `key:${keyId}`, auth_scheme: 'bearer' });
  // Swapped client settings (the token typed as the user name) must not reach the log either.
  const swapped = await server.raw().get('/taxii2/').auth(token, '').set('Accept', TAXII);
  expect(await lineFor(swapped.headers['x-request-id'])).toMatchObject({ status: 401, claimed: 'user:(not a user name)' });
  expect(JSON.stringify(lines)).not.toContain(token);
  expect(JSON.stringify(lines)).not.toContain('not-the-password');
  expect(JSON.stringify(lines)).not.toContain('B'.repeat(43));
  expect(JSON.stringify(lines)).not.toContain(PASSWORD);
});

test('when Accord sits behind one trusted proxy, then the client address is the one the proxy appended, not what the client wrote', async () => {
  const behind = await startTestServer((dir) => standardConfig(dir, { server: { trust_proxy: true }, auth: { failed_logins: { per_source: 5, per_account: 1000 } } }), { log: captureLog() });
  try {
    // A client rotating the entries it writes itself still comes from one address.
    for (let i = 0; i < 5; i++) {
      const res = await behind.raw().get('/taxii2/').auth('alice', 'wrong').set({ Accept: TAXII, 'X-Forwarded-For': `198.51.100.${i}, 203.0.113.9` });
      expect(res.status).toBe(401);
    }
    const locked = await behind.raw().get('/taxii2/').auth('bob', PASSWORD).set({ Accept: TAXII, 'X-Forwarded-For': '10.0.0.1, 203.0.113.9' });
    expect(locked.status).toBe(429);
    const other = await behind.raw().get('/taxii2/').auth('bob', PASSWORD).set({ Accept: TAXII, 'X-Forwarded-For': '203.0.113.10' });
    expect(other.status).toBe(200);
    expect(await lineFor(other.headers['x-request-id'])).toMatchObject({ remote: '203.0.113.10' });
  } finally {
    await behind.close();
  }
});
