/** The demo the README promises: its credentials, partnerships and rights, on a fresh store. */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { buildConfig } from '../../src/config/load';
import { DEMO_CONFIG_PATH } from '../../src/paths';
import { createRuntime, type Runtime } from '../../src/runtime';

const TAXII = 'application/taxii+json;version=2.1';
const C2 = '/asean-c2/collections/aedcc02d-b492-4a8d-a1e2-e26152244c00';
const LEADS = '/asean-c2/collections/vendor-leads';
const REVIEWED = '/asean-c2/collections/reviewed-c2';
const BILATERAL = '/northwind-interpol/collections/ef9e1b5f-f84d-4452-bbdc-e1c81398b463';
const KEY = 'accord_6c841c68e05edf402bb6709f_C52qCcHsWrTUKDK_zKzQDVW1SyPqTDoAywKSFtvCgp8';

// Inside both partnerships' dates, whatever day the tests run (asean-c2 ends on 2030-12-31).
let now = Date.parse('2026-12-01T00:00:00Z') * 1000;

let runtime: Runtime;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'accord-demo-'));
  const doc = parse(readFileSync(DEMO_CONFIG_PATH, 'utf8'));
  runtime = await createRuntime(buildConfig({ ...doc, store: { ...doc.store, data_dir: dir }, log: { level: 'silent' } }, 'demo'), { clock: () => now });
});
afterAll(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, user: string, password: string) => request(runtime.app).get(path).auth(user, password).set('Accept', TAXII);
const rights = async (path: string, user: string, password: string) => {
  const res = await get(`${path}/`, user, password);
  return res.status === 200 ? (({ can_read, can_write }) => ({ can_read, can_write }))(JSON.parse(res.text)) : res.status;
};

test.each([
  ['interpol', 'interpol-demo', { can_read: true, can_write: true }, { can_read: true, can_write: true }],
  ['northwind', 'northwind-demo', { can_read: true, can_write: true }, { can_read: true, can_write: true }],
  ['kestrel', 'kestrel-demo', { can_read: true, can_write: true }, 404],
  ['police', 'police-demo', { can_read: true, can_write: false }, 404],
  ['admin', 'admin-demo', 404, 404],
])('when %s logs in with the README password, then the rights on both collections are as the README says', async (user, password, c2, bilateral) => {
  expect(await rights(C2, user, password)).toEqual(c2);
  expect(await rights(BILATERAL, user, password)).toEqual(bilateral);
});

test.each([
  ['interpol', 'interpol-demo', { can_read: true, can_write: false }],
  ['northwind', 'northwind-demo', { can_read: false, can_write: true }],
  ['kestrel', 'kestrel-demo', { can_read: false, can_write: true }],
  ['police', 'police-demo', 404],
  ['admin', 'admin-demo', 404],
])('when %s logs in, then the audience-restricted vendor-leads collection gives the rights the README says', async (user, password, leads) => {
  expect(await rights(LEADS, user, password)).toEqual(leads);
  const listed = JSON.parse((await get('/asean-c2/collections/', user, password)).text || '{}').collections ?? [];
  expect(listed.some((c: { alias?: string }) => c.alias === 'vendor-leads')).toBe(leads !== 404);
});

test("when Kestrel's SIEM key from the README is used, then it reads the C2 collection", async () => {
  const res = await request(runtime.app).get(`${C2}/manifest/`).set('Authorization', `Bearer ${KEY}`).set('Accept', TAXII);
  expect(res.status).toBe(200);
});

test('when the administrator uses the admin API, then it sees both partnerships', async () => {
  const res = await request(runtime.app).get('/admin/partnerships').auth('admin', 'admin-demo');
  expect(res.body.partnerships.map((p: { path: string }) => p.path)).toEqual(['asean-c2', 'northwind-interpol']);
});

test('when Kestrel posts to the moderated reviewed-c2 collection and INTERPOL approves, then the README steps hold: pending and unseen, then complete and read by the police', async () => {
  const lead = { type: 'indicator', spec_version: '2.1', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: '2026-11-30T00:00:00.000Z', modified: '2026-11-30T00:00:00.000Z', pattern: "[ipv4-addr:value = '203.0.113.7']", pattern_type: 'stix', valid_from: '2026-11-30T00:00:00Z' };
  const posted = await request(runtime.app).post(`${REVIEWED}/objects/`).auth('kestrel', 'kestrel-demo').set('Accept', TAXII).set('Content-Type', TAXII).send(JSON.stringify({ objects: [lead] }));
  const status = JSON.parse(posted.text);
  expect([posted.status, status.status, status.pending_count]).toEqual([202, 'pending', 1]);
  expect((await get(`${REVIEWED}/objects/${lead.id}/`, 'police', 'police-demo')).status).toBe(404);
  const approved = await request(runtime.app).post('/admin/partnerships/asean-c2/collections/reviewed-c2/submissions/approve').auth('interpol', 'interpol-demo').send({ status_id: status.id });
  expect(approved.body.decided.map((d: { outcome: string }) => d.outcome)).toEqual(['stored']);
  expect(JSON.parse((await get(`/asean-c2/status/${status.id}/`, 'kestrel', 'kestrel-demo')).text)).toMatchObject({ status: 'complete', success_count: 1, pending_count: 0 });
  expect((await get(`${REVIEWED}/objects/${lead.id}/`, 'police', 'police-demo')).status).toBe(200);
});

test('when asean-c2 has ended, as the README says it does after 2030-12-31, then its collection is read-only and the bilateral one is not', async () => {
  now = Date.parse('2031-01-01T00:00:00Z') * 1000;
  expect(await rights(C2, 'interpol', 'interpol-demo')).toEqual({ can_read: true, can_write: false });
  expect(await rights(BILATERAL, 'interpol', 'interpol-demo')).toEqual({ can_read: true, can_write: true });
});
