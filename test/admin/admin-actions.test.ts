/**
 * What every admin adapter shares because it goes through one action: bodies
 * checked against the action's schema before anything runs (422 naming each
 * field and what was expected), and the seed performed as the local operator
 * `seed`, audited like its API twin.
 */

import { PASSWORD, startTestServer, type TestServer } from '../support/harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

const asRoot = {
  post: (path: string, json: unknown) => server.raw().post(path).auth('root', PASSWORD).send(json as object),
  patch: (path: string, json: unknown) => server.raw().patch(path).auth('root', PASSWORD).send(json as object),
};

test.each<[string, () => Promise<{ status: number; text: string }>, string[]]>([
  ['an organisation id with a space', () => asRoot.post('/admin/organisations', { id: 'Bad Id', name: 'x' }), [`id "Bad Id": 2-63 lower-case letters, digits or '-'`]],
  ['a missing name and a blank one', () => asRoot.post('/admin/organisations', { id: 'blank-one', name: '   ' }), ['name "   ": must not be blank']],
  ['a required field left out', () => asRoot.post('/admin/partnerships', { path: 'p-1', kind: 'bilateral' }), ['title: is required']],
  ['an unknown kind and an impossible date at once', () => asRoot.post('/admin/partnerships', { path: 'p-2', title: 'x', kind: 'club', start_date: '2026-02-30' }), [
    'kind "club": one of bilateral, working_group, regional_operation',
    'start_date "2026-02-30": a real date, YYYY-MM-DD',
  ]],
  ['a marking ceiling that is not a TLP level', () => asRoot.patch('/admin/partnerships/api1/collections/rw', { marking_ceiling: 'purple' }), ['marking_ceiling "purple": one of clear, green, amber, amber+strict, red']],
  ['a reserved path in another case', () => asRoot.post('/admin/partnerships', { path: 'TAXII2', title: 'x', kind: 'bilateral' }), ['path "TAXII2": must be one URL segment']],
  ['a number where a flag is expected', () => asRoot.patch('/admin/partnerships/api1', { always_list_objects: 1 }), ['always_list_objects: must be boolean']],
])('when the body has %s, then 422 names each field and what it expects, and nothing changes', async (_name, send, expected) => {
  const res = await send();
  expect(res.status).toBe(422);
  for (const text of expected) expect(JSON.parse(res.text).description).toContain(text);
  const partnerships = (await server.raw().get('/admin/partnerships').auth('root', PASSWORD)).body.partnerships.map((p: { path: string }) => p.path);
  expect(partnerships).toEqual(['api1', 'api2']);
});

test('when the store was seeded at first start, then the trail shows each seeded change by the operator "seed"', async () => {
  await server.runtime.audit.flush();
  const entries = (await server.raw().get('/admin/audit?limit=1000').auth('root', PASSWORD)).body.entries as Array<Record<string, unknown>>;
  const seeded = entries.filter((e) => e.user === 'seed');
  expect(seeded.filter((e) => e.operation === 'add_organisation').map((e) => String(e.detail).split(' (')[0])).toEqual(['organisation alpha', 'organisation beta', 'organisation gamma', 'organisation delta', 'organisation mallory-org', 'organisation ops']);
  expect(seeded.filter((e) => e.operation === 'add_user')).toHaveLength(6);
  expect(seeded.filter((e) => e.operation === 'set_member' && e.partnership === 'api1').map((e) => e.detail)).toEqual(['alpha as publisher', 'gamma as consumer', 'delta as steward']);
  expect(seeded.filter((e) => e.operation === 'add_collection').map((e) => e.collection)).toHaveLength(3);
  expect(JSON.stringify(seeded)).not.toContain('scrypt');
});

test('when the operator performs an action a signed-in caller could not, then only the operator may (operator-only actions have no route)', async () => {
  const key = { id: 'abcdefabcdefabcdefabcdef', secret_hash: `sha256:${'0'.repeat(64)}` };
  await expect(server.operate('keys.import', { ...key, org: 'alpha' })).resolves.toMatchObject({ id: key.id, organisationId: 'alpha' });
  const root = { organisationId: 'ops', username: 'root', admin: true, scheme: 'basic' as const };
  const importKey = (await import('../../src/admin/api-keys')).importKey;
  await expect(server.runtime.admin.perform(importKey, root, { ...key, id: 'fedcbafedcbafedcbafedcba', org: 'alpha' })).rejects.toThrow('Only the local operator may do this.');
});
