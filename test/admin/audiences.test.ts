/**
 * Audiences through the admin API (docs/taxii.md#audiences): stewards and
 * administrators set, show and clear them; bad audiences are refused naming the
 * problem; every change is in the partnership's audit trail; a member that
 * leaves the partnership leaves every audience.
 */

import { PASSWORD, RW, SECOND, startTestServer, type TestServer } from '../support/harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

const path = (collection: string, partnership = 'api1') => `/admin/partnerships/${partnership}/collections/${collection}/audience`;
const as = (user: string) => ({
  get: (url: string) => server.raw().get(url).auth(user, PASSWORD),
  put: (url: string, json: unknown) => server.raw().put(url).auth(user, PASSWORD).send(json as object),
  del: (url: string) => server.raw().delete(url).auth(user, PASSWORD),
});

async function trail(): Promise<Array<Record<string, unknown>>> {
  return (await as('dave').get('/admin/partnerships/api1/audit?limit=1000')).body.entries;
}

test('when the steward sets an audience by alias, then it is answered, shown, listed with the collection and audited', async () => {
  const set = await as('dave').put(path('second'), { read: ['gamma', 'delta'], write: ['delta'] });
  expect([set.status, set.body]).toEqual([200, { partnership: 'api1', collection: SECOND, read: ['gamma', 'delta'], write: ['delta'] }]);
  expect((await as('dave').get(path(SECOND))).body).toEqual(set.body);
  const listed = (await as('dave').get('/admin/partnerships/api1/collections')).body.collections;
  expect(listed.find((c: { id: string }) => c.id === SECOND).audience).toEqual({ read: ['gamma', 'delta'], write: ['delta'] });
  expect(listed.find((c: { id: string }) => c.id === RW).audience).toBeUndefined();
  expect((await trail()).filter((e) => e.operation === 'set_audience').at(-1)).toMatchObject({
    organisation: 'delta',
    user: 'dave',
    partnership: 'api1',
    collection: SECOND,
    outcome: 200,
    detail: 'read: gamma, delta; write: delta',
  });
});

test('when one list is given, or an empty one, then the other right stays with the role and the empty one admits nobody', async () => {
  expect((await as('root').put(path(SECOND), { write: [] })).body).toEqual({ partnership: 'api1', collection: SECOND, write: [] });
  expect((await trail()).filter((e) => e.operation === 'set_audience').at(-1)).toMatchObject({ user: 'root', detail: 'read: every member by role; write: nobody' });
});

test('when the steward clears the audience, then it is gone and the clearing is audited', async () => {
  expect((await as('dave').del(path(SECOND))).status).toBe(204);
  expect((await as('dave').get(path(SECOND))).body).toEqual({ partnership: 'api1', collection: SECOND });
  expect((await trail()).filter((e) => e.operation === 'clear_audience').at(-1)).toMatchObject({ collection: SECOND, detail: 'read: every member by role; write: every member by role' });
});

test.each<[string, unknown, string]>([
  ['an unknown organisation', { read: ['alpha', 'nobody'] }, 'read: "nobody" is not a member organisation of api1'],
  ['an organisation of another partnership', { write: ['beta'] }, 'write: "beta" is not a member organisation of api1'],
  ['no list at all', {}, 'the body: must name read, write or both (DELETE clears the audience)'],
  ['a misspelt list', { readers: ['alpha'] }, 'the body: must name read, write or both'],
  ['an organisation twice', { read: ['alpha', 'alpha'] }, 'read: must NOT have duplicate items'],
  ['a list that is not one', { read: 'alpha' }, 'read: must be array'],
])('when the audience names %s, then 422 says so and nothing changes', async (_name, audience, expected) => {
  const changes = async () => (await trail()).filter((e) => e.operation === 'set_audience').length;
  const before = await changes();
  const res = await as('dave').put(path(RW), audience);
  expect([res.status, res.body.description]).toEqual([422, expect.stringContaining(expected)]);
  expect((await as('dave').get(path(RW))).body).toEqual({ partnership: 'api1', collection: RW });
  expect(await changes()).toBe(before);
});

test('when someone other than a steward of the partnership sets an audience, then a member is refused and an outsider finds nothing', async () => {
  expect((await as('alice').put(path(RW), { read: ['alpha'] })).status).toBe(403);
  expect((await as('carol').del(path(RW))).status).toBe(403);
  expect((await as('bob').put(path(RW), { read: ['alpha'] })).status).toBe(404);
  expect((await as('dave').put(path('no-such-collection'), { read: ['alpha'] })).status).toBe(404);
  expect((await as('dave').get(path(RW))).body.read).toBeUndefined();
});

test('when the partnership serves a members collection, then it takes no audience', async () => {
  expect((await server.raw().patch('/admin/partnerships/api1').auth('root', PASSWORD).send({ members_collection: true })).status).toBe(200);
  const res = await as('dave').put(path('members'), { read: ['delta'] });
  expect([res.status, res.body.description]).toEqual([403, 'The members collection is read by every member: it takes no audience.']);
  expect((await server.raw().patch('/admin/partnerships/api1').auth('root', PASSWORD).send({ members_collection: false })).status).toBe(200);
});

test('when a member leaves the partnership, then it leaves every audience, so joining again does not restore what was narrowed', async () => {
  await as('dave').put(path(RW), { read: ['gamma', 'delta'], write: ['delta'] });
  expect((await server.raw().delete('/admin/partnerships/api1/members/gamma').auth('dave', PASSWORD)).status).toBe(204);
  expect((await as('dave').get(path(RW))).body).toEqual({ partnership: 'api1', collection: RW, read: ['delta'], write: ['delta'] });
  expect((await trail()).filter((e) => e.operation === 'remove_member').at(-1)).toMatchObject({ detail: `gamma, also from the audience of ${RW}` });
  expect((await server.raw().put('/admin/partnerships/api1/members/gamma').auth('dave', PASSWORD).send({ role: 'consumer' })).status).toBe(200);
  expect((await server.get(`/api1/collections/${RW}/`, 'carol')).status).toBe(404);
  expect((await server.get(`/api1/collections/${SECOND}/`, 'carol')).status).toBe(200);
});
