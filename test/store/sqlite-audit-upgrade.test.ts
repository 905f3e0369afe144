/**
 * Upgrading a SQLite store written by schema version 3 (before the audit
 * trail's hash chain): the file is made here from a copy of that schema
 * (fixtures/sqlite-schema-v3.sql) with audit entries as version 3 wrote them.
 * They stay as they were, an unchained prefix; the chain starts after them.
 */

import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAuditChain, GENESIS } from '../../src/store/audit-chain';
import type { AuditEntry } from '../../src/store/contract';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';

const V3_SCHEMA = readFileSync(join(__dirname, 'fixtures', 'sqlite-schema-v3.sql'), 'utf8');

const OLD: AuditEntry[] = [
  { time: '2025-01-01T00:00:00.000001Z', operation: 'add_organisation', outcome: 200, user: 'seed', detail: 'organisation o1' },
  { time: '2025-01-01T00:00:01.000000Z', operation: 'add_objects', outcome: 202, organisation: 'o1', user: 'ann', partnership: 'p1', collection: 'c1', objectCount: 3, statusId: 's1' },
  { time: '2025-01-01T00:00:02.000000Z', operation: 'get_objects', outcome: 200, organisation: 'o1', keyId: 'k1', partnership: 'p1', collection: 'c1', objectCount: 3 },
];

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'accord-audit-upgrade-'));
  path = join(dir, 'accord.db');
  const db = new Database(path);
  db.exec(V3_SCHEMA);
  db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '3')").run();
  const insert = db.prepare('INSERT INTO audit (partnership, entry) VALUES (?, ?)');
  for (const entry of OLD) insert.run(entry.partnership ?? null, JSON.stringify(entry));
  db.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('when a version 3 store is opened and appended to, then its old entries are an unchained prefix and the chain starts after them', async () => {
  const store = SqliteStore.open({ path });
  try {
    expect((await store.listAudit({ limit: 10 })).entries).toEqual(OLD.map((entry, i) => ({ ...entry, seq: i + 1 })));
    expect(await checkAuditChain(store)).toEqual({ ok: true, entries: 3, unchained: 3, head: null });
    await store.appendAudit([{ time: '2026-01-01T00:00:00.000000Z', operation: 'add_user', outcome: 200, user: 'cli' }]);
    await store.appendAudit([{ time: '2026-01-01T00:00:01.000000Z', operation: 'get_status', outcome: 200, organisation: 'o1' }]);
    const entries = (await store.listAudit({ limit: 10 })).entries;
    expect(entries.map((e) => [e.seq, e.prevHash === undefined, e.hash === undefined])).toEqual([
      [1, true, true],
      [2, true, true],
      [3, true, true],
      [4, false, false],
      [5, false, false],
    ]);
    expect(entries[3]!.prevHash).toBe(GENESIS);
    expect(await checkAuditChain(store)).toEqual({ ok: true, entries: 5, unchained: 3, head: { seq: 5, hash: entries[4]!.hash } });
  } finally {
    await store.close();
  }
});

test('when the hashes of the first chained entry are stripped, then the check does not take it for the unchained prefix', async () => {
  const store = SqliteStore.open({ path });
  try {
    await store.appendAudit([1, 2, 3].map((n) => ({ time: `2026-01-01T00:00:0${n}.000000Z`, operation: 'add_user', outcome: 200, user: 'cli' })));
  } finally {
    await store.close();
  }
  const db = new Database(path);
  db.prepare('UPDATE audit SET prev_hash = NULL, hash = NULL WHERE seq = 4').run();
  db.close();
  const again = SqliteStore.open({ path });
  try {
    expect(await checkAuditChain(again)).toEqual({
      ok: false,
      entries: 4,
      seq: 5,
      problem: 'prev_hash does not match the unchained entry 4: an entry before it was removed or altered',
    });
  } finally {
    await again.close();
  }
});
