/**
 * `accord audit verify` and `accord audit export` on the store of a running
 * server (docs/reliability.md#audit-trail): verify passes on an intact trail and
 * names the first broken link when an entry is altered or removed; export gives
 * one JSON line per entry whose hashes a records system can check on its own.
 * Always SQLite: the tests alter the store file directly.
 */

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildProgram } from '../../src/cli/accord';
import { RW, standardConfig, startTestServer, type TestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';

let server: TestServer;
let configFile: string;
let file: string;

beforeAll(async () => {
  const config = (dir: string) => ({ ...standardConfig(dir), store: { data_dir: dir } });
  server = await startTestServer(config);
  configFile = join(server.dataDir, 'accord.yaml');
  writeFileSync(configFile, stringify(config(server.dataDir)));
  file = join(server.dataDir, server.config.store.sqlite.file);
  for (let i = 0; i < 3; i++) expect((await server.post(`/api1/collections/${RW}/objects/`, envelope(indicator(), indicator()))).status).toBe(202);
  expect((await server.get(`/api1/collections/${RW}/objects/`)).status).toBe(200);
  await server.runtime.audit.flush();
});
afterAll(async () => server.close());

/** Runs the CLI; its standard output, and the exit code it set (reset, so that jest's own stays 0). */
async function accord(...args: string[]): Promise<{ out: string; code: number }> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'accord', '--config', configFile, ...args]);
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { out, code };
}

/** Changes the store file behind the server's back, as someone with access to it could. */
function tamper<T>(work: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

type Row = { seq: number; partnership: string | null; entry: string; prev_hash: string | null; hash: string | null };
const rowAt = (seq: number) => tamper((db) => db.prepare('SELECT * FROM audit WHERE seq = ?').get(seq) as Row);
const restore = (row: Row) => tamper((db) => db.prepare('INSERT OR REPLACE INTO audit (seq, partnership, entry, prev_hash, hash) VALUES (?, ?, ?, ?, ?)').run(row.seq, row.partnership, row.entry, row.prev_hash, row.hash));

async function intact(): Promise<{ entries: number; head: number }> {
  const { out, code } = await accord('audit', 'verify');
  const found = /^OK: (\d+) entries; head seq (\d+) sha256 [0-9a-f]{64}\n$/.exec(out);
  expect([found !== null, code]).toEqual([true, 0]);
  return { entries: Number(found![1]), head: Number(found![2]) };
}

test('when the trail is intact, then verify prints OK with the count and the head, and exits 0', async () => {
  const { entries, head } = await intact();
  expect(entries).toBeGreaterThan(10);
  expect(head).toBe(entries);
  expect(JSON.parse((await accord('--json', 'audit', 'verify')).out)).toMatchObject({ ok: true, entries, unchained: 0, head: { seq: head } });
});

test('when an entry is altered, then verify names it and exits 1; restored, the trail verifies again', async () => {
  const seq = Number(tamper((db) => db.prepare("SELECT seq FROM audit WHERE json_extract(entry, '$.operation') = 'add_objects' ORDER BY seq LIMIT 1").pluck().get()));
  const original = rowAt(seq);
  tamper((db) => db.prepare("UPDATE audit SET entry = json_set(entry, '$.objectCount', 1) WHERE seq = ?").run(seq));
  expect(await accord('audit', 'verify')).toEqual({ out: `BROKEN at seq ${seq}: its hash does not match its content: the entry was altered (${seq - 1} entries before it are intact)\n`, code: 1 });
  restore(original);
  await intact();
});

test('when an entry in the middle is removed, then verify names the entry after it and exits 1', async () => {
  const { head } = await intact();
  const seq = Math.floor(head / 2);
  const original = rowAt(seq);
  tamper((db) => db.prepare('DELETE FROM audit WHERE seq = ?').run(seq));
  expect(await accord('audit', 'verify')).toEqual({
    out: `BROKEN at seq ${seq + 1}: prev_hash does not match seq ${seq - 1}: an entry before it was removed or altered (${seq - 1} entries before it are intact)\n`,
    code: 1,
  });
  restore(original);
  await intact();
});

test('when the last entry is removed, then verify says the trail no longer ends at its head and exits 1', async () => {
  const { head } = await intact();
  const original = rowAt(head);
  tamper((db) => db.prepare('DELETE FROM audit WHERE seq = ?').run(head));
  expect(await accord('audit', 'verify')).toEqual({
    out: `BROKEN at seq ${head}: the head is seq ${head} but the trail ends at seq ${head - 1}: entries at the end were removed (${head - 1} entries before it are intact)\n`,
    code: 1,
  });
  restore(original);
  await intact();
});

test('when the trail is exported, then each line is one entry in seq order whose hash a records system recomputes from the line alone', async () => {
  const out = join(server.dataDir, 'trail.jsonl');
  expect((await accord('audit', 'export', '--out', out)).code).toBe(0);
  const lines = readFileSync(out, 'utf8').split('\n');
  expect(lines.pop()).toBe('');
  const records = lines.map((line) => JSON.parse(line) as Record<string, string | number>);
  const { entries } = await intact();
  expect(records.map((r) => r.seq)).toEqual(Array.from({ length: entries }, (_, i) => i + 1));
  records.forEach((record, i) => {
    const { hash, ...hashed } = record;
    const canonical = JSON.stringify(Object.fromEntries(Object.entries(hashed).sort(([a], [b]) => (a < b ? -1 : 1))));
    expect(createHash('sha256').update(canonical).digest('hex')).toBe(hash);
    expect(record.prev_hash).toBe(i === 0 ? '0'.repeat(64) : records[i - 1]!.hash);
  });
  expect(records.find((r) => r.operation === 'add_objects')).toMatchObject({ outcome: 202, organisation: 'alpha', user: 'alice', object_count: 2, status_id: expect.any(String) });

  const tail = await accord('audit', 'export', '--after', String(entries - 2));
  expect(tail.out).toBe(`${lines.slice(-2).join('\n')}\n`);
  await expect(accord('audit', 'export', '--after', 'soon')).rejects.toThrow('Invalid --after: expected the seq of an entry');
});

test('when the trail is listed at the CLI, then the listing still works beside verify and export', async () => {
  const rows = (await accord('audit', '--limit', '2')).out.trim().split('\n');
  expect(rows).toHaveLength(2);
  expect(rows[0]!.split('\t')[0]).toBe('1');
});
