/**
 * Trust inside a partnership (docs/trust.md): an object belongs to its creator's
 * organisation; only an owner or a steward adds versions or deletes; a retraction
 * reaches every consumer as a new revoked version; a delete leaves a tombstone
 * consumers can poll; stewards see who submitted each version.
 */

import { randomUUID } from 'node:crypto';
import { body, PASSWORD, RW, startTestServer, TAXII, type TestServer } from '../support/harness';
import { envelope, indicator, malware } from '../support/stix';
import { basic } from '../clients/replay';

let server: TestServer;
let identityOf: Record<string, string>;
beforeAll(async () => {
  server = await startTestServer();
  // beta joins api1 as a second publisher; bob is its user.
  await server.operate('members.set', { partnership: 'api1', org: 'beta', role: 'publisher' });
  const organisations = (await server.raw().get('/admin/organisations').auth('root', PASSWORD)).body.organisations as Array<{ id: string; identity_id: string }>;
  identityOf = Object.fromEntries(organisations.map((o) => [o.id, o.identity_id]));
});
afterAll(async () => server.close());

const COLL = `/api1/collections/${RW}`;
const post = async (user: string, ...objects: unknown[]) => body(await server.post(`${COLL}/objects/`, envelope(...objects), user));
const revision = (o: Record<string, unknown>, modified: string, extra: Record<string, unknown> = {}) => ({ ...o, modified, ...extra });
const admin = (user: string) => ({
  get: (path: string) => server.raw().get(path).auth(user, PASSWORD),
  post: (path: string, json: unknown) => server.raw().post(path).auth(user, PASSWORD).send(json as object),
});

describe('ownership', () => {
  test("when another publisher posts a new version of alpha's object, then it is refused per object; a re-post of a stored version stays a success; a steward's version is stored", async () => {
    const original = indicator();
    expect((await post('alice', original)).success_count).toBe(1);
    const hijack = revision(original, '2026-02-01T00:00:00.000Z', { revoked: true });
    const refused = await post('bob', hijack, indicator());
    expect(refused.failures).toEqual([{ id: original.id, version: '2026-02-01T00:00:00.000Z', message: expect.stringContaining('owned-by-another') }]);
    expect(refused.failures[0].message).not.toContain('alpha');
    expect(refused.success_count).toBe(1);
    expect((await post('bob', original)).successes[0]).toMatchObject({ id: original.id, message: 'version already present' });
    expect((await post('dave', revision(original, '2026-03-01T00:00:00.000Z'))).success_count).toBe(1);
    expect((await post('alice', revision(original, '2026-04-01T00:00:00.000Z'))).success_count).toBe(1);
  });

  test("when another publisher deletes alpha's object, then 403 (it can see it); alpha and a steward may delete", async () => {
    const mine = indicator();
    const other = indicator();
    await post('alice', mine, other);
    const refused = await server.del(`${COLL}/objects/${mine.id}/`, 'bob');
    expect([refused.status, body(refused).description]).toEqual([403, 'This object belongs to another organisation: only it, or a steward of the partnership, may delete it.']);
    expect((await server.del(`${COLL}/objects/${mine.id}/`, 'alice')).status).toBe(200);
    expect((await server.del(`${COLL}/objects/${other.id}/`, 'dave')).status).toBe(200);
  });

  test("when an object names an organisation's identity as its creator, then it belongs to that organisation, whoever stored it first", async () => {
    // beta may relay delta's identity: beta stores delta's object; beta then cannot revise it, delta can.
    await admin('root').post('/admin/organisations/beta/relays', { identity_id: identityOf.delta });
    const deltas = malware({ created_by_ref: identityOf.delta });
    expect((await post('bob', deltas)).success_count).toBe(1);
    expect((await post('dave', revision(deltas, '2026-05-01T00:00:00.000Z'))).success_count).toBe(1);
  });

  test('when an object is created by a relayed outside identity, then every organisation allowed to relay it owns it, and no other', async () => {
    const cert = `identity--${randomUUID()}`;
    await admin('root').post('/admin/organisations/beta/relays', { identity_id: cert });
    const advisory = indicator({ created_by_ref: cert });
    // alpha relays any outside identity (test/support/harness.ts); beta was granted this one.
    expect((await post('alice', advisory)).success_count).toBe(1);
    expect((await post('bob', revision(advisory, '2026-06-01T00:00:00.000Z'))).success_count).toBe(1);
    const unrelated = indicator();
    expect((await post('bob', unrelated)).success_count).toBe(1);
    expect((await post('alice', revision(unrelated, '2026-06-01T00:00:00.000Z'))).failures[0].message).toContain('owned-by-another');
  });

  test('when a steward asks who submitted each version, then the admin API shows organisation and user; a publisher may not ask', async () => {
    const o = indicator();
    await post('alice', o);
    await post('dave', revision(o, '2026-07-01T00:00:00.000Z'));
    const shown = await admin('dave').get(`/admin/partnerships/api1/collections/rw/objects/${o.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id: o.id, collection: RW, owner: 'org:alpha' });
    expect(shown.body.versions.map((v: { version: string; submitter: unknown }) => [v.version, v.submitter])).toEqual([
      ['2026-01-01T00:00:00.000Z', { organisation: 'alpha', user: 'alice' }],
      ['2026-07-01T00:00:00.000Z', { organisation: 'delta', user: 'dave' }],
    ]);
    expect((await admin('alice').get(`/admin/partnerships/api1/collections/rw/objects/${o.id}`)).status).toBe(403);
    expect((await admin('mallory').get(`/admin/partnerships/api1/collections/rw/objects/${o.id}`)).status).toBe(404);
  });
});

describe('retraction', () => {
  test('when the owner retracts an object, then a consumer resuming with added_after receives its revoked version over TAXII 2.1 and 2.0', async () => {
    const o = indicator();
    await post('alice', o);
    const bound = (await server.get(`${COLL}/objects/?match[id]=${o.id}`, 'carol')).headers['x-taxii-date-added-last'] as string;
    const retracted = await admin('alice').post(`/admin/partnerships/api1/collections/rw/objects/${o.id}/retract`, { reason: 'false positive' });
    expect(retracted.status).toBe(201);
    expect(retracted.body).toMatchObject({ id: o.id, revoked: true });
    const resumed = body(await server.get(`${COLL}/objects/?added_after=${bound}&match[id]=${o.id}`, 'carol'));
    expect(resumed.objects).toEqual([{ ...o, modified: retracted.body.version, revoked: true }]);
    const taxii20 = await server
      .raw()
      .get(`${COLL}/objects/?added_after=${bound}&match[id]=${o.id}`)
      .set({ Accept: 'application/vnd.oasis.stix+json; version=2.0', Authorization: basic('carol', PASSWORD) });
    expect(JSON.parse(taxii20.text).objects).toEqual([expect.objectContaining({ id: o.id, revoked: true })]);
    const trail = (await admin('dave').get('/admin/partnerships/api1/audit?limit=1000')).body.entries as Array<Record<string, unknown>>;
    expect(trail.find((e) => e.operation === 'retract_object' && String(e.detail).includes(String(o.id)))).toMatchObject({ user: 'alice', organisation: 'alpha', collection: RW });
  });

  test('when someone else retracts, then a consumer is refused, another publisher gets 403, an outsider 404; a second retraction is a conflict', async () => {
    const o = indicator();
    await post('alice', o);
    const path = `/admin/partnerships/api1/collections/${RW}/objects/${o.id}/retract`;
    expect((await admin('carol').post(path, {})).status).toBe(403);
    expect((await admin('bob').post(path, {})).status).toBe(403);
    expect((await admin('mallory').post(path, {})).status).toBe(404);
    expect((await admin('dave').post(path, {})).status).toBe(201);
    expect((await admin('alice').post(path, {})).status).toBe(409);
  });

  test('when taxii2-client pages with as_pages after a retraction, then it receives the revoked version once, after what it already had', async () => {
    const objects = Array.from({ length: 12 }, () => indicator());
    await post('alice', ...objects);
    const headers = { Accept: TAXII, 'User-Agent': 'taxii2-client/2.3.0', Authorization: basic('carol', PASSWORD) };
    const walk = async (query: string) => {
      const seen: Array<Record<string, unknown>> = [];
      let next: string | undefined;
      let last: string | undefined;
      do {
        const res = await server.raw().get(`${COLL}/objects/?${query}&limit=5${next ? `&next=${encodeURIComponent(next)}` : ''}`).set(headers);
        const page = JSON.parse(res.text);
        seen.push(...(page.objects ?? []));
        next = page.more ? page.next : undefined;
        last = res.headers['x-taxii-date-added-last'] ?? last;
      } while (next);
      return { seen, last: last! };
    };
    const first = await walk('match[type]=indicator');
    await admin('alice').post(`/admin/partnerships/api1/collections/rw/objects/${objects[3]!.id}/retract`, {});
    const after = await walk(`match[type]=indicator&added_after=${encodeURIComponent(first.last)}`);
    expect(after.seen.map((o) => [o.id, o.revoked])).toEqual([[objects[3]!.id, true]]);
  });
});

describe('tombstones', () => {
  test('when objects are deleted, then a consumer polling the tombstone feed after its last position gets each one, without content, paged', async () => {
    const objects = Array.from({ length: 3 }, () => indicator());
    await post('alice', ...objects);
    const bound = (await server.get(`${COLL}/objects/?limit=1000`, 'carol')).headers['x-taxii-date-added-last'] as string;
    for (const o of objects) expect((await server.del(`${COLL}/objects/${o.id}/`, 'alice')).status).toBe(200);
    const feed = (query: string, user = 'carol') => server.raw().get(`${COLL}/x-accord-tombstones/?${query}`).auth(user, PASSWORD);
    const first = await feed(`added_after=${encodeURIComponent(bound)}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.more).toBe(true);
    expect(first.body.tombstones).toEqual(objects.slice(0, 2).map((o) => ({ id: o.id, versions: ['2026-01-01T00:00:00.000Z'], removed_at: expect.any(String), reason: 'deleted' })));
    const second = await feed(`next=${encodeURIComponent(first.body.next)}`);
    expect(second.body).toEqual({ more: false, tombstones: [expect.objectContaining({ id: objects[2]!.id })] });
    expect(second.headers['x-taxii-date-added-last']).toBe(second.body.tombstones[0].removed_at);
    expect(JSON.stringify(first.body)).not.toContain('Malicious site');
    expect((await feed('', 'mallory')).status).toBe(404);
    expect((await feed('added_after=yesterday')).status).toBe(400);
  });
});

describe('members collection', () => {
  test("when a partnership serves a members collection, then every member reads each member's identity over TAXII, and nobody writes to it", async () => {
    const enabled = await server.raw().patch('/admin/partnerships/api1').auth('dave', PASSWORD).send({ members_collection: true });
    expect(enabled.body.members_collection).toBe(true);
    const listed = body(await server.get('/api1/collections/', 'carol')).collections as Array<{ id: string; alias?: string; can_write: boolean }>;
    const members = listed.find((c) => c.alias === 'members')!;
    expect(members.can_write).toBe(false);
    const identities = body(await server.get(`/api1/collections/members/objects/`, 'carol')).objects as Array<Record<string, unknown>>;
    expect(identities.map((i) => i.id).sort()).toEqual(['alpha', 'beta', 'delta', 'gamma'].map((o) => identityOf[o]).sort());
    expect(identities.every((i) => i.type === 'identity' && i.identity_class === 'organization')).toBe(true);
    const write = await server.post(`/api1/collections/members/objects/`, envelope(indicator()), 'dave');
    expect([write.status, body(write).description]).toEqual([403, "This is the partnership's members collection: the server keeps it, so no one may add objects to it."]);
    await server.operate('members.set', { partnership: 'api1', org: 'mallory-org', role: 'consumer' });
    const after = body(await server.get(`/api1/collections/members/objects/?match[id]=${identityOf['mallory-org']}`, 'carol')).objects;
    expect(after).toEqual([expect.objectContaining({ id: identityOf['mallory-org'], name: 'Organisation mallory-org' })]);
  });
});
