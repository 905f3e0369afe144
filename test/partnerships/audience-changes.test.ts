/**
 * Audiences changing under a running server (docs/taxii.md#audiences): a change
 * applies to the member's next request, and what it obtained while in the
 * audience (a `next` token, a status id) reveals nothing once it is out, over
 * TAXII 2.1 and 2.0 alike. The access matrix covers the rule itself.
 */

import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { body, PASSWORD, RW, startTestServer, TAXII, type TestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';

const TAXII20 = 'application/vnd.oasis.taxii+json; version=2.0';
const AUDIENCE = `/admin/partnerships/api1/collections/${RW}/audience`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

/** The steward of api1 sets RW's audience through the admin API. */
async function setAudience(audience: { read?: string[]; write?: string[] } | null): Promise<void> {
  const res = audience === null ? await server.raw().delete(AUDIENCE).auth('dave', PASSWORD) : await server.raw().put(AUDIENCE).auth('dave', PASSWORD).send(audience);
  expect(res.status).toBe(audience === null ? 204 : 200);
}

/** Status, body (but its own error_id) and headers (but those of every request) of an answer. */
function answer(res: Response): unknown {
  const headers = Object.entries(res.headers).filter(([name]) => name !== 'date' && name !== 'x-request-id');
  return { status: res.status, text: res.text.replace(/"error_id":"[0-9a-f-]{36}"/, '"error_id":"…"'), headers: headers.sort() };
}

const get20 = (path: string, user: string) => server.raw().get(path).auth(user, PASSWORD).set('Accept', TAXII20);

describe('a member taken out of the audience', () => {
  let next: string;
  let statusId: string;

  beforeAll(async () => {
    await setAudience(null);
    const added = await server.post(`/api1/collections/${RW}/objects/`, envelope(indicator(), indicator(), indicator()));
    expect(added.status).toBe(202);
    statusId = body(added).id;
    const page = await server.get(`/api1/collections/${RW}/objects/?limit=1`);
    expect(body(page).more).toBe(true);
    next = body(page).next;
  });

  test('when the steward leaves it out of both lists, then its next request finds the collection, its next token and its status missing, on TAXII 2.1 and 2.0', async () => {
    expect((await server.get(`/api1/collections/${RW}/objects/?next=${encodeURIComponent(next)}`)).status).toBe(200);
    await setAudience({ read: ['delta'], write: ['delta'] });

    const missingId = randomUUID();
    const paged = await server.get(`/api1/collections/${RW}/objects/?next=${encodeURIComponent(next)}`);
    const pagedMissing = await server.get(`/api1/collections/${missingId}/objects/?next=${encodeURIComponent(next)}`);
    expect(answer(paged)).toEqual(answer(pagedMissing));
    expect(paged.status).toBe(404);
    const status = await server.get(`/api1/status/${statusId}/`);
    expect(answer(status)).toEqual(answer(await server.get(`/api1/status/${randomUUID()}/`)));
    expect(status.status).toBe(404);
    expect((body(await server.get('/api1/collections/')).collections ?? []).map((c: { id: string }) => c.id)).not.toContain(RW);
    expect((await server.get(`/api1/collections/rw/`)).status).toBe(404);

    const paged20 = await get20(`/api1/collections/${RW}/objects/`, 'alice');
    expect(answer(paged20)).toEqual(answer(await get20(`/api1/collections/${missingId}/objects/`, 'alice')));
    expect(paged20.status).toBe(404);
    expect(JSON.parse((await get20('/api1/collections/', 'alice')).text).collections.map((c: { id: string }) => c.id)).not.toContain(RW);
  });

  test('when the steward lets it write but not read, then it sees the collection without reading, keeps its status and its next token is refused', async () => {
    await setAudience({ read: ['delta'], write: ['alpha', 'delta'] });
    const collection = body(await server.get(`/api1/collections/${RW}/`));
    expect([collection.can_read, collection.can_write]).toEqual([false, true]);
    const paged = await server.get(`/api1/collections/${RW}/objects/?next=${encodeURIComponent(next)}`);
    expect([paged.status, body(paged).description]).toEqual([403, 'You may add objects to this collection but not read it.']);
    expect((await get20(`/api1/collections/${RW}/objects/`, 'alice')).status).toBe(403);
    // Its own submission's outcome, in a collection it still writes to.
    expect((await server.get(`/api1/status/${statusId}/`)).status).toBe(200);
    expect((await server.post(`/api1/collections/${RW}/objects/`, envelope(indicator()))).status).toBe(202);
  });

  test('when the steward lets it read but not write, then Add Objects and Delete are 403 naming the audience', async () => {
    await setAudience({ read: ['alpha', 'delta'], write: ['delta'] });
    const added = await server.post(`/api1/collections/${RW}/objects/`, envelope(indicator()));
    expect([added.status, body(added).description]).toEqual([403, "Your organisation is not among this collection's writers: it may read it but not add objects to it."]);
    const own = indicator();
    await setAudience(null);
    expect((await server.post(`/api1/collections/${RW}/objects/`, envelope(own))).status).toBe(202);
    await setAudience({ read: ['alpha', 'delta'], write: ['delta'] });
    expect((await server.del(`/api1/collections/${RW}/objects/${own.id}/`)).status).toBe(403);
    expect((await server.get(`/api1/collections/${RW}/objects/?next=${encodeURIComponent(next)}`)).status).toBe(200);
  });

  test('when the steward clears the audience, then the next request reads with the role again and the token resumes', async () => {
    await setAudience({ read: ['delta'] });
    expect((await server.get(`/api1/collections/${RW}/objects/`, 'carol')).status).toBe(404);
    await setAudience(null);
    expect((await server.get(`/api1/collections/${RW}/objects/`, 'carol')).status).toBe(200);
    expect((await server.get(`/api1/collections/${RW}/objects/?next=${encodeURIComponent(next)}`)).status).toBe(200);
  });
});

describe('stewards and the audience', () => {
  afterAll(async () => setAudience(null));

  test('when the steward is outside the audience, then TAXII hides the collection from it but the admin API still lists and administers it', async () => {
    await setAudience({ read: ['alpha'], write: ['alpha'] });
    expect((await server.get(`/api1/collections/${RW}/`, 'dave')).status).toBe(404);
    const listed = (await server.raw().get('/admin/partnerships/api1/collections').auth('dave', PASSWORD)).body.collections;
    expect(listed.find((c: { id: string }) => c.id === RW).audience).toEqual({ read: ['alpha'], write: ['alpha'] });
    expect((await server.raw().patch(`/admin/partnerships/api1/collections/${RW}`).auth('dave', PASSWORD).send({ description: 'Narrowed' })).status).toBe(200);
    expect((await server.raw().get(AUDIENCE).auth('dave', PASSWORD)).body).toEqual({ partnership: 'api1', collection: RW, read: ['alpha'], write: ['alpha'] });
  });

  test('when a publisher outside the write audience retracts its object through the admin API, then it is refused, and outside both the collection is missing', async () => {
    const own = indicator();
    expect((await server.post(`/api1/collections/${RW}/objects/`, envelope(own))).status).toBe(202);
    const retract = (user: string) => server.raw().post(`/admin/partnerships/api1/collections/${RW}/objects/${own.id}/retract`).auth(user, PASSWORD).send({});
    await setAudience({ read: ['alpha'], write: ['delta'] });
    expect((await retract('alice')).status).toBe(403);
    await setAudience({ read: ['delta'], write: ['delta'] });
    const hidden = await retract('alice');
    expect([hidden.status, hidden.body.description]).toEqual([404, `No collection ${RW} in api1.`]);
    await setAudience({ read: ['alpha'], write: ['alpha'] });
    expect((await retract('alice')).status).toBe(201);
  });
});
