/**
 * Retention (docs/trust.md#retention): a partnership's or collection's policy
 * removes what has expired, by the age of an object's newest version or an
 * indicator's valid_until; a legal hold stops everything; the preview (admin
 * API and `accord retention preview`) names exactly what the sweep then removes;
 * each removal leaves a tombstone and an audit entry, never content.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildProgram } from '../../src/cli/accord';
import { body, PASSWORD, RW, SECOND, standardConfig, startTestServer, type TestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';

const DAY = 86_400_000_000;
const REAL_NOW = Date.now() * 1000;
let now = REAL_NOW - 40 * DAY;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer((dir) => standardConfig(dir, { retention: { sweep_interval_minutes: 0, batch_size: 2 } }), { clock: () => now++ });
});
afterAll(async () => server.close());

const root = {
  get: (path: string) => server.raw().get(path).auth('dave', PASSWORD),
  patch: (path: string, json: unknown) => server.raw().patch(path).auth('dave', PASSWORD).send(json as object),
  post: (path: string) => server.raw().post(path).auth('dave', PASSWORD).send({}),
};
const post = async (collection: string, ...objects: Array<Record<string, unknown>>) => {
  expect(body(await server.post(`/api1/collections/${collection}/objects/`, envelope(...objects))).success_count).toBe(objects.length);
  return objects.map((o) => o.id as string);
};
const stored = async (collection: string) => ((body(await server.get(`/api1/collections/${collection}/objects/?match[version]=all&limit=1000`)).objects ?? []) as Array<{ id: string }>).map((o) => o.id);

test('when objects pass the maximum age, then the preview names them, the sweep removes exactly those (newest version counts), with tombstones and audit entries', async () => {
  const old = await post(RW, indicator(), indicator(), indicator());
  const revised = indicator();
  await post(RW, revised);
  now += 20 * DAY;
  await post(RW, { ...revised, modified: '2026-02-01T00:00:00.000Z' });
  const young = await post(RW, indicator());
  now += 15 * DAY;
  expect((await root.patch(`/admin/partnerships/api1/collections/${RW}`, { retention: { max_age_days: 30 } })).status).toBe(200);

  const preview = await root.get('/admin/partnerships/api1/retention/preview');
  expect(preview.body.collections).toEqual([{ partnership: 'api1', collection: RW, objects: 3, records: 0, ids: old }]);
  const bound = (await server.get(`/api1/collections/${RW}/objects/?limit=1000`)).headers['x-taxii-date-added-last'] as string;
  const swept = await root.post('/admin/partnerships/api1/retention/sweep');
  expect(swept.body.collections).toEqual([{ partnership: 'api1', collection: RW, objects: 3, records: 3, ids: old }]);
  expect((await stored(RW)).sort()).toEqual([revised.id, revised.id, ...young].sort());

  const tombstones = (await server.get(`/api1/collections/${RW}/x-accord-tombstones/?added_after=${encodeURIComponent(bound)}`, 'carol')).body;
  expect(tombstones.tombstones.map((t: { id: string; reason: string }) => [t.id, t.reason])).toEqual(old.map((id) => [id, 'retention']));
  await server.runtime.audit.flush();
  const trail = (await root.get('/admin/partnerships/api1/audit?limit=1000')).body.entries as Array<Record<string, unknown>>;
  const purges = trail.filter((e) => e.operation === 'retention_purge');
  // batch_size 2: two batches, each audited with its ids, by the server's sweep.
  expect(purges.map((e) => [e.user, e.collection, e.object_count])).toEqual([['retention', RW, 2], ['retention', RW, 1]]);
  expect(purges.map((e) => String(e.detail)).join(' ')).toContain(old[2]);
  expect(JSON.stringify(purges)).not.toContain('Malicious site');
  expect((await root.get('/admin/partnerships/api1/retention/preview')).body.collections).toEqual([]);
});

test("when indicators pass valid_until plus the grace period, then only those go; a legal hold on the partnership stops every removal", async () => {
  const day = (offset: number) => new Date((now + offset * DAY) / 1000).toISOString();
  const expired = indicator({ valid_until: day(-3) });
  const current = indicator({ valid_until: day(+30) });
  const forever = indicator();
  await post(SECOND, expired, current, forever);
  await root.patch(`/admin/partnerships/api1/collections/${SECOND}`, { retention: { indicator_grace_days: 1 } });
  expect((await root.patch('/admin/partnerships/api1', { retention: { legal_hold: true } })).body.retention).toEqual({ legal_hold: true });
  expect((await root.get('/admin/partnerships/api1/retention/preview')).body.collections).toEqual([]);
  expect((await root.post('/admin/partnerships/api1/retention/sweep')).body.collections).toEqual([]);
  const shown = await root.get('/admin/partnerships/api1/retention');
  expect(shown.body.collections.find((c: { id: string }) => c.id === SECOND).in_force).toEqual({ indicator_grace_days: 1, legal_hold: true });
  await root.patch('/admin/partnerships/api1', { retention: { legal_hold: false } });
  expect((await root.post('/admin/partnerships/api1/retention/sweep')).body.collections).toEqual([{ partnership: 'api1', collection: SECOND, objects: 1, records: 1, ids: [expired.id] }]);
  expect((await stored(SECOND)).sort()).toEqual([current.id, forever.id].sort());
});

test("when a collection's own policy is longer than its partnership's, then the collection's wins", async () => {
  await root.patch('/admin/partnerships/api1', { retention: { max_age_days: 1 } });
  await root.patch(`/admin/partnerships/api1/collections/${SECOND}`, { retention: { max_age_days: 365 } });
  const shown = (await root.get('/admin/partnerships/api1/retention')).body.collections.find((c: { id: string }) => c.id === SECOND);
  expect(shown.in_force).toMatchObject({ max_age_days: 365 });
  const before = await stored(SECOND);
  now += 5 * DAY;
  await root.post('/admin/partnerships/api1/retention/sweep');
  expect(await stored(SECOND)).toEqual(before);
});

test('when the CLI previews on the same store, then it names what the sweep then removes', async () => {
  // A store of its own whose clock is ten days behind the CLI's (the real one).
  let clock = REAL_NOW - 10 * DAY;
  const other = await startTestServer((dir) => standardConfig(dir, { retention: { sweep_interval_minutes: 0 } }), { clock: () => clock++ });
  try {
    const ids: string[] = [];
    for (const o of [indicator(), indicator()]) {
      expect(body(await other.post(`/api1/collections/${SECOND}/objects/`, envelope(o))).success_count).toBe(1);
      ids.push(o.id as string);
    }
    await other.raw().patch(`/admin/partnerships/api1/collections/${SECOND}`).auth('dave', PASSWORD).send({ retention: { max_age_days: 5 } });
    const configFile = join(other.dataDir, 'accord.yaml');
    writeFileSync(configFile, stringify(standardConfig(other.dataDir)));
    let out = '';
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += chunk.toString();
      return true;
    });
    try {
      await buildProgram().exitOverride().parseAsync(['node', 'accord', '--config', configFile, '--json', 'retention', 'preview', '--partnership', 'api1']);
    } finally {
      spy.mockRestore();
    }
    const previewed = JSON.parse(out) as Array<{ collection: string; ids: string[] }>;
    clock = REAL_NOW;
    const swept = (await other.raw().post('/admin/partnerships/api1/retention/sweep').auth('dave', PASSWORD).send({})).body.collections as Array<{ collection: string; ids: string[] }>;
    expect(previewed.map((c) => [c.collection, c.ids])).toEqual(swept.map((c) => [c.collection, c.ids]));
    expect(swept).toEqual([expect.objectContaining({ collection: SECOND, ids })]);
  } finally {
    await other.close();
  }
});
