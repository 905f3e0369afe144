/**
 * The damage guard over a real SQLite store (docs/reliability.md#damaged-stores):
 * changes wait for a start-up check still running, and are refused once it found
 * damage, while reads go on being served.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreDamagedError } from '../../src/errors';
import { DamageGuard, type Damage, type PendingCheck } from '../../src/store/damage-guard';
import { isDamageCode } from '../../src/store/sqlite/integrity';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { indicator, recordOf } from '../support/stix';

const dir = mkdtempSync(join(tmpdir(), 'accord-guard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A check whose outcome the test decides. */
function pendingCheck(): PendingCheck & { finish(problems: string[]): void; fail(reason: string): void } {
  let finish!: (problems: string[]) => void;
  let fail!: (reason: string) => void;
  const problems = new Promise<string[]>((resolve, reject) => {
    finish = resolve;
    fail = (reason) => reject(new Error(reason));
  });
  return { problems, stop: async () => undefined, finish, fail };
}

function guarded(check: PendingCheck) {
  const damaged: Damage[] = [];
  const failures: string[] = [];
  const store = new DamageGuard(SqliteStore.open({ path: join(dir, `${randomUUID()}.db`) }), { damaged: (d) => damaged.push(d), checkFailed: (r) => failures.push(r) }, check);
  return { store, damaged, failures };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  // Several turns of the event loop: a change that does not wait has settled by then.
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
};

test('when the start-up check is still running, then a change waits for it and goes through when it finds nothing', async () => {
  const check = pendingCheck();
  const { store, damaged } = guarded(check);
  const adding = store.addRecords('c1', [recordOf(indicator())], '*');
  expect(await settled(adding)).toBe(false);
  expect(await store.listEntities('organisation')).toEqual([]);
  check.finish([]);
  expect((await adding)[0]!.kind).toBe('added');
  expect(damaged).toEqual([]);
  await store.ping();
  await store.close();
});

test('when the start-up check finds damage, then waiting and later changes are refused, reads are served and ping fails, and the damage is told once', async () => {
  const check = pendingCheck();
  const { store, damaged } = guarded(check);
  const adding = store.addRecords('c1', [recordOf(indicator())], '*');
  check.finish(['Tree 5 page 12: btreeInitPage() returns error code 11', 'Tree 5 page 13: btreeInitPage() returns error code 11']);
  await expect(adding).rejects.toBeInstanceOf(StoreDamagedError);
  await expect(store.createEntity({ kind: 'organisation', id: 'x', refs: [], doc: {} })).rejects.toThrow(/The store is damaged \(the start-up check found 2 problems, the first: Tree 5 page 12/);
  await expect(store.ping()).rejects.toMatchObject({ code: 'store_damaged', details: { first_error: expect.stringContaining('Tree 5 page 12') } });
  expect((await store.findRecords({ collectionId: 'c1', specVersions: 'all', versions: { all: true }, withBody: false })).records).toEqual([]);
  await store.appendAudit([{ time: '2026-01-01T00:00:00.000000Z', operation: 'read', outcome: 200 }]);
  expect(damaged).toHaveLength(1);
  await store.close();
});

test('when the start-up check cannot run, then it is told and changes go through', async () => {
  const check = pendingCheck();
  const { store, damaged, failures } = guarded(check);
  const adding = store.addRecords('c1', [recordOf(indicator())], '*');
  check.fail('EMFILE: too many open files');
  expect((await adding)[0]!.kind).toBe('added');
  expect(failures).toEqual(['Error: EMFILE: too many open files']);
  expect(damaged).toEqual([]);
  await store.close();
});

test.each([
  ['SQLITE_CORRUPT', true],
  ['SQLITE_CORRUPT_INDEX', true],
  ['SQLITE_NOTADB', true],
  ['SQLITE_IOERR_SHORT_READ', true],
  ['SQLITE_FULL', false],
  ['SQLITE_IOERR_WRITE', false],
  ['SQLITE_BUSY', false],
])('when SQLite fails with %s, then damage is %s (a full disk or a write error may pass; damage stays)', (code, damage) => {
  expect(isDamageCode(code)).toBe(damage);
});
