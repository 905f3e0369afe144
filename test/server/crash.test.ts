/**
 * Crash durability (docs/reliability.md#testing-it): `accord serve` runs as a child
 * process while several publishers post envelopes concurrently; it is killed with
 * SIGKILL at moments drawn from a seeded generator, and restarted, a few times.
 * Every POST answered 202 was acknowledged: each of its objects must be stored,
 * and its audit entry (add_objects, with its status id) must be in the trail.
 *
 * ACCORD_CRASH_SEED changes the seed; a failure names it.
 */

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD, RW, standardConfig, TAXII } from '../support/harness';
import { ServerProcess, transpileServer, type BuiltServer } from '../support/server-process';
import { indicator } from '../support/stix';

const SEED = Number(process.env.ACCORD_CRASH_SEED ?? 14);
const ROUNDS = 4;
const PUBLISHERS = 4;
/** When each round's kill comes, after the round's first acknowledged POST (so it falls during ingest, however loaded the machine). */
const KILL_AFTER_MS = { min: 50, max: 1_500 };
const OBJECTS_PER_POST = { min: 1, max: 60 };

/** mulberry32: a small seeded generator, so a failing run can be repeated. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Acknowledged {
  statusId: string;
  objectIds: string[];
}

const keyId = randomBytes(12).toString('hex');
const secret = randomBytes(32).toString('base64url');
const publisher = { Authorization: `Bearer accord_${keyId}_${secret}` };
const root = { Authorization: `Basic ${Buffer.from(`root:${PASSWORD}`).toString('base64')}` };

const acknowledged: Acknowledged[] = [];
let stored = new Set<string>();
let audited = new Set<string>();
let built: BuiltServer;
let dir: string;
let running: ServerProcess | undefined;

/** Posts envelopes one after another until the server stops answering; records each 202. */
async function publish(url: string, random: () => number): Promise<void> {
  for (;;) {
    const count = OBJECTS_PER_POST.min + Math.floor(random() * (OBJECTS_PER_POST.max - OBJECTS_PER_POST.min + 1));
    const objects = Array.from({ length: count }, () => indicator({ id: `indicator--${randomUUID()}` }));
    let answer: { status: number; text: string };
    try {
      const res = await fetch(`${url}/api1/collections/${RW}/objects/`, {
        method: 'POST',
        headers: { ...publisher, 'Content-Type': TAXII, Accept: TAXII },
        body: JSON.stringify({ objects }),
      });
      answer = { status: res.status, text: await res.text() };
    } catch {
      // The connection was lost (the server was killed): this POST was never acknowledged.
      return;
    }
    if (answer.status !== 202) throw new Error(`POST answered ${answer.status}: ${answer.text}`);
    const status = JSON.parse(answer.text) as { id: string; successes?: Array<{ id: string }> };
    acknowledged.push({ statusId: status.id, objectIds: (status.successes ?? []).map((s) => s.id) });
  }
}

async function getJson(url: string, headers: Record<string, string>): Promise<any> {
  const res = await fetch(url, { headers: { ...headers, Accept: TAXII } });
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function storedObjectIds(url: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let next: string | undefined;
  do {
    const page = await getJson(`${url}/api1/collections/${RW}/manifest/?limit=1000${next ? `&next=${encodeURIComponent(next)}` : ''}`, publisher);
    for (const record of page.objects ?? []) ids.add(record.id);
    next = page.more ? page.next : undefined;
  } while (next !== undefined);
  return ids;
}

async function auditedStatusIds(url: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let after = 0;
  for (;;) {
    const page = await getJson(`${url}/admin/audit?after=${after}&limit=1000`, root);
    for (const entry of page.entries) {
      if (entry.operation === 'add_objects' && entry.status_id !== undefined) ids.add(entry.status_id);
      after = entry.seq;
    }
    if (!page.more) return ids;
  }
}

beforeAll(async () => {
  built = transpileServer();
  dir = mkdtempSync(join(tmpdir(), 'accord-crash-'));
  const config = standardConfig(join(dir, 'data'), { server: { host: '127.0.0.1', port: 0 }, log: { level: 'error' } }) as { seed: { organisations: Array<Record<string, unknown>> } };
  const alpha = config.seed.organisations.find((o) => o.id === 'alpha')!;
  alpha.api_keys = [{ id: keyId, secret_hash: `sha256:${createHash('sha256').update(secret).digest('hex')}`, label: 'crash test' }];
  const configFile = join(dir, 'accord.json');
  writeFileSync(configFile, JSON.stringify(config));

  const random = seeded(SEED);
  for (let round = 0; round < ROUNDS; round++) {
    running = await ServerProcess.start(built, configFile);
    const url = running.url;
    const before = acknowledged.length;
    const publishers = Array.from({ length: PUBLISHERS }, () => publish(url, seeded(Math.floor(random() * 2 ** 32))));
    let ended = false;
    void Promise.allSettled(publishers).then(() => (ended = true));
    while (acknowledged.length === before && !ended) await sleep(10);
    await sleep(KILL_AFTER_MS.min + random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min));
    await running.kill();
    await Promise.all(publishers);
  }
  running = await ServerProcess.start(built, configFile);
  stored = await storedObjectIds(running.url);
  audited = await auditedStatusIds(running.url);
  expect(await running.stop()).toBe(0);
  running = undefined;
}, 300_000);

afterAll(async () => {
  await running?.kill();
  built?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test(`when the server is killed -9 during concurrent ingest (${ROUNDS} rounds), then every acknowledged object is stored`, () => {
  const objects = acknowledged.flatMap((a) => a.objectIds);
  const missing = objects.filter((id) => !stored.has(id));
  expect(acknowledged.length).toBeGreaterThan(ROUNDS);
  expect({ seed: SEED, acknowledged: objects.length, missing: missing.length, firstMissing: missing.slice(0, 5) }).toEqual({ seed: SEED, acknowledged: objects.length, missing: 0, firstMissing: [] });
});

test(`when the server is killed -9 during concurrent ingest (${ROUNDS} rounds), then every acknowledged POST has its audit entry`, () => {
  const missing = acknowledged.filter((a) => !audited.has(a.statusId)).map((a) => a.statusId);
  expect({ seed: SEED, acknowledged: acknowledged.length, missing: missing.length, firstMissing: missing.slice(0, 5) }).toEqual({ seed: SEED, acknowledged: acknowledged.length, missing: 0, firstMissing: [] });
});
