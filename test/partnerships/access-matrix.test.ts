/**
 * The access matrix, generated: every organisation × role × partnership ×
 * collection (with and without an audience) × TAXII operation × authentication
 * method, over a real HTTPS listener with client certificates. Each answer's
 * status is asserted exactly, and no body ever holds an id, a collection or a
 * path of a partnership the caller is not part of, nor anything of a collection
 * its audience hides from the caller. 404s for what a caller may not see read
 * exactly like 404s for what does not exist (for audiences: the same bytes and
 * headers). Audience changes over time are test/partnerships/audience-changes.test.ts.
 * A moderated collection holds a publisher's pending object that no answer to
 * anyone ever names (docs/taxii.md#moderated-collections); the moderation cycle
 * itself is test/partnerships/moderation.test.ts.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newKeyToken } from '../../src/identity/api-key-token';
import { buildConfig } from '../../src/config/load';
import { startServer, type RunningServer } from '../../src/server';
import { HttpsClient, type HttpsResult } from '../support/https-client';
import { PASSWORD_HASH, PASSWORD, TAXII, testStoreConfig } from '../support/harness';
import { makePki, type Pki } from '../support/pki';
import { indicator, oneSuccessStatus, recordOf } from '../support/stix';

type Role = 'publisher' | 'consumer' | 'steward';
const ORGS = ['pub', 'con', 'stw', 'other', 'none'] as const;
type Org = (typeof ORGS)[number];

const PARTNERSHIPS = {
  'bilateral-alpha': { status: 'active', roles: { pub: 'publisher', con: 'consumer', stw: 'steward' } },
  'working-beta': { status: 'active', roles: { other: 'publisher', pub: 'consumer' } },
  'closed-gamma': { status: 'closed', roles: { pub: 'publisher', stw: 'steward' } },
} as const satisfies Record<string, { status: string; roles: Partial<Record<Org, Role>> }>;
type Path = keyof typeof PARTNERSHIPS;

type Audience = { read?: Org[]; write?: Org[] };
const COLLECTIONS: Array<{ id: string; path: Path; marker: string; statusOwner: Org; audience?: Audience; moderated?: true }> = [
  { id: randomUUID(), path: 'bilateral-alpha', marker: `indicator--${randomUUID()}`, statusOwner: 'pub' },
  { id: randomUUID(), path: 'bilateral-alpha', marker: `indicator--${randomUUID()}`, statusOwner: 'stw' },
  { id: randomUUID(), path: 'working-beta', marker: `indicator--${randomUUID()}`, statusOwner: 'other' },
  { id: randomUUID(), path: 'closed-gamma', marker: `indicator--${randomUUID()}`, statusOwner: 'pub' },
  // A drop box: the publisher writes without reading, the consumer reads, the steward is outside both.
  { id: randomUUID(), path: 'bilateral-alpha', marker: `indicator--${randomUUID()}`, statusOwner: 'pub', audience: { read: ['con'], write: ['pub'] } },
  // The publisher reads but may not write; the steward does both; the consumer is outside both.
  { id: randomUUID(), path: 'bilateral-alpha', marker: `indicator--${randomUUID()}`, statusOwner: 'stw', audience: { read: ['pub', 'stw'], write: ['stw'] } },
  // Moderated: the publisher's posts wait for the steward's review.
  { id: randomUUID(), path: 'bilateral-alpha', marker: `indicator--${randomUUID()}`, statusOwner: 'pub', moderated: true },
];
/** Posted by the publisher to the moderated collection and left pending: not a record, so no answer names it. */
const PENDING = `indicator--${randomUUID()}`;
type Coll = (typeof COLLECTIONS)[number];
const statusIds = new Map(COLLECTIONS.map((c) => [c.id, randomUUID()]));

const OPERATIONS = ['api_root', 'collections', 'collection', 'get_objects', 'add_objects', 'get_object', 'delete_object', 'versions', 'manifest', 'status'] as const;
type Operation = (typeof OPERATIONS)[number];
const METHODS = ['basic', 'bearer', 'token', 'header', 'basic-key', 'certificate'] as const;
type Method = (typeof METHODS)[number];

const keys = Object.fromEntries(ORGS.map((org) => [org, newKeyToken()])) as Record<Org, ReturnType<typeof newKeyToken>>;

function roleOf(org: Org, path: Path): Role | undefined {
  return (PARTNERSHIPS[path].roles as Partial<Record<Org, Role>>)[org];
}

/** The rule, restated: the role's right, and membership in the audience's list where there is one. */
function rightsOf(org: Org, c: Coll): { can_read: boolean; can_write: boolean } {
  const role = roleOf(org, c.path);
  const listed = (list: Org[] | undefined) => list === undefined || list.includes(org);
  return {
    can_read: role !== undefined && listed(c.audience?.read),
    can_write: role !== undefined && role !== 'consumer' && PARTNERSHIPS[c.path].status === 'active' && listed(c.audience?.write),
  };
}

function isHidden(org: Org, c: Coll): boolean {
  const rights = rightsOf(org, c);
  return !rights.can_read && !rights.can_write;
}

function expectedStatus(org: Org, c: Coll, op: Operation): number {
  if (roleOf(org, c.path) === undefined) return 404;
  if (op === 'api_root' || op === 'collections') return 200;
  if (isHidden(org, c)) return 404;
  const { can_read, can_write } = rightsOf(org, c);
  if (op === 'add_objects') return can_write ? 202 : 403;
  if (op === 'delete_object') return can_read && can_write ? 200 : 403;
  if (op === 'status') return c.statusOwner === org ? 200 : 404;
  if (op === 'collection') return 200;
  return can_read ? 200 : 403;
}

let dir: string;
let pki: Pki;
let running: RunningServer;
const clients = new Map<string, HttpsClient>();

function client(org: Org, method: Method): HttpsClient {
  const key = `${org}/${method}`;
  let c = clients.get(key);
  if (!c) {
    c = new HttpsClient(running.url, pki.ca, method === 'certificate' ? pki.clients[org] : undefined);
    clients.set(key, c);
  }
  return c;
}

function credentials(org: Org, method: Method): Record<string, string> {
  const token = keys[org].token;
  switch (method) {
    case 'basic':
      return { Authorization: `Basic ${Buffer.from(`${org}-user:${PASSWORD}`).toString('base64')}` };
    case 'bearer':
      return { Authorization: `Bearer ${token}` };
    case 'token':
      return { Authorization: `Token ${token}` };
    case 'header':
      return { 'X-API-Key': token };
    case 'basic-key':
      return { Authorization: `Basic ${Buffer.from(`${keys[org].keyId}:${token}`).toString('base64')}` };
    case 'certificate':
      return {};
  }
}

async function call(org: Org, method: Method, c: Coll, op: Operation): Promise<HttpsResult> {
  const headers = { Accept: TAXII, ...credentials(org, method) };
  const base = `/${c.path}/collections/${c.id}`;
  const http = client(org, method);
  switch (op) {
    case 'api_root':
      return http.send('GET', `/${c.path}/`, headers);
    case 'collections':
      return http.send('GET', `/${c.path}/collections/`, headers);
    case 'collection':
      return http.send('GET', `${base}/`, headers);
    case 'get_objects':
      return http.send('GET', `${base}/objects/`, headers);
    case 'add_objects':
      return http.send('POST', `${base}/objects/`, { ...headers, 'Content-Type': TAXII }, JSON.stringify({ objects: [indicator()] }));
    case 'get_object':
      return http.send('GET', `${base}/objects/${c.marker}/`, headers);
    case 'delete_object': {
      // The caller's own object: whether it may delete another's is test/partnerships/trust.test.ts's matter.
      const victim = indicator();
      await running.runtime.store.addRecords(c.id, [{ ...recordOf(victim), owner: `org:${org}` }], '*');
      return http.send('DELETE', `${base}/objects/${victim.id}/`, headers);
    }
    case 'versions':
      return http.send('GET', `${base}/objects/${c.marker}/versions/`, headers);
    case 'manifest':
      return http.send('GET', `${base}/manifest/`, headers);
    case 'status':
      return http.send('GET', `/${c.path}/status/${statusIds.get(c.id) ?? randomUUID()}/`, headers);
  }
}

/** Everything that names a partnership `org` is not part of, or a collection its audience hides from `org`. */
function foreignNames(org: Org): string[] {
  return COLLECTIONS.flatMap((c) =>
    roleOf(org, c.path) === undefined ? [c.id, c.marker, c.path, statusIds.get(c.id)!] : isHidden(org, c) ? [c.id, c.marker, statusIds.get(c.id)!] : [],
  );
}

/** What differs between two answers that should be the same, but for the headers that differ between any two requests. */
function differences(a: HttpsResult, b: HttpsResult): string[] {
  const perRequest = new Set(['date', 'x-request-id']);
  const headers = (r: HttpsResult) => JSON.stringify(Object.entries(r.headers).filter(([name]) => !perRequest.has(name)).sort());
  // Every error carries its own error_id (as two requests for the same missing collection do); the rest must match byte for byte.
  const text = (r: HttpsResult) => r.text.replace(/"error_id":"[0-9a-f-]{36}"/, '"error_id":"…"');
  const found: string[] = [];
  if (a.status !== b.status) found.push(`status ${a.status} vs ${b.status}`);
  if (text(a) !== text(b)) found.push(`body ${a.text} vs ${b.text}`);
  if (headers(a) !== headers(b)) found.push(`headers ${headers(a)} vs ${headers(b)}`);
  return found;
}

/** The collection as Get Collections lists it for the caller, or undefined when it is absent. */
function listed(res: HttpsResult, c: Coll): Record<string, unknown> | undefined {
  return (JSON.parse(res.text).collections ?? []).find((listedOne: { id: string }) => listedOne.id === c.id);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'accord-matrix-'));
  pki = makePki(dir, [...ORGS]);
  const config = buildConfig(
    {
      log: { level: 'silent' },
      server: { port: 0, tls: { cert_file: pki.serverCertFile, key_file: pki.serverKeyFile, client_ca_file: pki.caFile } },
      store: testStoreConfig(join(dir, 'data')),
      auth: { failed_logins: { per_source: 100000, per_account: 100000 } },
      seed: {
        organisations: ORGS.map((org) => ({
          id: org,
          name: `Organisation ${org}`,
          users: [{ username: `${org}-user`, password_hash: PASSWORD_HASH }],
          api_keys: [{ id: keys[org].keyId, secret_hash: keys[org].secretHash }],
          certificates: [{ fingerprint: pki.clients[org]!.fingerprint }],
        })),
        partnerships: Object.entries(PARTNERSHIPS).map(([path, p]) => ({
          path,
          title: `Partnership ${path}`,
          kind: 'working_group',
          status: p.status,
          members: Object.entries(p.roles).map(([organisation, role]) => ({ organisation, role })),
          collections: COLLECTIONS.filter((c) => c.path === path).map((c) => ({ id: c.id, title: `Collection of ${path}`, ...(c.audience ? { audience: c.audience } : {}), ...(c.moderated ? { moderated: true } : {}) })),
        })),
      },
    },
    'matrix',
  );
  running = await startServer(config);
  const store = running.runtime.store;
  for (const c of COLLECTIONS) {
    await store.addRecords(c.id, [recordOf(indicator({ id: c.marker }))], '*');
    await store.putStatus(
      oneSuccessStatus({ id: statusIds.get(c.id)!, apiRoot: c.path, collectionId: c.id, owner: `org:${c.statusOwner}`, success: { id: c.marker, version: '2026-01-01T00:00:00.000Z' } }),
    );
  }
  const moderated = COLLECTIONS.find((c) => c.moderated)!;
  const held = await client('pub', 'basic').send('POST', `/${moderated.path}/collections/${moderated.id}/objects/`, { Accept: TAXII, 'Content-Type': TAXII, ...credentials('pub', 'basic') }, JSON.stringify({ objects: [indicator({ id: PENDING })] }));
  expect(JSON.parse(held.text)).toMatchObject({ status: 'pending', pendings: [{ id: PENDING }] });
}, 60_000);

afterAll(async () => {
  for (const c of clients.values()) c.close();
  await running?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(METHODS)('authenticated by %s', (method) => {
  test.each(ORGS)('when organisation %s asks for discovery, then it sees exactly its partnerships', async (org) => {
    const res = await client(org, method).send('GET', '/taxii2/', { Accept: TAXII, ...credentials(org, method) });
    expect(res.status).toBe(200);
    const roots = (JSON.parse(res.text).api_roots ?? []).map((url: string) => url.replace(/^https:\/\/[^/]+\/|\/$/g, ''));
    expect(roots.sort()).toEqual((Object.keys(PARTNERSHIPS) as Path[]).filter((p) => roleOf(org, p)).sort());
    for (const name of foreignNames(org)) expect(res.text).not.toContain(name);
  });

  const cases = ORGS.flatMap((org) => COLLECTIONS.map((c, i) => [org, i, c.path] as const));
  test.each(cases)('when %s uses collection %i of %s, then every operation gets its exact status and nothing foreign', async (org, i) => {
    const c = COLLECTIONS[i]!;
    for (const op of OPERATIONS) {
      const res = await call(org, method, c, op);
      const expected = expectedStatus(org, c, op);
      if (res.status !== expected) throw new Error(`${org} ${method} ${op} on ${c.path}: expected ${expected}, got ${res.status} ${res.text}`);
      for (const name of [...foreignNames(org), PENDING]) {
        if (res.text.includes(name)) throw new Error(`${org} ${op} on ${c.path} leaked ${name}`);
      }
      if (op === 'add_objects' && expected === 202) {
        const held = c.moderated === true && roleOf(org, c.path) !== 'steward';
        expect(JSON.parse(res.text)).toMatchObject(held ? { status: 'pending', pending_count: 1, success_count: 0 } : { status: 'complete', success_count: 1 });
      }
      if (expected === 404 && roleOf(org, c.path) === undefined) {
        // Indistinguishable from a partnership, collection or status that does not exist.
        const missing = await call(org, method, { ...c, path: 'no-such-root' as Path, id: randomUUID() }, op);
        expect([res.status, JSON.parse(res.text).description]).toEqual([missing.status, JSON.parse(missing.text).description]);
      } else if (expected === 404) {
        // Hidden by its audience (or a status of another organisation): the very answer for a collection or status of this root that does not exist.
        const missing = await call(org, method, { ...c, id: randomUUID() }, op);
        const found = differences(res, missing);
        if (found.length > 0) throw new Error(`${org} ${method} ${op} on a hidden collection of ${c.path} differs from a missing one: ${found.join('; ')}`);
      }
      const shown = rightsOf(org, c);
      if (op === 'collections' && expected === 200) {
        // Absent from the list when hidden; otherwise listed with the caller's rights (TAXII 2.1 §5.1).
        const entry = listed(res, c);
        expect(entry && { can_read: entry.can_read, can_write: entry.can_write }).toEqual(isHidden(org, c) ? undefined : shown);
      }
      if (op === 'collection' && expected === 200) {
        const body = JSON.parse(res.text);
        expect({ can_read: body.can_read, can_write: body.can_write }).toEqual(shown);
      }
    }
  });
});

describe('over TAXII 2.0 (read-only, docs/client-quirks.md#taxii-20-appliances)', () => {
  const TAXII20 = 'application/vnd.oasis.taxii+json; version=2.0';
  const cases = ORGS.flatMap((org) => COLLECTIONS.flatMap((c, i) => ((c.audience || c.moderated) && roleOf(org, c.path) ? [[org, i] as const] : [])));
  test.each(cases)('when %s uses audience or moderated collection %i, then the collection, its objects and the list follow the same rules as on TAXII 2.1', async (org, i) => {
    const c = COLLECTIONS[i]!;
    const headers = { Accept: TAXII20, ...credentials(org, 'basic') };
    const http = client(org, 'basic');
    const { can_read } = rightsOf(org, c);
    const missing = randomUUID();
    for (const suffix of ['/', '/objects/', `/objects/${c.marker}/`]) {
      const res = await http.send('GET', `/${c.path}/collections/${c.id}${suffix}`, headers);
      const expected = isHidden(org, c) ? 404 : suffix === '/' || can_read ? 200 : 403;
      if (res.status !== expected) throw new Error(`${org} TAXII 2.0 ${suffix} on collection ${i}: expected ${expected}, got ${res.status} ${res.text}`);
      if (expected === 404) expect(differences(res, await http.send('GET', `/${c.path}/collections/${missing}${suffix}`, headers))).toEqual([]);
      for (const name of [...foreignNames(org), PENDING]) expect(res.text).not.toContain(name);
    }
    const entry = listed(await http.send('GET', `/${c.path}/collections/`, headers), c);
    expect(entry && { can_read: entry.can_read, can_write: entry.can_write }).toEqual(isHidden(org, c) ? undefined : { can_read, can_write: false });
  });
});
