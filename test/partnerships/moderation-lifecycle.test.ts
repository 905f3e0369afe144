/**
 * Pending submissions kept like the rest of a store (docs/taxii.md#moderated-collections):
 * they survive a restart, `accord store copy` carries them (and their pending
 * statuses), and the retention sweep rejects one that waited past the
 * collection's retention period, its submitter's status saying why.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeCopyCommand } from '../../src/cli/store-copy';
import { body, PASSWORD, startTestServer, type TestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';
import { moderatedConfig, REVIEWED } from '../support/moderation';

const OBJECTS = `/api1/collections/${REVIEWED}/objects/`;
const SUBMISSIONS = `/admin/partnerships/api1/collections/${REVIEWED}/submissions`;
const DAY = 86_400_000_000;

let now = Date.now() * 1000 - 40 * DAY;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer((dir) => moderatedConfig(dir, { retention: { sweep_interval_minutes: 0 } }), { clock: () => now++ });
});
afterAll(async () => server.close());

const asDave = (s: TestServer) => ({
  get: (url: string) => s.raw().get(url).auth('dave', PASSWORD),
  post: (url: string, json: unknown) => s.raw().post(url).auth('dave', PASSWORD).send(json as object),
});

async function submit(s: TestServer, ...objects: Array<Record<string, unknown>>): Promise<string> {
  const posted = body(await s.post(OBJECTS, envelope(...objects)));
  expect(posted.status).toBe('pending');
  return posted.id as string;
}

const statusOf = async (s: TestServer, id: string) => body(await s.get(`/api1/status/${id}/`));
const pendingOf = async (s: TestServer, statusId: string) => ((await asDave(s).get(`${SUBMISSIONS}?limit=1000`)).body.submissions as Array<{ id: string; status_id: string; object_id: string }>).filter((p) => p.status_id === statusId);

test('when the server restarts on the same data directory, then pending submissions and their status are still there, and approval completes them', async () => {
  const obj = indicator();
  const statusId = await submit(server, obj);
  server = await server.restart();
  expect(await statusOf(server, statusId)).toMatchObject({ status: 'pending', pending_count: 1 });
  const [pending] = await pendingOf(server, statusId);
  expect(pending!.object_id).toBe(obj.id);
  expect((await asDave(server).post(`${SUBMISSIONS}/approve`, { status_id: statusId })).status).toBe(200);
  expect(await statusOf(server, statusId)).toMatchObject({ status: 'complete', success_count: 1, pending_count: 0 });
  expect((await server.get(`${OBJECTS}${obj.id}/`, 'carol')).status).toBe(200);
});

test('when the store is copied, then the copy serves the pending submission and its status, and approving it there stores it', async () => {
  if (server.config.store.backend !== 'sqlite') return;
  const obj = indicator();
  const statusId = await submit(server, obj);
  const target = mkdtempSync(join(tmpdir(), 'accord-copy-'));
  await storeCopyCommand(`sqlite:${join(server.dataDir, server.config.store.sqlite.file)}`, `sqlite:${join(target, 'accord.db')}`, { write: () => undefined });
  const copy = await startTestServer((dir) => moderatedConfig(dir, { retention: { sweep_interval_minutes: 0 } }), { dataDir: target, clock: () => now++ });
  try {
    expect(await statusOf(copy, statusId)).toMatchObject({ status: 'pending', pending_count: 1, pendings: [{ id: obj.id }] });
    expect((await pendingOf(copy, statusId)).map((p) => p.object_id)).toEqual([obj.id]);
    expect((await asDave(copy).post(`${SUBMISSIONS}/approve`, { status_id: statusId })).status).toBe(200);
    expect((await copy.get(`${OBJECTS}${obj.id}/`, 'carol')).status).toBe(200);
  } finally {
    await copy.close();
    rmSync(target, { recursive: true, force: true });
  }
  // The source is untouched by what happened to the copy.
  expect(await statusOf(server, statusId)).toMatchObject({ status: 'pending' });
});

test('when statuses are purged while objects are pending, then the pending status stays, and once complete it expires like any other', async () => {
  const statusId = await submit(server, indicator());
  now += 10 * DAY;
  await server.runtime.store.purgeStatuses(now);
  expect(await statusOf(server, statusId)).toMatchObject({ status: 'pending', pending_count: 1 });
  expect((await asDave(server).post(`${SUBMISSIONS}/approve`, { status_id: statusId })).status).toBe(200);
  expect(await statusOf(server, statusId)).toMatchObject({ status: 'complete', success_count: 1 });
  // Kept for taxii.status_retention_hours from completion, then gone.
  now += server.config.taxii.status_retention_hours * 3_600_000_000 - DAY;
  await server.runtime.store.purgeStatuses(now);
  expect((await statusOf(server, statusId)).status).toBe('complete');
  now += 2 * DAY;
  await server.runtime.store.purgeStatuses(now);
  expect((await server.get(`/api1/status/${statusId}/`)).status).toBe(404);
});

test('when a submission waits past the collection retention, then the sweep rejects it with a reason and audits it, and a newer one stays pending', async () => {
  // What earlier tests left pending is decided first, so that only this test's submissions wait.
  const left = (await asDave(server).get(`${SUBMISSIONS}?limit=1000`)).body.submissions.map((p: { id: string }) => p.id);
  if (left.length > 0) expect((await asDave(server).post(`${SUBMISSIONS}/reject`, { ids: left, reason: 'clearing' })).status).toBe(200);
  expect((await server.raw().patch(`/admin/partnerships/api1/collections/${REVIEWED}`).auth('dave', PASSWORD).send({ retention: { max_age_days: 30 } })).status).toBe(200);
  const old = await submit(server, indicator());
  now += 31 * DAY;
  const fresh = await submit(server, indicator());
  expect((await asDave(server).post('/admin/partnerships/api1/retention/sweep', {})).status).toBe(200);
  const expired = await statusOf(server, old);
  expect(expired).toMatchObject({ status: 'complete', failure_count: 1, pending_count: 0 });
  expect(expired.failures[0].message).toContain('[retention]');
  expect(await pendingOf(server, old)).toEqual([]);
  expect(await statusOf(server, fresh)).toMatchObject({ status: 'pending', pending_count: 1 });
  const trail = (await asDave(server).get('/admin/partnerships/api1/audit?limit=1000')).body.entries as Array<Record<string, unknown>>;
  expect(trail.filter((e) => e.operation === 'retention_reject').map((e) => [e.user, e.collection, e.object_count])).toEqual([['retention', REVIEWED, 1]]);
});
