/**
 * The storage contract's cases for sizes and bounds (issue 19): an object over
 * the largest a store keeps is refused alone, a status of any size is kept
 * whole, a delete of more records than one MongoDB transaction holds answers
 * exactly, and every `limit` means the same on every backend (0 reads none).
 * Part of the contract suite, run by every backend.
 */

import { randomUUID } from 'node:crypto';
import { MAX_STORED_OBJECT_BYTES, type NewRecord, type StoredStatus, type Store } from '../../src/store/contract';
import { oneSuccessStatus } from '../support/stix';
import { LAST, query, rec, sid, stored } from './records';

/** More than one MongoDB delete transaction holds (record-deleter.ts DELETE_CHUNK is 1,000); SQLite adds many versions of one object slowly, so not many more. */
const MANY_VERSIONS = 1_100;

/** A status whose JSON is over 16 MiB: failures with long messages, some of their characters outside the BMP. */
function hugeStatus(coll: string, expiresAt: number): StoredStatus {
  const failures = Array.from({ length: 4_400 }, (_, i) => ({ id: `/objects/${i}`, version: '', message: `${i}: ${'x'.repeat(3_000)} 😀 ${'é'.repeat(500)}` }));
  const successes = Array.from({ length: 20_000 }, () => ({ id: sid('indicator'), version: '2026-01-01T00:00:00.000Z' }));
  return {
    ...oneSuccessStatus({ id: randomUUID(), apiRoot: 'root', collectionId: coll, owner: 'user:alice', success: successes[0]!, expiresAt }),
    totalCount: failures.length + successes.length,
    successCount: successes.length,
    failureCount: failures.length,
    successes,
    failures,
  };
}

export function boundsCases(current: () => { store: Store; coll: string }): void {
  let store: Store;
  let coll: string;
  beforeEach(() => ({ store, coll } = current()));

  test('when an object over the largest a store keeps comes between two good ones, then the two are stored and it alone is refused as too large', async () => {
    const huge = rec(sid('note'), '2024-01-01T00:00:00.000Z', { content: '' });
    huge.body = huge.body.replace('"content":""', `"content":"${'x'.repeat(MAX_STORED_OBJECT_BYTES)}"`);
    const bytes = Buffer.byteLength(huge.body);
    const [before, after] = [rec(sid('indicator'), '2024-01-01T00:00:00.000Z'), rec(sid('malware'), '2024-01-01T00:00:00.000Z')];
    const outcomes = await store.addRecords(coll, [before, huge, after], '*');
    expect(outcomes.map((o) => o.kind)).toEqual(['added', 'too-large', 'added']);
    expect(outcomes[1]).toEqual({ kind: 'too-large', bytes });
    expect((await store.findRecords(query(coll))).records.map((r) => r.id)).toEqual([before.id, after.id]);
    expect(await store.hasObject(coll, huge.id)).toBe(false);
    // Exactly at the limit, it is kept.
    const fits = rec(sid('note'), '2024-01-01T00:00:00.000Z', { content: '' });
    fits.body = fits.body.replace('"content":""', `"content":"${'é'.repeat((MAX_STORED_OBJECT_BYTES - fits.body.length) / 2)}"`);
    expect(Buffer.byteLength(fits.body)).toBe(MAX_STORED_OBJECT_BYTES);
    expect((await store.addRecords(coll, [fits], '*'))[0]!.kind).toBe('added');
    expect((await store.findRecords(query(coll, { ids: [fits.id], withBody: true }))).records[0]!.body).toBe(fits.body);
  }, 120_000);

  test('when a status\'s JSON is over 16 MiB, then it is kept whole, put or appended with its audit entry, read, listed and purged', async () => {
    const put = hugeStatus(coll, 2_000);
    const appended = hugeStatus(coll, 5_000);
    expect(JSON.stringify(put).length).toBeGreaterThan(16 * 1024 * 1024);
    await store.putStatus(put);
    await store.appendAudit([{ time: '2026-01-01T00:00:00.000000Z', operation: 'add_objects', outcome: 202, statusId: appended.id }], [appended]);
    expect(await store.getStatus(put.id, 1_000)).toEqual(put);
    expect(await store.getStatus(appended.id, 1_000)).toEqual(appended);
    const listed = await store.listStatuses(undefined, 10);
    expect(listed).toEqual([put, appended].sort((a, b) => (a.id < b.id ? -1 : 1)));
    // Replaced by a short one, it reads as the short one.
    const short = { ...put, successes: [], failures: [], totalCount: 0, successCount: 0, failureCount: 0 };
    await store.putStatus(short);
    expect(await store.getStatus(put.id, 1_000)).toEqual(short);
    await store.putStatus(put);
    expect(await store.purgeStatuses(3_000)).toBe(1);
    expect(await store.getStatus(put.id, 0)).toBeNull();
    expect(await store.getStatus(appended.id, 3_000)).toEqual(appended);
    expect(await store.purgeStatuses(6_000)).toBe(1);
    expect(await store.listStatuses(undefined, 10)).toEqual([]);
  }, 120_000);

  test('when an object with more versions than one delete transaction holds is deleted, then every record goes, the answer counts them, and the tombstones name each version once', async () => {
    const big = sid('indicator');
    const other = sid('malware');
    const versions = Array.from({ length: MANY_VERSIONS }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 1000).toISOString());
    const records: NewRecord[] = versions.map((v) => rec(big, v));
    await store.addRecords(coll, [rec(other, '2020-01-01T00:00:00.000Z'), ...records], '*');
    // One version of it first (the newest), then the rest.
    expect(await store.deleteRecords(query(coll, { ids: [big], versions: LAST }), { reason: 'deleted' })).toBe(1);
    expect(await store.findExpired({ collectionId: coll, addedBefore: Number.MAX_SAFE_INTEGER, limit: 10 })).toEqual([
      expect.objectContaining({ id: other }),
      expect.objectContaining({ id: big }),
    ]);
    expect(await store.deleteRecords(query(coll, { ids: [big] }), { reason: 'deleted' })).toBe(MANY_VERSIONS - 1);
    expect(await store.hasObject(coll, big)).toBe(false);
    expect((await store.findRecords(query(coll))).records.map((r) => r.id)).toEqual([other]);
    const { tombstones, more } = await store.listTombstones(coll, undefined, 100);
    expect(more).toBe(false);
    expect(tombstones.every((t) => t.id === big && t.reason === 'deleted')).toBe(true);
    expect(tombstones.flatMap((t) => t.versions).sort()).toEqual([...versions].sort());
    const times = tombstones.map((t) => t.removedAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const [next] = stored(await store.addRecords(coll, [rec(sid('tool'), '2021-01-01T00:00:00.000Z')], '*'));
    expect(next!.dateAdded).toBeGreaterThan(times[times.length - 1]!);
    expect(await store.findExpired({ collectionId: coll, addedBefore: Number.MAX_SAFE_INTEGER, limit: 10 })).toHaveLength(2);
  }, 300_000);

  describe('limits', () => {
    const COUNT = 3;
    const sizes = [0, 1, COUNT, COUNT + 5];
    /** What a read with this limit gives of COUNT items: how many, and whether more follow. */
    const expected = (limit: number) => ({ n: Math.min(limit, COUNT), more: limit < COUNT });

    test('when records are read with a limit of 0, 1, exactly their count or more, then none, one, all or all come, and more says whether any follow', async () => {
      const records = Array.from({ length: COUNT }, (_, i) => rec(sid('note'), `2020-01-0${i + 1}T00:00:00.000Z`));
      await store.addRecords(coll, records, '*');
      const ids = records.map((r) => r.id);
      for (const limit of sizes) {
        const { n, more } = expected(limit);
        const page = await store.findRecords(query(coll, { limit }));
        expect([limit, page.records.map((r) => r.id), page.more]).toEqual([limit, ids.slice(0, n), more]);
        const text = await store.findObjectsText(query(coll, { limit, withBody: true }));
        expect([limit, text.count, text.parts.join(',')]).toEqual([limit, n, records.slice(0, n).map((r) => r.body).join(',')]);
        if (n > 0) expect([limit, text.more]).toEqual([limit, more]);
        expect([limit, (await store.exportRecords(coll, undefined, limit)).map((d) => d.id)]).toEqual([limit, ids.slice(0, n)]);
      }
    });

    test('when tombstones, statuses and audit entries are listed with a limit of 0, 1, exactly their count or more, then none, one, all or all come', async () => {
      const ids = Array.from({ length: COUNT }, () => sid('note'));
      await store.addRecords(coll, ids.map((id) => rec(id, '2020-01-01T00:00:00.000Z')), '*');
      for (const id of ids) await store.deleteRecords(query(coll, { ids: [id] }), { reason: 'deleted' });
      const statuses = Array.from({ length: COUNT }, () => oneSuccessStatus({ id: randomUUID(), apiRoot: 'root', collectionId: coll, owner: 'user:alice', success: { id: 'note--1', version: 'v' } }));
      for (const status of statuses) await store.putStatus(status);
      const statusIds = statuses.map((s) => s.id).sort();
      await store.appendAudit(Array.from({ length: COUNT }, (_, i) => ({ time: '2026-01-01T00:00:00.000000Z', operation: 'get_objects', outcome: 200, objectCount: i })));
      for (const limit of sizes) {
        const { n, more } = expected(limit);
        const tombstones = await store.listTombstones(coll, undefined, limit);
        expect([limit, tombstones.tombstones.map((t) => t.id), tombstones.more]).toEqual([limit, ids.slice(0, n), more]);
        expect([limit, (await store.listStatuses(undefined, limit)).map((s) => s.id)]).toEqual([limit, statusIds.slice(0, n)]);
        const audit = await store.listAudit({ limit });
        expect([limit, audit.entries.map((e) => e.objectCount), audit.more]).toEqual([limit, [0, 1, 2].slice(0, n), more]);
        expect([limit, (await store.findExpired({ collectionId: coll, addedBefore: Number.MAX_SAFE_INTEGER, limit })).length]).toEqual([limit, 0]);
      }
    });

    test('when expired objects are asked with a limit of 0, 1, exactly their count or more, then none, one, all or all come', async () => {
      const ids = Array.from({ length: COUNT }, () => sid('note'));
      await store.addRecords(coll, ids.map((id) => rec(id, '2020-01-01T00:00:00.000Z')), '*');
      for (const limit of sizes) {
        const found = await store.findExpired({ collectionId: coll, addedBefore: Number.MAX_SAFE_INTEGER, validUntilBefore: '9999', limit });
        expect([limit, found.map((o) => o.id)]).toEqual([limit, ids.slice(0, expected(limit).n)]);
      }
    });
  });
}
