/**
 * What the fuzzer knows of a freshly seeded test store (test/support/harness.ts):
 * ids that exist (objects in several versions, a status, keys, a certificate, a
 * relay grant, next tokens) and one set of credentials per role, so that generated
 * requests reach past authentication and lookups as often as they stop there.
 */

import { scryptSync } from 'node:crypto';
import { OTHER, PASSWORD, RW, SECOND, body, standardConfig, type TestServer } from './harness';
import { envelope, indicator, ipv4, malware } from './stix';

export type Role = 'administrator' | 'steward' | 'publisher' | 'consumer' | 'stranger' | 'invalid';

export interface Credentials {
  role: Role;
  /** What it is, for reading a counterexample. */
  label: string;
  headers: Record<string, string>;
}

export interface Fixtures {
  /** Values that name something in the store, per path parameter name. */
  path: Record<string, string[]>;
  /** Values that select something, per query parameter name. */
  query: Record<string, string[]>;
  credentials: Credentials[];
  /** Ids of stored objects, to post new versions of. */
  objectIds: string[];
}

const basic = (user: string, password = PASSWORD) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

export const FIXED = {
  indicator: 'indicator--6ba7b810-9dad-41d1-80b4-00c04fd430c8',
  malware: 'malware--6ba7b811-9dad-41d1-80b4-00c04fd430c8',
  ipv4: 'ipv4-addr--6ba7b812-9dad-51d1-80b4-00c04fd430c8',
  second: 'indicator--6ba7b813-9dad-41d1-80b4-00c04fd430c8',
  other: 'malware--6ba7b814-9dad-41d1-80b4-00c04fd430c8',
  relayed: 'identity--6ba7b815-9dad-41d1-80b4-00c04fd430c8',
  fingerprint: 'ab'.repeat(32),
};

/**
 * The standard test configuration, with a cheap scrypt cost in the users' hashes
 * (each fresh server checks each user's password once before remembering it), and
 * refused logins left unthrottled (test/identity covers the throttle; here it would
 * lock every role out after 30).
 */
export function fuzzConfig(dataDir: string): Record<string, unknown> {
  const config = standardConfig(dataDir, { auth: { failed_logins: { per_source: 1_000_000, per_account: 1_000_000 } } });
  const salt = Buffer.alloc(16, 7);
  const cheap = `scrypt$2$1$1$${salt.toString('base64')}$${scryptSync(PASSWORD, salt, 32, { N: 2, r: 1, p: 1 }).toString('base64')}`;
  for (const org of (config.seed as { organisations: Array<{ users: Array<{ password_hash: string }> }> }).organisations) {
    for (const user of org.users) user.password_hash = cheap;
  }
  return config;
}

/** Fills a server started with fuzzConfig and says what is in it. */
export async function prepareFixtures(server: TestServer): Promise<Fixtures> {
  const objects = `/api1/collections/${RW}/objects/`;
  const first = indicator({ id: FIXED.indicator });
  const second = { ...first, modified: '2026-02-01T00:00:00.000Z', name: 'Malicious site, second version' };
  const status = body(await server.post(objects, envelope(first, malware({ id: FIXED.malware }), ipv4('198.51.100.7'))));
  await server.post(objects, envelope({ ...ipv4('198.51.100.7'), id: FIXED.ipv4 }, second));
  await server.post(`/api1/collections/${SECOND}/objects/`, envelope(indicator({ id: FIXED.second })));
  await server.post(`/api2/collections/${OTHER}/objects/`, envelope(malware({ id: FIXED.other })), 'bob');
  const nextOf = async (path: string) => body(await server.get(`${path}?limit=1&match[version]=all`)).next as string;

  const publisherKey = await server.operate('keys.issue', { org: 'alpha', label: 'fuzz publisher' });
  const consumerKey = await server.operate('keys.issue', { org: 'gamma', label: 'fuzz consumer' });
  const revokedKey = await server.operate('keys.issue', { org: 'gamma', label: 'fuzz revoked' });
  await server.operate('keys.revoke', { keyId: revokedKey.key.id });
  await server.operate('certificates.add', { org: 'alpha', fingerprint: FIXED.fingerprint, subject: 'fuzz' });
  await server.operate('relays.grant', { org: 'beta', identity_id: FIXED.relayed });
  const identities = (await server.operate('organisations.list', {})) as Array<{ identityId?: string }>;

  const objectIds = [FIXED.indicator, FIXED.malware, FIXED.ipv4, FIXED.second, FIXED.other];
  const keyToken = (issued: { token: string }) => issued.token;
  return {
    objectIds,
    path: {
      apiRoot: ['api1', 'api2', 'API1', 'nope', 'taxii2', 'admin', '_health'],
      statusId: [status.id as string, '6ba7b810-9dad-41d1-80b4-00c04fd430c8'],
      collectionId: [RW, SECOND, OTHER, 'rw', 'second', 'members', RW.toUpperCase(), '6ba7b816-9dad-41d1-80b4-00c04fd430c8'],
      objectId: [...objectIds, 'indicator--6ba7b817-9dad-41d1-80b4-00c04fd430c8', 'bundle--6ba7b818-9dad-41d1-80b4-00c04fd430c8'],
      org: ['alpha', 'beta', 'gamma', 'delta', 'mallory-org', 'ops', 'nobody'],
      partnership: ['api1', 'api2', 'nope'],
      // root is left out: deleting the administrator would leave the rest of a run at 401.
      username: ['alice', 'bob', 'carol', 'dave', 'mallory', 'nobody'],
      keyId: [publisherKey.key.id, consumerKey.key.id, revokedKey.key.id, '0123456789abcdef01234567'],
      fingerprint: [FIXED.fingerprint, FIXED.fingerprint.toUpperCase().replace(/(..)(?!$)/g, '$1:'), 'cd'.repeat(32)],
      identityId: ['*', FIXED.relayed, ...identities.flatMap((o) => (o.identityId === undefined ? [] : [o.identityId]))],
    },
    query: {
      next: [await nextOf(objects), await nextOf(`/api1/collections/${RW}/manifest/`), await nextOf(`/api1/collections/${RW}/objects/${FIXED.indicator}/versions/`)],
      'match[id]': [...objectIds, `${FIXED.indicator},${FIXED.malware}`],
    },
    credentials: [
      { role: 'administrator', label: 'root (Basic)', headers: basic('root') },
      { role: 'steward', label: 'dave, steward of api1 (Basic)', headers: basic('dave') },
      { role: 'steward', label: 'bob, steward of api2 (Basic)', headers: basic('bob') },
      { role: 'publisher', label: 'alice, publisher in api1 (Basic)', headers: basic('alice') },
      { role: 'publisher', label: "alpha's key (Bearer)", headers: { Authorization: `Bearer ${keyToken(publisherKey)}` } },
      { role: 'publisher', label: "alpha's key (X-API-Key)", headers: { 'X-API-Key': keyToken(publisherKey) } },
      { role: 'consumer', label: 'carol, consumer in api1 (Basic)', headers: basic('carol') },
      { role: 'consumer', label: "gamma's key (in Basic's password)", headers: basic('key', keyToken(consumerKey)) },
      { role: 'stranger', label: 'mallory, in no partnership (Basic)', headers: basic('mallory') },
      { role: 'invalid', label: 'no credentials', headers: {} },
      { role: 'invalid', label: 'unknown user', headers: basic('nobody', 'wrong-password') },
      { role: 'invalid', label: 'revoked key', headers: { Authorization: `Bearer ${keyToken(revokedKey)}` } },
      { role: 'invalid', label: 'made-up key', headers: { Authorization: `Bearer accord_${'0'.repeat(24)}_${'A'.repeat(43)}` } },
      { role: 'invalid', label: 'malformed Basic', headers: { Authorization: 'Basic !!!' } },
      { role: 'invalid', label: 'other scheme', headers: { Authorization: 'Digest username="root"' } },
    ],
  };
}
