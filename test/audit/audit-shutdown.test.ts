/**
 * The audit trail at shutdown (docs/reliability.md#fail-closed): entries kept
 * while the trail cannot be written are written by close() when it can be, and
 * logged whole when it cannot, never dropped unseen. A real SQLite store whose
 * audit inserts a trigger refuses.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditTrail } from '../../src/audit/audit-trail';
import type { Logger } from '../../src/log/logger';
import { nowMicros } from '../../src/store/clock';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { execOnFile } from '../support/damage';

let dir: string;
let file: string;
let store: SqliteStore;
let logged: Array<{ message: string; meta: Record<string, unknown> }>;
const log = {
  error: (message: string, meta: Record<string, unknown>) => logged.push({ message, meta }),
  warn: (message: string, meta: Record<string, unknown>) => logged.push({ message, meta }),
} as unknown as Logger;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'accord-audit-'));
  file = join(dir, 'accord.db');
  store = SqliteStore.open({ path: file });
  logged = [];
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('when the trail cannot be written at shutdown, then the entries it kept are logged whole instead of dropped', async () => {
  execOnFile(file, "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END");
  const trail = new AuditTrail(store, nowMicros, log);
  await expect(trail.record('cli', { operation: 'create_organisation', outcome: 201, detail: 'org-a' })).rejects.toMatchObject({ code: 'store_unavailable' });
  trail.recordSoon('cli', { operation: 'list_organisations', outcome: 200 });
  trail.recordSoon('cli', { operation: 'create_organisation', outcome: 503, detail: 'org-a' });
  await trail.close();
  const shutdown = logged.find((l) => l.message.startsWith('audit entries not written at shutdown'));
  expect(shutdown?.meta.entries).toEqual([
    expect.objectContaining({ operation: 'list_organisations', outcome: 200, user: 'cli' }),
    expect.objectContaining({ operation: 'create_organisation', outcome: 503, detail: 'org-a' }),
  ]);
  expect((await store.listAudit({ limit: 10 })).entries).toEqual([]);
});

test('when the trail can be written again by shutdown, then close() writes the kept entries after the probe and logs none', async () => {
  execOnFile(file, "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END");
  const trail = new AuditTrail(store, nowMicros, log);
  await expect(trail.record('cli', { operation: 'create_organisation', outcome: 201 })).rejects.toMatchObject({ code: 'store_unavailable' });
  trail.recordSoon('cli', { operation: 'list_organisations', outcome: 200 });
  execOnFile(file, 'DROP TRIGGER refuse_audit');
  await trail.close();
  expect(logged.filter((l) => l.message.startsWith('audit entries not written'))).toEqual([]);
  expect((await store.listAudit({ limit: 10 })).entries.map((e) => e.operation)).toEqual(['audit_resumed', 'list_organisations']);
});
