/**
 * Provenance bound to the credential: each organisation has a STIX identity, and
 * an object may name as its creator (created_by_ref) only the poster's own
 * identity or one an administrator lets it relay. No member publishes in another
 * member's name; a collection may require every object to name its creator.
 */

import { randomUUID } from 'node:crypto';
import { body, PASSWORD, RW, SECOND, startTestServer, type TestServer } from '../support/harness';
import { envelope, indicator, ipv4 } from '../support/stix';

let server: TestServer;
let identityOf: Record<string, string>;
beforeAll(async () => {
  server = await startTestServer();
  const organisations = (await server.raw().get('/admin/organisations').auth('root', PASSWORD)).body.organisations as Array<{ id: string; identity_id: string }>;
  identityOf = Object.fromEntries(organisations.map((o) => [o.id, o.identity_id]));
});
afterAll(async () => server.close());

const post = async (user: string, ...objects: unknown[]) => body(await server.post(`/api1/collections/${RW}/objects/`, envelope(...objects), user));
const admin = {
  post: (path: string, json: unknown) => server.raw().post(path).auth('root', PASSWORD).send(json as object),
  del: (path: string) => server.raw().delete(path).auth('root', PASSWORD),
};
const outside = () => `identity--${randomUUID()}`;

test('when organisations are listed, then each has a distinct STIX identity id, and one may be given at creation but not taken twice', async () => {
  const ids = Object.values(identityOf);
  expect(ids.every((id) => /^identity--[0-9a-f-]{36}$/.test(id))).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
  const chosen = outside();
  const created = await admin.post('/admin/organisations', { id: 'cert-unit', name: 'A CERT', identity_id: chosen });
  expect([created.status, created.body.identity_id]).toEqual([201, chosen]);
  expect((await admin.post('/admin/organisations', { id: 'cert-copy', name: 'Copycat', identity_id: chosen })).status).toBe(409);
  expect((await admin.post('/admin/organisations', { id: 'cert-bad', name: 'Bad', identity_id: 'identity--NOT-A-UUID' })).status).toBe(422);
});

test("when a member names its own identity as creator, then the object is stored; another member's identity or an unknown one is refused per object", async () => {
  const own = indicator({ created_by_ref: identityOf.delta });
  const forged = indicator({ created_by_ref: identityOf.alpha });
  const unknown = indicator({ created_by_ref: outside() });
  const status = await post('dave', own, forged, unknown, indicator());
  expect(status.successes.map((s: { id: string }) => s.id)).toEqual([own.id, expect.stringMatching(/^indicator--/)]);
  expect(status.failures.map((f: { id: string }) => f.id)).toEqual([forged.id, unknown.id]);
  for (const failure of status.failures) expect(failure.message).toMatch(new RegExp(`provenance.*${identityOf.delta}`));
});

test('when an administrator grants a relay, then that identity is accepted from that organisation only, until the grant is withdrawn', async () => {
  const mitre = outside();
  expect((await post('dave', indicator({ created_by_ref: mitre }))).failure_count).toBe(1);
  const granted = await admin.post('/admin/organisations/delta/relays', { identity_id: mitre });
  expect([granted.status, granted.body]).toEqual([201, { organisation: 'delta', identity_id: mitre }]);
  expect((await post('dave', indicator({ created_by_ref: mitre }))).success_count).toBe(1);
  expect((await server.raw().get('/admin/organisations/delta/relays').auth('root', PASSWORD)).body.relays).toEqual([{ organisation: 'delta', identity_id: mitre }]);
  expect((await admin.post('/admin/organisations/delta/relays', { identity_id: mitre })).status).toBe(409);
  expect((await admin.post('/admin/organisations/delta/relays', { identity_id: identityOf.delta })).status).toBe(422);
  expect((await admin.del(`/admin/organisations/delta/relays/${mitre}`)).status).toBe(204);
  expect((await post('dave', indicator({ created_by_ref: mitre }))).failure_count).toBe(1);
  expect((await admin.del(`/admin/organisations/delta/relays/${mitre}`)).status).toBe(404);
});

test("when an organisation may relay any outside identity, then it still may not name another member's identity", async () => {
  // alpha's grant is `*` (test/support/harness.ts).
  const status = await post('alice', indicator({ created_by_ref: outside() }), indicator({ created_by_ref: identityOf.delta }), indicator({ created_by_ref: identityOf.alpha }));
  expect(status.failures.map((f: { message: string }) => f.message.includes('provenance'))).toEqual([true]);
  expect(status.success_count).toBe(2);
});

test('when a relay grant is made by a non-administrator, then it is refused and nothing changes', async () => {
  expect((await server.raw().post('/admin/organisations/alpha/relays').auth('dave', PASSWORD).send({ identity_id: outside() })).status).toBe(403);
});

test('when a collection requires created_by_ref, then objects without it are refused, SCOs excepted', async () => {
  const required = await server.raw().patch(`/admin/partnerships/api1/collections/${SECOND}`).auth('dave', PASSWORD).send({ require_created_by_ref: true });
  expect(required.body.require_created_by_ref).toBe(true);
  const anonymous = indicator();
  const signed = indicator({ created_by_ref: identityOf.delta });
  const observable = ipv4('198.51.100.9');
  const status = body(await server.post(`/api1/collections/${SECOND}/objects/`, envelope(anonymous, signed, observable), 'dave'));
  expect(status.failures.map((f: { id: string; message: string }) => [f.id, f.message.includes('created-by-ref-required')])).toEqual([[anonymous.id, true]]);
  expect(status.success_count).toBe(2);
});
