/**
 * Moderated collections through HTTP on a real store (docs/taxii.md#moderated-collections):
 * a publisher's objects wait as pending, invisible to every reader, until a
 * steward approves them (stored then, with that date_added) or rejects them (a
 * failure with the reason); the submitter's status follows, polled as
 * taxii2-client's wait_for_completion does; a steward's own posts are stored at once.
 */

import { randomUUID } from 'node:crypto';
import { body, PASSWORD, startTestServer, type TestServer } from '../support/harness';
import { moderatedConfig, REVIEWED } from '../support/moderation';
import { schemaValidator } from '../support/openapi';
import { envelope, indicator, recordOf } from '../support/stix';
import { SUBMISSIONS as SUBMISSIONS_TABLE, type Submission } from '../../src/partnerships/submissions';
import { EntityTable } from '../../src/store/entity-table';

const OBJECTS = `/api1/collections/${REVIEWED}/objects/`;
const SUBMISSIONS = `/admin/partnerships/api1/collections/${REVIEWED}/submissions`;
const TAXII20 = 'application/vnd.oasis.taxii+json; version=2.0';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(moderatedConfig);
});
afterAll(async () => server.close());

const admin = (user: string) => ({
  get: (url: string) => server.raw().get(url).auth(user, PASSWORD),
  post: (url: string, json: unknown) => server.raw().post(url).auth(user, PASSWORD).send(json as object),
});

/** Polls the status until it is final, as taxii2-client's Status.wait_until_final does (refresh, then look at `status`). */
async function waitUntilFinal(statusId: string, decideMeanwhile: () => Promise<void>): Promise<Record<string, any>> {
  let status = body(await server.get(`/api1/status/${statusId}/`));
  for (let polls = 0; status.status !== 'complete' && polls < 5; polls++) {
    await decideMeanwhile();
    status = body(await server.get(`/api1/status/${statusId}/`));
  }
  return status;
}

/** What every reader gets of one object over every read path: pages, manifest, the object, its versions, TAXII 2.0. */
async function seenBy(user: string, id: string): Promise<Record<string, unknown>> {
  const ids = (res: { text: string }) => (body(res).objects ?? []).map((o: { id: string }) => o.id);
  const page = await server.get(OBJECTS, user);
  const manifest = await server.get(`/api1/collections/${REVIEWED}/manifest/`, user);
  const object = await server.get(`${OBJECTS}${id}/`, user);
  const versions = await server.get(`${OBJECTS}${id}/versions/`, user);
  const taxii20 = await server.raw().get(OBJECTS).auth(user, PASSWORD).set('Accept', TAXII20);
  return {
    page: ids(page).includes(id),
    manifest: ids(manifest).includes(id),
    object: object.status,
    versions: versions.status,
    taxii20: (JSON.parse(taxii20.text).objects ?? []).some((o: { id: string }) => o.id === id),
  };
}
const INVISIBLE = { page: false, manifest: false, object: 404, versions: 404, taxii20: false };
const VISIBLE = { page: true, manifest: true, object: 200, versions: 200, taxii20: true };

async function pendingOf(statusId: string): Promise<Array<Record<string, any>>> {
  return (await admin('dave').get(`${SUBMISSIONS}?limit=1000`)).body.submissions.filter((s: { status_id: string }) => s.status_id === statusId);
}

test('when a publisher posts to a moderated collection, then valid objects are pending and invisible to every reader, and invalid ones fail at once', async () => {
  const good = indicator();
  const bad = indicator({ pattern: 'not a pattern' });
  const posted = await server.post(OBJECTS, envelope(good, bad));
  expect(posted.status).toBe(202);
  expect(body(posted)).toMatchObject({ status: 'pending', total_count: 2, success_count: 0, failure_count: 1, pending_count: 1, pendings: [{ id: good.id, version: good.modified }] });
  expect(body(posted).failures[0].id).toBe(bad.id);
  expect(body(posted).successes).toBeUndefined();
  for (const user of ['alice', 'carol', 'dave']) expect(await seenBy(user, good.id as string)).toEqual(INVISIBLE);
  const validate = schemaValidator();
  expect(validate({ $ref: '#/components/schemas/Status' }, body(posted))).toEqual([]);
  const [listed] = await pendingOf(body(posted).id);
  expect(validate({ $ref: '#/components/schemas/AdminSubmission' }, listed)).toEqual([]);
  expect(listed).toMatchObject({ status_id: body(posted).id, object_id: good.id, version: good.modified, submitter: { organisation: 'alpha', user: 'alice' }, object: good });
});

test('when the steward approves, then the polling submitter sees a success, readers see the object, and a poller resuming with added_after receives it', async () => {
  expect(body(await server.post(OBJECTS, envelope(indicator(), indicator()), 'dave')).status).toBe('complete');
  const resumeFrom = (await server.get(OBJECTS, 'carol')).headers['x-taxii-date-added-last'] as string;
  const next = body(await server.get(`${OBJECTS}?limit=1`, 'carol')).next as string;
  expect(next).toEqual(expect.any(String));
  const good = indicator();
  const statusId = body(await server.post(OBJECTS, envelope(good))).id as string;

  const final = await waitUntilFinal(statusId, async () => {
    const [submission] = await pendingOf(statusId);
    const approved = await admin('dave').post(`${SUBMISSIONS}/approve`, { ids: [submission!.id] });
    expect([approved.status, approved.body.decided[0].outcome]).toEqual([200, 'stored']);
    expect(schemaValidator()({ $ref: '#/components/schemas/AdminDecision' }, approved.body.decided[0])).toEqual([]);
  });
  expect(final).toMatchObject({ status: 'complete', total_count: 1, success_count: 1, failure_count: 0, pending_count: 0, successes: [{ id: good.id, version: good.modified }] });
  expect(final.pendings).toBeUndefined();
  for (const user of ['alice', 'carol', 'dave']) expect(await seenBy(user, good.id as string)).toEqual(VISIBLE);

  const resumed = await server.get(`${OBJECTS}?added_after=${resumeFrom}`, 'carol');
  expect(body(resumed).objects.map((o: { id: string }) => o.id)).toEqual([good.id]);
  // date_added is the approval's, after everything stored before it.
  expect(resumed.headers['x-taxii-date-added-first'] > resumeFrom).toBe(true);
  let followed = body(await server.get(`${OBJECTS}?next=${encodeURIComponent(next)}`, 'carol'));
  const received = followed.objects.map((o: { id: string }) => o.id);
  while (followed.more === true) {
    followed = body(await server.get(`${OBJECTS}?next=${encodeURIComponent(followed.next)}`, 'carol'));
    received.push(...followed.objects.map((o: { id: string }) => o.id));
  }
  expect(received.at(-1)).toBe(good.id);
});

test('when the steward rejects a whole status with a reason, then each object is a failure carrying it and never becomes visible', async () => {
  const [one, two] = [indicator(), indicator()];
  const statusId = body(await server.post(OBJECTS, envelope(one, two))).id as string;
  const rejected = await admin('dave').post(`${SUBMISSIONS}/reject`, { status_id: statusId, reason: 'not corroborated' });
  expect(rejected.status).toBe(200);
  expect(rejected.body.decided.map((d: { outcome: string }) => d.outcome)).toEqual(['rejected', 'rejected']);
  const status = body(await server.get(`/api1/status/${statusId}/`));
  expect(status).toMatchObject({ status: 'complete', success_count: 0, failure_count: 2, pending_count: 0 });
  expect(status.failures.map((f: { id: string; message: string }) => [f.id, f.message])).toEqual([
    [one.id, expect.stringContaining('not corroborated')],
    [two.id, expect.stringContaining('not corroborated')],
  ]);
  for (const obj of [one, two]) expect(await seenBy('dave', obj.id as string)).toEqual(INVISIBLE);
  expect(await pendingOf(statusId)).toEqual([]);
});

test('when the steward approves part of a status, then it stays pending with the counts moved, until the rest is decided', async () => {
  const [one, two] = [indicator(), indicator()];
  const statusId = body(await server.post(OBJECTS, envelope(one, two))).id as string;
  const [first, second] = await pendingOf(statusId);
  await admin('dave').post(`${SUBMISSIONS}/approve`, { ids: [first!.id] });
  expect(body(await server.get(`/api1/status/${statusId}/`))).toMatchObject({ status: 'pending', success_count: 1, pending_count: 1, pendings: [{ id: second!.object_id }] });
  await admin('dave').post(`${SUBMISSIONS}/reject`, { ids: [second!.id], reason: 'duplicate lead' });
  expect(body(await server.get(`/api1/status/${statusId}/`))).toMatchObject({ status: 'complete', success_count: 1, failure_count: 1, pending_count: 0 });
});

test('when the collection now refuses an approved object (a lower marking ceiling), then approval makes it a failure with the refusal, not a record', async () => {
  const amber = indicator({ object_marking_refs: ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'] });
  const statusId = body(await server.post(OBJECTS, envelope(amber))).id as string;
  const lowered = await server.raw().patch(`/admin/partnerships/api1/collections/${REVIEWED}`).auth('dave', PASSWORD).send({ marking_ceiling: 'green' });
  expect(lowered.status).toBe(200);
  try {
    const approved = await admin('dave').post(`${SUBMISSIONS}/approve`, { status_id: statusId });
    expect(approved.body.decided.map((d: { outcome: string }) => d.outcome)).toEqual(['refused']);
    const status = body(await server.get(`/api1/status/${statusId}/`));
    expect(status).toMatchObject({ status: 'complete', success_count: 0, failure_count: 1, failures: [{ id: amber.id, message: expect.stringContaining('[marking-ceiling]') }] });
    expect(await seenBy('dave', amber.id as string)).toEqual(INVISIBLE);
  } finally {
    await server.raw().patch(`/admin/partnerships/api1/collections/${REVIEWED}`).auth('dave', PASSWORD).send({ marking_ceiling: null });
  }
});

test("when a steward posts to a moderated collection, then its objects are stored at once", async () => {
  const own = indicator();
  const posted = body(await server.post(OBJECTS, envelope(own), 'dave'));
  expect(posted).toMatchObject({ status: 'complete', success_count: 1, pending_count: 0 });
  expect(await seenBy('carol', own.id as string)).toEqual(VISIBLE);
});

test('when anyone but the submitter asks for a pending status, then it is 404 like an unknown one', async () => {
  const statusId = body(await server.post(OBJECTS, envelope(indicator()))).id as string;
  const unknown = await server.get(`/api1/status/${randomUUID()}/`, 'dave');
  for (const user of ['dave', 'carol', 'bob', 'mallory']) {
    const res = await server.get(`/api1/status/${statusId}/`, user);
    expect([res.status, body(res).title]).toEqual([404, body(unknown).title]);
  }
});

test('when a non-steward decides, an unknown submission is named, or a rejection has no reason, then it is refused and nothing is decided', async () => {
  const statusId = body(await server.post(OBJECTS, envelope(indicator()))).id as string;
  const [submission] = await pendingOf(statusId);
  expect((await admin('alice').post(`${SUBMISSIONS}/approve`, { ids: [submission!.id] })).status).toBe(403);
  expect((await admin('carol').get(SUBMISSIONS)).status).toBe(403);
  expect((await admin('bob').post(`${SUBMISSIONS}/approve`, { ids: [submission!.id] })).status).toBe(404);
  expect((await admin('dave').post(`${SUBMISSIONS}/approve`, { ids: [submission!.id, randomUUID()] })).status).toBe(404);
  expect((await admin('dave').post(`${SUBMISSIONS}/approve`, { status_id: randomUUID() })).status).toBe(404);
  expect((await admin('dave').post(`${SUBMISSIONS}/reject`, { ids: [submission!.id] })).status).toBe(422);
  expect((await admin('dave').post(`${SUBMISSIONS}/approve`, {})).status).toBe(422);
  expect(await pendingOf(statusId)).toHaveLength(1);
  expect(body(await server.get(`/api1/status/${statusId}/`)).status).toBe('pending');
});

test('when the steward lists submissions in pages, then each comes once, oldest first', async () => {
  await server.post(OBJECTS, envelope(indicator(), indicator(), indicator()));
  const all = (await admin('dave').get(`${SUBMISSIONS}?limit=1000`)).body.submissions.map((s: { id: string }) => s.id);
  const paged: string[] = [];
  let after: string | undefined;
  do {
    const page = (await admin('dave').get(`${SUBMISSIONS}?limit=2${after === undefined ? '' : `&after=${after}`}`)).body;
    paged.push(...page.submissions.map((s: { id: string }) => s.id));
    after = page.more ? page.next : undefined;
  } while (after !== undefined);
  expect(paged).toEqual(all);
  expect(all.length).toBeGreaterThanOrEqual(3);
});

test('when the collection is made moderated or not, and submissions are decided, then each is in the audit trail', async () => {
  const patched = await server.raw().patch('/admin/partnerships/api1/collections/second').auth('dave', PASSWORD).send({ moderated: true });
  expect([patched.status, patched.body.moderated]).toEqual([200, true]);
  await server.raw().patch('/admin/partnerships/api1/collections/second').auth('dave', PASSWORD).send({ moderated: false });
  const statusId = body(await server.post(OBJECTS, envelope(indicator(), indicator()))).id as string;
  const [one, two] = await pendingOf(statusId);
  await admin('dave').post(`${SUBMISSIONS}/approve`, { ids: [one!.id] });
  await admin('dave').post(`${SUBMISSIONS}/reject`, { ids: [two!.id], reason: 'out of scope' });
  const trail = (await admin('dave').get('/admin/partnerships/api1/audit?limit=1000')).body.entries as Array<Record<string, unknown>>;
  expect(trail.find((e) => e.operation === 'add_collection' && e.collection === REVIEWED)).toMatchObject({ user: 'seed', detail: 'Reviewed (moderated)' });
  expect(trail.filter((e) => e.operation === 'update_collection').slice(-2).map((e) => e.detail)).toEqual(['moderated=true', 'moderated=false']);
  expect(trail.filter((e) => e.operation === 'approve_submissions').at(-1)).toMatchObject({ user: 'dave', collection: REVIEWED, outcome: 200, detail: `1 stored, 0 refused; submissions ${one!.id}` });
  expect(trail.filter((e) => e.operation === 'reject_submissions').at(-1)).toMatchObject({ user: 'dave', collection: REVIEWED, detail: `1 rejected: out of scope; submissions ${two!.id}` });
});

test('when a submission has no status yet, then deciding it is 409 while its request may still be answered, and an orphan past that is decided', async () => {
  const table = new EntityTable(server.runtime.store, SUBMISSIONS_TABLE);
  const orphan = (submittedAt: number): Submission => {
    const obj = indicator();
    return { id: randomUUID(), partnership: 'api1', collectionId: REVIEWED, statusId: randomUUID(), submittedAt, index: 0, record: { ...recordOf(obj), submitter: { organisation: 'alpha' } }, mayActFor: ['org:alpha'], statusKeptMicros: 1 };
  };
  const inFlight = await table.create(orphan(Date.now() * 1000));
  const approved = await admin('dave').post(`${SUBMISSIONS}/approve`, { ids: [inFlight.id] });
  expect(approved.status).toBe(409);
  expect((await table.get(inFlight.id))?.id).toBe(inFlight.id);
  const old = await table.create(orphan(Date.now() * 1000 - 3_600_000_000));
  const rejected = await admin('dave').post(`${SUBMISSIONS}/reject`, { ids: [old.id], reason: 'orphan' });
  expect([rejected.status, rejected.body.decided[0].outcome]).toEqual([200, 'rejected']);
  expect(await table.get(old.id)).toBeNull();
  await table.delete(inFlight.id);
});

test('when a steward approves a whole envelope of more submissions than one chunk of decisions, then every object is stored and the status completes with each one a success', async () => {
  const objects = Array.from({ length: 250 }, () => indicator());
  const posted = await server.post(OBJECTS, envelope(...objects));
  expect(body(posted)).toMatchObject({ status: 'pending', pending_count: 250 });
  const approved = await admin('dave').post(`${SUBMISSIONS}/approve`, { status_id: body(posted).id });
  expect(approved.status).toBe(200);
  expect(approved.body.decided.filter((d: { outcome: string }) => d.outcome === 'stored')).toHaveLength(250);
  const status = body(await server.get(`/api1/status/${body(posted).id}/`));
  expect(status).toMatchObject({ status: 'complete', success_count: 250, failure_count: 0, pending_count: 0 });
  expect(new Set(status.successes.map((d: { id: string }) => d.id))).toEqual(new Set(objects.map((o) => o.id)));
  expect(await pendingOf(body(posted).id)).toEqual([]);
});
