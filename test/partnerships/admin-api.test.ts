/**
 * The admin API: server administrators manage organisations, users, keys,
 * certificates and partnerships; stewards manage members, collections and the
 * audit trail of their own partnership only; nobody else manages anything, and a
 * partnership one is not part of stays invisible (404).
 */

import { randomUUID } from 'node:crypto';
import { parseKeyToken } from '../../src/identity/api-key-token';
import { body, PASSWORD, RW, standardConfig, startTestServer, TAXII, type TestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer((dir) => standardConfig(dir, { auth: { failed_logins: { per_source: 1000, per_account: 1000 } } }));
});
afterAll(async () => server.close());

const as = (user: string) => ({
  get: (path: string) => server.raw().get(path).auth(user, PASSWORD),
  post: (path: string, json: unknown) => server.raw().post(path).auth(user, PASSWORD).send(json as object),
  put: (path: string, json: unknown) => server.raw().put(path).auth(user, PASSWORD).send(json as object),
  patch: (path: string, json: unknown) => server.raw().patch(path).auth(user, PASSWORD).send(json as object),
  del: (path: string) => server.raw().delete(path).auth(user, PASSWORD),
});

describe('server administration', () => {
  test('when a page elsewhere submits a form with an administrator\'s browser credentials, then nothing changes (admin writes need a JSON Content-Type)', async () => {
    // What an HTML form with enctype=text/plain can post: a JSON-looking body.
    const forged = '{"username":"csrf-admin","password":"attacker-chosen-pw","admin":true,"x":"="}';
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await server.raw().post('/admin/organisations/alpha/users').auth('root', PASSWORD).set({ 'Content-Type': type, Origin: 'https://evil.example' }).send(forged);
      expect([res.status, JSON.parse(res.text).error_code]).toEqual([415, 'unsupported_media_type']);
    }
    const users = (await as('root').get('/admin/organisations/alpha/users')).body.users.map((u: { username: string }) => u.username);
    expect(users).not.toContain('csrf-admin');
    expect((await server.raw().get('/taxii2/').auth('csrf-admin', 'attacker-chosen-pw')).status).toBe(401);
    // A bodiless POST (a no-cors fetch sends no Content-Type) issues no key either; with JSON it does.
    const keysBefore = (await as('root').get('/admin/organisations/alpha/keys')).body.keys.length;
    expect((await server.raw().post('/admin/organisations/alpha/keys').auth('root', PASSWORD)).status).toBe(415);
    expect((await as('root').get('/admin/organisations/alpha/keys')).body.keys.length).toBe(keysBefore);
    expect((await as('root').post('/admin/organisations/alpha/keys', {})).status).toBe(201);
    expect((await as('root').get('/admin/organisations/alpha/keys')).body.keys.length).toBe(keysBefore + 1);
  });

  test('when the administrator creates an organisation, a user, a key and a partnership, then they work over TAXII', async () => {
    const root = as('root');
    expect((await root.post('/admin/organisations', { id: 'police-unit', name: 'National police cyber unit' })).status).toBe(201);
    const user = await root.post('/admin/organisations/police-unit/users', { username: 'officer', password: 'officer-password' });
    expect(user.status).toBe(201);
    expect(user.body).toEqual({ username: 'officer', organisation: 'police-unit', admin: false, created: expect.any(String) });
    const key = await root.post('/admin/organisations/police-unit/keys', { label: 'SIEM', expires_at: '2099-01-01' });
    expect(key.status).toBe(201);
    expect(key.body.token).toMatch(/^accord_[0-9a-f]{24}_/);
    const listed = await root.get('/admin/organisations/police-unit/keys');
    expect(JSON.stringify(listed.body)).not.toContain(parseKeyToken(key.body.token)!.secret);
    expect(JSON.stringify(listed.body)).not.toContain('sha256');
    const partnership = await root.post('/admin/partnerships', { path: 'op-sunrise', title: 'Operation Sunrise', kind: 'regional_operation' });
    expect(partnership.status).toBe(201);
    expect((await root.put('/admin/partnerships/op-sunrise/members/police-unit', { role: 'publisher' })).status).toBe(200);
    const collection = await root.post('/admin/partnerships/op-sunrise/collections', { title: 'Sightings', alias: 'sightings', marking_ceiling: 'green' });
    expect(collection.status).toBe(201);
    const listing = await server.raw().get('/op-sunrise/collections/').set('Authorization', `Bearer ${key.body.token}`).set('Accept', TAXII);
    expect(body(listing).collections).toEqual([
      { id: collection.body.id, title: 'Sightings', alias: 'sightings', can_read: true, can_write: true, media_types: ['application/stix+json;version=2.1'] },
    ]);
    expect((await server.raw().get('/op-sunrise/').auth('officer', 'officer-password')).status).toBe(200);
  });

  test('when input is invalid or names something missing, then 422, 404 or 409 names the problem', async () => {
    const root = as('root');
    expect((await root.post('/admin/organisations', { id: 'Bad Id', name: 'x' })).status).toBe(422);
    expect((await root.post('/admin/organisations', { id: 'alpha', name: 'again' })).status).toBe(409);
    expect((await root.post('/admin/organisations/alpha/users', { username: 'short', password: 'short' })).body.description).toContain('password');
    expect((await root.post('/admin/organisations/nowhere/users', { username: 'x1', password: 'long-enough-pw' })).status).toBe(404);
    expect((await root.put('/admin/partnerships/api1/members/alpha', { role: 'owner' })).status).toBe(422);
    expect((await root.post('/admin/partnerships', { path: 'taxii2', title: 'x', kind: 'bilateral' })).status).toBe(422);
    expect((await server.raw().post('/admin/partnerships').auth('root', PASSWORD).set('Content-Type', 'application/json').send('not json')).status).toBe(422);
    expect((await root.post('/admin/partnerships/api1/collections', { title: 'dup', alias: 'rw' })).status).toBe(409);
  });

  test('when an admin body passes 64 KiB, then 413 says the admin limit, not an API root\'s max_content_length', async () => {
    const res = await as('root').post('/admin/organisations', { id: 'too-big', name: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ error_code: 'payload_too_large', description: 'An admin request body is at most 65536 bytes.' });
    expect((await as('root').get('/admin/organisations')).body.organisations.map((o: { id: string }) => o.id)).not.toContain('too-big');
  });

  test.each(['alice', 'carol', 'dave', 'bob', 'mallory'])('when %s, who is not an administrator, manages organisations, users or keys, then 403', async (user) => {
    const who = as(user);
    expect((await who.get('/admin/organisations')).status).toBe(403);
    expect((await who.post('/admin/organisations', { id: 'sneaky', name: 'x' })).status).toBe(403);
    expect((await who.post('/admin/organisations/alpha/keys', {})).status).toBe(403);
    expect((await who.post('/admin/partnerships', { path: 'new-one', title: 'x', kind: 'bilateral' })).status).toBe(403);
    expect((await who.get('/admin/audit')).status).toBe(403);
  });
});

describe('stewards', () => {
  test('when the steward of api1 manages it, then members, collections and audit are theirs to manage', async () => {
    const dave = as('dave');
    expect((await dave.get('/admin/partnerships/api1/members')).body.members.map((m: { organisation: string }) => m.organisation)).toEqual(['alpha', 'delta', 'gamma']);
    expect((await dave.put('/admin/partnerships/api1/members/mallory-org', { role: 'consumer' })).status).toBe(200);
    expect((await server.get('/api1/collections/', 'mallory')).status).toBe(200);
    expect((await dave.del('/admin/partnerships/api1/members/mallory-org')).status).toBe(204);
    expect((await server.get('/api1/collections/', 'mallory')).status).toBe(404);
    // Ids are unique server-wide: a steward may not pick one (a 409 would reveal api2's collection).
    const api2Collection = (await as('root').get('/admin/partnerships/api2/collections')).body.collections[0].id;
    const taken = await dave.post('/admin/partnerships/api1/collections', { title: 'Probe', id: api2Collection });
    const fresh = await dave.post('/admin/partnerships/api1/collections', { title: 'Probe', id: randomUUID() });
    expect([taken.status, fresh.status, JSON.parse(taken.text).description]).toEqual([403, 403, JSON.parse(fresh.text).description]);
    // Dates must be real and in order; the body limit may be lowered, raised only by an administrator.
    expect((await dave.patch('/admin/partnerships/api1', { start_date: '2026-02-31' })).status).toBe(422);
    expect((await dave.patch('/admin/partnerships/api1', { start_date: '2027-01-01', end_date: '2026-12-31' })).status).toBe(422);
    const limit = server.config.taxii.max_content_length;
    expect((await dave.patch('/admin/partnerships/api1', { max_content_length: limit + 1 })).status).toBe(403);
    expect((await dave.patch('/admin/partnerships/api1', { max_content_length: limit - 1 })).status).toBe(200);
    expect((await as('root').patch('/admin/partnerships/api1', { max_content_length: limit + 1 })).status).toBe(200);
    expect((await as('root').patch('/admin/partnerships/api1', { max_content_length: limit })).status).toBe(200);
    // A collection may be named by its alias, as on the TAXII routes.
    expect((await dave.patch('/admin/partnerships/api1/collections/rw', { title: 'Read-write' })).body).toMatchObject({ id: RW, title: 'Read-write' });
    const added = await dave.post('/admin/partnerships/api1/collections', { title: 'Steward-made' });
    expect(added.status).toBe(201);
    const updated = await dave.patch(`/admin/partnerships/api1/collections/${added.body.id}`, { marking_ceiling: 'amber', title: 'Renamed' });
    expect(updated.body).toMatchObject({ title: 'Renamed', marking_ceiling: 'amber' });
    const cleared = await dave.patch(`/admin/partnerships/api1/collections/${added.body.id}`, { marking_ceiling: null });
    expect(cleared.body.marking_ceiling).toBeUndefined();
    expect((await dave.get('/admin/partnerships')).body.partnerships.map((p: { path: string }) => p.path)).toEqual(['api1']);
  });

  test('when the steward of api1 reaches for api2, then it does not exist for them', async () => {
    const dave = as('dave');
    const responses = [
      await dave.get('/admin/partnerships/api2'),
      await dave.get('/admin/partnerships/api2/members'),
      await dave.put('/admin/partnerships/api2/members/delta', { role: 'steward' }),
      await dave.post('/admin/partnerships/api2/collections', { title: 'x' }),
      await dave.get('/admin/partnerships/api2/audit'),
    ];
    expect(responses.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    const missing = await dave.get('/admin/partnerships/no-such-thing');
    expect(JSON.parse(responses[0]!.text).description.replace('api2', 'X')).toBe(JSON.parse(missing.text).description.replace('no-such-thing', 'X'));
  });

  test.each([
    ['alice', 403],
    ['carol', 403],
    ['mallory', 404],
    ['bob', 404],
  ])('when %s, a member without the steward role or an outsider, manages api1, then %i', async (user, status) => {
    const who = as(user);
    expect((await who.put('/admin/partnerships/api1/members/alpha', { role: 'steward' })).status).toBe(status);
    expect((await who.patch('/admin/partnerships/api1', { status: 'closed' })).status).toBe(status);
    expect((await who.get('/admin/partnerships/api1/audit')).status).toBe(status);
  });
});

describe('audit trail', () => {
  test('when objects are written, read and deleted, then each operation is in the partnership trail with who, where and how many', async () => {
    const a = indicator();
    const posted = body(await server.post('/api1/collections/rw/objects/', envelope(a, indicator())));
    await server.get('/api1/collections/rw/objects/?limit=1');
    await server.get(`/api1/collections/rw/objects/${a.id}/`, 'carol');
    await server.get(`/api1/collections/rw/objects/${a.id}/versions/`);
    await server.get('/api1/collections/rw/manifest/');
    await server.del(`/api1/collections/rw/objects/${a.id}/`);
    await server.post('/api1/collections/rw/objects/', envelope(indicator()), 'carol');
    const b = indicator();
    await server.del(`/api1/collections/rw/objects/${b.id}/`, 'carol');
    const missingStatus = randomUUID();
    await server.get(`/api1/status/${missingStatus}/`);
    await server.get(`/api1/status/${posted.id}/`);
    const trail = await as('dave').get('/admin/partnerships/api1/audit?limit=1000');
    expect(trail.status).toBe(200);
    const entries = trail.body.entries as Array<Record<string, unknown>>;
    const find = (operation: string, extra: Record<string, unknown> = {}) => entries.find((e) => e.operation === operation && Object.entries(extra).every(([k, v]) => e[k] === v));
    // The collection is filed by id, although the URL named it by alias.
    expect(find('add_objects', { status_id: posted.id })).toMatchObject({ organisation: 'alpha', user: 'alice', collection: RW, object_count: 2, outcome: 202, partnership: 'api1' });
    expect(find('get_objects', { object_count: 1 })).toMatchObject({ organisation: 'alpha', outcome: 200 });
    expect(find('get_object', { organisation: 'gamma' })).toMatchObject({ user: 'carol', object_count: 1, detail: `object ${a.id}` });
    expect(find('get_versions')).toMatchObject({ object_count: 1 });
    expect(find('get_manifest')).toBeDefined();
    expect(find('delete_object')).toMatchObject({ outcome: 200, organisation: 'alpha', detail: `object ${a.id}`, object_count: 1 });
    expect(find('add_objects', { organisation: 'gamma' })).toMatchObject({ outcome: 403 });
    // Refused requests keep the object and status they named.
    expect(find('delete_object', { organisation: 'gamma' })).toMatchObject({ outcome: 403, detail: `object ${b.id}`, collection: RW });
    expect(find('get_status', { outcome: 404 })).toMatchObject({ status_id: missingStatus, partnership: 'api1' });
    expect(find('get_status', { outcome: 200 })).toMatchObject({ outcome: 200, status_id: posted.id });
    expect(find('set_member')).toBeDefined();
    expect(entries.every((e) => e.partnership === 'api1')).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(PASSWORD);
    expect(JSON.stringify(entries)).not.toContain('Malicious site');
  });

  test('when an outsider probes a partnership it is not in, then the 404s are in the server-wide trail only, not in that partnership\'s', async () => {
    const probes = [`/api1/`, `/api1/collections/rw/objects/`, `/api1/collections/${RW}/manifest/`, `/api1/status/${randomUUID()}/`];
    for (const path of probes) expect((await server.get(path, 'bob')).status).toBe(404);
    const own = (await as('dave').get('/admin/partnerships/api1/audit?limit=1000')).body.entries as Array<Record<string, unknown>>;
    expect(own.filter((e) => e.organisation === 'beta')).toEqual([]);
    const all = (await as('root').get('/admin/audit?limit=1000')).body.entries as Array<Record<string, unknown>>;
    const bobs = all.filter((e) => e.user === 'bob' && e.outcome === 404 && e.operation !== 'admin_refused');
    expect(bobs.map((e) => e.operation)).toEqual(['get_api_root', 'get_objects', 'get_manifest', 'get_status']);
    expect(bobs.every((e) => e.partnership === undefined && e.collection === undefined && e.status_id === undefined)).toBe(true);
  });

  test('when signed-in callers are refused by the admin API, then each attempt is in the server-wide trail only, without its body', async () => {
    let before = 0;
    for (let more = true; more; ) {
      const page = (await as('root').get(`/admin/audit?limit=1000&after=${before}`)).body;
      [before, more] = [page.entries.at(-1)?.seq ?? before, page.more];
    }
    expect((await as('carol').post('/admin/organisations/alpha/users', { username: 'carol-admin', password: 'carol-chose-this', admin: true })).status).toBe(403);
    expect((await as('mallory').get('/admin/partnerships/api1/members')).status).toBe(404);
    expect((await as('dave').put('/admin/partnerships/api2/members/delta', { role: 'steward' })).status).toBe(404);
    expect((await as('dave').get('/admin/partnerships/api1/members')).status).toBe(200);
    expect((await server.raw().get('/admin/audit').auth('dave', 'wrong-password')).status).toBe(401);
    const refused = ((await as('root').get(`/admin/audit?limit=1000&after=${before}`)).body.entries as Array<Record<string, unknown>>).filter((e) => e.operation === 'admin_refused');
    expect(refused.map(({ user, organisation, outcome, detail, partnership }) => ({ user, organisation, outcome, detail, partnership }))).toEqual([
      { user: 'carol', organisation: 'gamma', outcome: 403, detail: 'POST /admin/organisations/alpha/users', partnership: undefined },
      { user: 'mallory', organisation: 'mallory-org', outcome: 404, detail: 'GET /admin/partnerships/api1/members', partnership: undefined },
      { user: 'dave', organisation: 'delta', outcome: 404, detail: 'PUT /admin/partnerships/api2/members/delta', partnership: undefined },
    ]);
    expect(JSON.stringify(refused)).not.toContain('carol-chose-this');
    const own = (await as('dave').get('/admin/partnerships/api1/audit?limit=1000')).body.entries as Array<Record<string, unknown>>;
    expect(own.filter((e) => e.operation === 'admin_refused')).toEqual([]);
  });

  test('when the audit trail is paged, then after= continues without repeats', async () => {
    const first = await as('root').get('/admin/audit?limit=3');
    expect(first.body.entries).toHaveLength(3);
    expect(first.body.more).toBe(true);
    const next = await as('root').get(`/admin/audit?limit=3&after=${first.body.entries[2].seq}`);
    expect(next.body.entries[0].seq).toBeGreaterThan(first.body.entries[2].seq);
    expect((await as('root').get('/admin/audit?limit=0')).status).toBe(400);
  });
});
