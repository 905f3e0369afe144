/**
 * The storage contract's cases for the audit trail's hash chain: every backend
 * seals entries in its append transaction, so that batches and handles (other
 * processes) extend one chain. Part of the contract suite, run by every backend.
 */

import { checkAuditChain, GENESIS, hashOf } from '../../src/store/audit-chain';
import type { AuditEntry, Store, StoredAuditEntry } from '../../src/store/contract';
import { oneSuccessStatus } from '../support/stix';
import type { StoreHarness } from './contract.suite';

const entry = (n: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  time: `2026-01-01T00:00:00.${String(n).padStart(6, '0')}Z`,
  operation: 'add_objects',
  outcome: 202,
  objectCount: n,
  ...extra,
});

async function wholeTrail(store: Store): Promise<StoredAuditEntry[]> {
  return (await store.listAudit({ limit: 10_000 })).entries;
}

/** Each entry hashes to its hash and links to the one before; the head is the last. */
async function expectOneChain(store: Store, count: number): Promise<StoredAuditEntry[]> {
  const entries = await wholeTrail(store);
  expect(entries).toHaveLength(count);
  entries.forEach((e, i) => {
    expect(e.prevHash).toBe(i === 0 ? GENESIS : entries[i - 1]!.hash);
    expect(e.hash).toBe(hashOf(e));
  });
  const last = entries[entries.length - 1]!;
  expect(await store.auditHead()).toEqual({ seq: last.seq, hash: last.hash });
  expect(await checkAuditChain(store)).toEqual({ ok: true, entries: count, unchained: 0, head: { seq: last.seq, hash: last.hash } });
  return entries;
}

export function auditChainCases(current: () => { store: Store; harness: StoreHarness }): void {
  let store: Store;
  let harness: StoreHarness;
  beforeEach(() => ({ store, harness } = current()));

  describe('audit hash chain', () => {
    test('when nothing was ever appended, then the trail has no head and checks as empty', async () => {
      expect(await store.auditHead()).toBeNull();
      expect(await checkAuditChain(store)).toEqual({ ok: true, entries: 0, unchained: 0, head: null });
    });

    test('when entries are appended in several batches, then they form one chain from GENESIS whose head is the last entry', async () => {
      await store.appendAudit([entry(1)]);
      await store.appendAudit([2, 3, 4].map((n) => entry(n)));
      await store.appendAudit([]);
      await store.appendAudit([entry(5, { partnership: 'p1', statusId: 's-5', user: 'ann', detail: 'Straße \u2603' })]);
      const entries = await expectOneChain(store, 5);
      expect(entries.map((e) => e.objectCount)).toEqual([1, 2, 3, 4, 5]);
      expect(entries[4]).toMatchObject({ partnership: 'p1', statusId: 's-5', user: 'ann', detail: 'Straße \u2603' });
    });

    test('when two handles on the same store append in turns and at once, then they extend one chain', async () => {
      const other = await harness.openAnother();
      try {
        await store.appendAudit([entry(1)]);
        await other.appendAudit([entry(2), entry(3)]);
        await store.appendAudit([entry(4)]);
        await Promise.all([store.appendAudit([entry(5), entry(6)]), other.appendAudit([entry(7)]), store.appendAudit([entry(8)]), other.appendAudit([entry(9), entry(10)])]);
        const entries = await expectOneChain(store, 10);
        expect(entries.slice(0, 4).map((e) => e.objectCount)).toEqual([1, 2, 3, 4]);
        expect(entries.map((e) => e.objectCount).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(await other.auditHead()).toEqual(await store.auditHead());
      } finally {
        await other.close();
      }
    });

    test('when three handles append many batches at once, then every entry is in the one chain exactly once', async () => {
      const others = [await harness.openAnother(), await harness.openAnother()];
      try {
        const handles = [store, ...others];
        let n = 0;
        const appends: Array<Promise<void>> = [];
        for (let round = 0; round < 10; round++) {
          for (const handle of handles) {
            const batch = [++n, ++n].map((k) => entry(k));
            appends.push(handle.appendAudit(batch));
          }
        }
        await Promise.all(appends);
        const entries = await expectOneChain(store, n);
        expect(entries.map((e) => e.objectCount).sort((a, b) => a! - b!)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        // A batch keeps its order inside the chain, whoever sealed it.
        const position = new Map(entries.map((e, i) => [e.objectCount, i]));
        for (let k = 1; k < n; k += 2) expect(position.get(k)!).toBeLessThan(position.get(k + 1)!);
        for (const other of others) expect(await other.auditHead()).toEqual(await store.auditHead());
      } finally {
        for (const other of others) await other.close();
      }
    });

    test('when statuses come with the entries, then the append stores them too, as putStatus would', async () => {
      const status = oneSuccessStatus({ id: 'status-with-entry', apiRoot: 'root', collectionId: 'c1', owner: 'user:ann', success: { id: 'indicator--1', version: '2020-01-01T00:00:00Z' }, expiresAt: Number.MAX_SAFE_INTEGER });
      await store.appendAudit([entry(1, { statusId: status.id })], [status]);
      expect(await store.getStatus(status.id, 0)).toEqual(status);
      await expectOneChain(store, 1);
    });

    test('when an entry holds a lone surrogate, then it is stored well-formed and its hash holds for what is read back', async () => {
      await store.appendAudit([entry(1, { detail: 'half \uD800 pair' })]);
      const [stored] = await expectOneChain(store, 1);
      expect(stored!.detail).toBe('half \uFFFD pair');
    });
  });
}
