/**
 * The storage contract suite: every backend runs exactly these cases.
 * `harness.open()` gives a fresh, empty store; `harness.openAnother()` a second
 * handle on the same data (another process's view), used for the concurrency cases.
 */

import { randomUUID } from 'node:crypto';
import { OBJECTS_PER_PART, type NewRecord, type RecordQuery, type Store, type StoredStatus } from '../../src/store/contract';
import { oneSuccessStatus } from '../support/stix';
import { timestampKey } from '../../src/stix/timestamp';
import { auditChainCases } from './audit-chain.cases';
import { historyCases } from './history.cases';
import { boundsCases } from './bounds.cases';
import { lifecycleCases } from './lifecycle.cases';
import { ALL, FIRST, LAST, query, rec, sid, stored } from './records';
import { checkRandomHistories } from './selection-histories';
import { versionEqualityCases } from './version-equality.cases';

export interface StoreHarness {
  open(): Promise<Store>;
  openAnother(): Promise<Store>;
  /** A fresh store for many small writes whose durability does not matter (SQLite: in memory); open() when absent. */
  openScratch?(): Promise<Store>;
  cleanup(): Promise<void>;
}

export function storeContractSuite(name: string, harness: () => StoreHarness | null): void {
  describe(`storage contract: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;
    let coll: string;

    beforeEach(async () => {
      const made = harness();
      if (!made) throw new Error('harness unavailable');
      h = made;
      store = await h.open();
      coll = randomUUID();
    });
    afterEach(async () => {
      await store.close();
      await h.cleanup();
    });

    test('when records are added, then each gets a strictly increasing date_added and comes back byte for byte', async () => {
      const records = Array.from({ length: 500 }, (_, i) => rec(sid('indicator'), `2020-01-01T00:00:00.${String(i).padStart(3, '0')}Z`, { n: 1.0 }));
      records[0]!.body = '{ "type":"indicator" ,  "spaced": true }';
      const outcomes = stored(await store.addRecords(coll, records, '*'));
      expect(outcomes.every((o) => o.kind === 'added')).toBe(true);
      const dates = outcomes.map((o) => o.dateAdded);
      for (let i = 1; i < dates.length; i++) expect(dates[i]!).toBeGreaterThan(dates[i - 1]!);
      const page = await store.findRecords(query(coll, { withBody: true }));
      expect(page.records.map((r) => r.body)).toEqual(records.map((r) => r.body));
      expect(page.records.map((r) => r.dateAdded)).toEqual(dates);
    });

    test('when the same id and version is added again, then it is a duplicate and nothing is written', async () => {
      const id = sid('malware');
      const [first] = stored(await store.addRecords(coll, [rec(id, '2021-05-05T10:00:00.000Z', { name: 'a' })], '*'));
      const outcomes = await store.addRecords(coll, [
        rec(id, '2021-05-05T10:00:00Z', { name: 'a' }),
        rec(id, '2021-05-05T10:00:00.000Z', { name: 'a' }),
      ], '*');
      expect(outcomes[0]).toEqual({ kind: 'duplicate', dateAdded: first!.dateAdded, version: '2021-05-05T10:00:00.000Z', sameContent: false });
      expect(outcomes[1]).toEqual({ kind: 'duplicate', dateAdded: first!.dateAdded, version: '2021-05-05T10:00:00.000Z', sameContent: true });
      expect((await store.findRecords(query(coll))).records).toHaveLength(1);
    });

    test('when a duplicate appears within one call, then only the first copy is stored', async () => {
      const id = sid('tool');
      const outcomes = await store.addRecords(coll, [rec(id, '2021-01-01T00:00:00.000Z'), rec(id, '2021-01-01T00:00:00.000Z')], '*');
      expect(outcomes.map((o) => o.kind)).toEqual(['added', 'duplicate']);
    });

    test('when an object has no version, then its version is its first date_added and a re-post is a duplicate', async () => {
      const id = sid('ipv4-addr');
      const [added] = stored(await store.addRecords(coll, [rec(id, null, { value: '10.0.0.1' })], '*'));
      expect(added!.kind).toBe('added');
      expect(added!.version).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      const [again] = await store.addRecords(coll, [rec(id, null, { value: '10.0.0.1' })], '*');
      expect(again).toEqual({ kind: 'duplicate', dateAdded: added!.dateAdded, version: added!.version, sameContent: true });
      const page = await store.findRecords(query(coll, { versions: { all: false, first: false, last: false, at: [timestampKey(added!.version)] } }));
      expect(page.records.map((r) => r.id)).toEqual([id]);
    });

    test('when paging with a bound and a limit, then pages follow date_added without gap or overlap', async () => {
      const ids = Array.from({ length: 25 }, () => sid('identity'));
      await store.addRecords(coll, ids.map((id) => rec(id, '2022-02-02T00:00:00.000Z')), '*');
      const seen: string[] = [];
      let after: number | undefined;
      for (;;) {
        const page = await store.findRecords(query(coll, { after, limit: 10 }));
        seen.push(...page.records.map((r) => r.id));
        if (!page.more) break;
        after = page.records[page.records.length - 1]!.dateAdded;
      }
      expect(seen).toEqual(ids);
    });

    test('when an offset and a count are asked, then they follow the same selection as the pages', async () => {
      const ids = Array.from({ length: 12 }, (_, i) => sid(i % 3 === 0 ? 'malware' : 'indicator'));
      await store.addRecords(coll, ids.map((id) => rec(id, '2022-02-02T00:00:00.000Z')), '*');
      expect(await store.countRecords(query(coll))).toBe(12);
      expect(await store.countRecords(query(coll, { types: ['malware'] }))).toBe(4);
      expect(await store.countRecords(query(coll, { types: ['malware', 'indicator'], limit: 2, offset: 5 }))).toBe(12);
      const page = await store.findRecords(query(coll, { offset: 5, limit: 4 }));
      expect(page.records.map((r) => r.id)).toEqual(ids.slice(5, 9));
      expect(page.more).toBe(true);
      const merged = await store.findRecords(query(coll, { types: ['malware', 'indicator'], offset: 10, limit: 4 }));
      expect(merged.more).toBe(false);
      expect(merged.records.map((r) => r.id)).toEqual(ids.slice(10));
      const tail = await store.findRecords(query(coll, { offset: 11 }));
      expect(tail.records.map((r) => r.id)).toEqual(ids.slice(11));
      expect(await store.countRecords(query(randomUUID()))).toBe(0);
    });

    test('when a page of objects is asked as text, then it is the same page as findRecords, joined', async () => {
      const ids = Array.from({ length: 9 }, (_, i) => sid(i % 2 ? 'malware' : 'indicator'));
      await store.addRecords(coll, ids.map((id, i) => rec(id, `2022-02-02T00:00:0${i}.000Z`, { n: i })), '*');
      // An object whose older version arrives last: `last` must not show it after the newest.
      const revised = sid('indicator');
      for (const v of ['01', '03', '02']) await store.addRecords(coll, [rec(revised, `2023-01-01T00:00:${v}.000Z`)], '*');
      const extras: Array<Partial<RecordQuery>> = [{}, { versions: LAST }, { versions: FIRST }, { types: ['malware'] }, { types: ['malware', 'indicator'], versions: LAST }, { ids: [...ids.slice(2, 5), revised] }, { after: 0 }];
      for (const extra of extras) {
        let after: number | undefined;
        for (;;) {
          const q = query(coll, { ...extra, withBody: true, limit: 4, ...(after !== undefined ? { after } : {}) });
          const [rows, text] = [await store.findRecords(q), await store.findObjectsText(q)];
          expect(text.parts.every((part) => part.split('},{').length <= OBJECTS_PER_PART)).toBe(true);
          expect({ ...text, parts: text.parts.join(',') }).toEqual(
            rows.records.length === 0
              ? { parts: '', count: 0, more: false }
              : {
                  parts: rows.records.map((r) => r.body).join(','),
                  count: rows.records.length,
                  firstDateAdded: rows.records[0]!.dateAdded,
                  lastDateAdded: rows.records[rows.records.length - 1]!.dateAdded,
                  more: rows.more,
                },
          );
          if (!rows.more) break;
          after = rows.records[rows.records.length - 1]!.dateAdded;
        }
      }
      expect(await store.findObjectsText(query(randomUUID(), { limit: 5 }))).toEqual({ parts: [], count: 0, more: false });
      // A page larger than a part comes in several parts.
      const many = Array.from({ length: 150 }, () => rec(sid('note'), '2024-01-01T00:00:00.000Z'));
      const other = randomUUID();
      await store.addRecords(other, many, '*');
      const big = await store.findObjectsText(query(other, { withBody: true, limit: 1000 }));
      expect(big.parts.length).toBe(Math.ceil(150 / OBJECTS_PER_PART));
      expect(big.parts.join(',')).toBe(many.map((r) => r.body).join(','));
    });

    test('when pages of objects have a byte budget, then each ends before the object that would pass it, never empty, and resuming neither skips nor repeats', async () => {
      const budget = 1_000;
      const bytes = (body: string) => Buffer.byteLength(body);
      // A record whose body is exactly `size` bytes of UTF-8, some of its characters two bytes long.
      const sized = (type: string, size: number): NewRecord => {
        const record = rec(sid(type), '2024-01-01T00:00:00.000Z', { pad: '' });
        const fill = size - bytes(record.body);
        record.body = record.body.replace('"pad":""', `"pad":"${'é'.repeat(fill >> 2)}${'x'.repeat(fill - 2 * (fill >> 2))}"`);
        return record;
      };
      // Small objects, some alone over the budget, one exactly at it (1,000), pairs that just pass it (400 + 480 + 160).
      const sizes = [150, 300, 2_500, 160, 400, 480, 200, 4_000, 4_000, 1_000, 170, 999, 151, 180, 700, 350];
      const types = ['indicator', 'malware', 'note'];
      const records = sizes.map((size, i) => sized(types[i % 3]!, size));
      expect(records.map((r) => bytes(r.body))).toEqual(sizes);
      await store.addRecords(coll, records, '*');

      const cases: Array<[Partial<RecordQuery>, NewRecord[]]> = [
        [{ limit: 100 }, records],
        [{ limit: 3 }, records],
        [{ types: ['indicator', 'note'], limit: 100 }, records.filter((r) => r.type !== 'malware')],
        [{ types: ['malware'], limit: 100 }, records.filter((r) => r.type === 'malware')],
      ];
      for (const [extra, expected] of cases) {
        const served: string[] = [];
        let after: number | undefined;
        for (let pages = 0; pages < 40; pages++) {
          const page = await store.findObjectsText(query(coll, { ...extra, withBody: true, ...(after !== undefined ? { after } : {}) }), budget);
          const bodies = expected.slice(served.length, served.length + page.count).map((r) => r.body);
          expect(page.count).toBeGreaterThan(0);
          expect(page.parts.join(',')).toBe(bodies.join(','));
          const total = bodies.reduce((sum, body) => sum + bytes(body), 0);
          if (page.count > 1) expect(total).toBeLessThanOrEqual(budget);
          served.push(...bodies);
          expect(page.more).toBe(served.length < expected.length);
          // Cut by the limit, or because the next object would not fit.
          if (page.more && page.count < extra.limit!) expect(total + bytes(expected[served.length]!.body)).toBeGreaterThan(budget);
          if (!page.more) break;
          after = page.lastDateAdded;
        }
        expect(served).toEqual(expected.map((r) => r.body));
      }

      // TAXII 2.0 range paging: from an offset, the same rule.
      const ranged = await store.findObjectsText(query(coll, { withBody: true, offset: 3, limit: 10 }), budget);
      expect(ranged.parts.join(',')).toBe(records.slice(3, 5).map((r) => r.body).join(','));
      expect(ranged.more).toBe(true);
      // Without a budget, the limit alone cuts the page.
      expect((await store.findObjectsText(query(coll, { withBody: true, limit: 100 }))).count).toBe(records.length);
    });

    test('when a page is exactly full, then more is false', async () => {
      await store.addRecords(coll, [rec(sid('note'), '2020-01-01T00:00:00.000Z'), rec(sid('note'), '2020-01-01T00:00:00.000Z')], '*');
      const page = await store.findRecords(query(coll, { limit: 2 }));
      expect(page.records).toHaveLength(2);
      expect(page.more).toBe(false);
    });

    describe('version selection', () => {
      let a: string;
      let b: string;
      beforeEach(async () => {
        a = sid('attack-pattern');
        b = sid('campaign');
        await store.addRecords(coll, [rec(a, '2020-01-01T00:00:00.000Z'), rec(b, '2020-06-01T00:00:00.000Z')], '*');
        await store.addRecords(coll, [rec(a, '2020-03-01T00:00:00.5Z')], '*');
        await store.addRecords(coll, [rec(a, '2020-02-01T00:00:00.000001Z')], '*');
      });

      test('when last is asked, then each object gives its latest version only', async () => {
        const page = await store.findRecords(query(coll, { versions: LAST }));
        expect(page.records.map((r) => [r.id, r.version])).toEqual([
          [b, '2020-06-01T00:00:00.000Z'],
          [a, '2020-03-01T00:00:00.5Z'],
        ]);
      });

      test('when first is asked, then each object gives its earliest version only', async () => {
        const page = await store.findRecords(query(coll, { versions: FIRST }));
        expect(page.records.map((r) => r.version)).toEqual(['2020-01-01T00:00:00.000Z', '2020-06-01T00:00:00.000Z']);
      });

      test('when first and last are asked, then the union comes back in date_added order', async () => {
        const page = await store.findRecords(query(coll, { versions: { all: false, first: true, last: true, at: [] } }));
        expect(page.records.map((r) => r.version)).toEqual([
          '2020-01-01T00:00:00.000Z',
          '2020-06-01T00:00:00.000Z',
          '2020-03-01T00:00:00.5Z',
        ]);
      });

      test('when an exact instant is asked, then it matches at any precision', async () => {
        const page = await store.findRecords(query(coll, { versions: { all: false, first: false, last: false, at: [timestampKey('2020-03-01T00:00:00.500000Z')] } }));
        expect(page.records.map((r) => r.version)).toEqual(['2020-03-01T00:00:00.5Z']);
      });

      test('when all is asked for one id, then every version comes back in date_added order', async () => {
        const page = await store.findRecords(query(coll, { ids: [a] }));
        expect(page.records.map((r) => r.version)).toEqual([
          '2020-01-01T00:00:00.000Z',
          '2020-03-01T00:00:00.5Z',
          '2020-02-01T00:00:00.000001Z',
        ]);
      });

      test('when a bound excludes older records, then last is chosen among the remaining ones', async () => {
        const all = await store.findRecords(query(coll));
        const page = await store.findRecords(query(coll, { after: all.records[2]!.dateAdded, versions: LAST }));
        expect(page.records.map((r) => r.version)).toEqual(['2020-02-01T00:00:00.000001Z']);
      });

      test('when types are filtered, then only those types come back', async () => {
        const page = await store.findRecords(query(coll, { types: ['campaign', 'x-unknown'] }));
        expect(page.records.map((r) => r.id)).toEqual([b]);
      });
    });

    test('when versions arrive out of order, with two spec versions and deletes, then every query matches a direct reading of the pipeline', async () => {
      // A deterministic shuffle of adds and deletes, checked against docs/taxii.md#pipeline computed naively.
      let seed = 7;
      const rand = (n: number) => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return (seed >>> 16) % n;
      };
      const ids = Array.from({ length: 6 }, () => sid('indicator'));
      const live: Array<{ id: string; version: string; key: string; spec: string; dateAdded: number }> = [];
      for (let step = 0; step < 60; step++) {
        const id = ids[rand(ids.length)]!;
        if (step % 9 === 8 && live.some((r) => r.id === id)) {
          const victim = live.filter((r) => r.id === id).pop()!;
          await store.deleteRecords(query(coll, { ids: [id], versions: { all: false, first: false, last: false, at: [victim.key] }, specVersions: [victim.spec] }), { reason: 'deleted' });
          live.splice(live.indexOf(victim), 1);
          continue;
        }
        const version = `2020-01-${String(1 + rand(20)).padStart(2, '0')}T00:00:00.000Z`;
        const spec = rand(4) === 0 ? '2.0' : '2.1';
        const [outcome] = await store.addRecords(coll, [rec(id, version, {}, spec)], '*');
        if (outcome!.kind === 'added') live.push({ id, version, key: timestampKey(version), spec, dateAdded: outcome!.dateAdded });
      }
      const expected = (after: number | undefined, pick: 'first' | 'last' | 'all', specs: 'latest' | string[]) => {
        const remaining = live.filter((r) => (after === undefined || r.dateAdded > after) && (specs === 'latest' || specs.includes(r.spec)));
        const kept = remaining.filter((r) => {
          const same = remaining.filter((s) => s.id === r.id);
          if (specs === 'latest' && same.some((s) => s.spec > r.spec)) return false;
          const rivals = same.filter((s) => specs !== 'latest' || s.spec === r.spec);
          if (pick === 'last') return !rivals.some((s) => s.key > r.key);
          if (pick === 'first') return !rivals.some((s) => s.key < r.key);
          return true;
        });
        return kept.sort((a, b) => a.dateAdded - b.dateAdded).map((r) => `${r.id}@${r.version}/${r.spec}`);
      };
      const bounds = [undefined, ...live.map((r) => r.dateAdded).sort((a, b) => a - b).filter((_, i) => i % 5 === 0)];
      for (const after of bounds) {
        for (const pick of ['first', 'last', 'all'] as const) {
          for (const specs of ['latest', ['2.1'], ['2.0'], ['2.0', '2.1']] as Array<'latest' | string[]>) {
            const versions = pick === 'all' ? ALL : { all: false as const, first: pick === 'first', last: pick === 'last', at: [] };
            const page = await store.findRecords(query(coll, { ...(after !== undefined ? { after } : {}), versions, specVersions: specs }));
            expect([after, pick, specs, page.records.map((r) => `${r.id}@${r.version}/${r.specVersion}`)]).toEqual([after, pick, specs, expected(after, pick, specs)]);
          }
        }
      }
    });

    test('when random version histories are added, deleted from and queried, then every answer is the selection core\'s', async () => {
      const scratch = h.openScratch ? await h.openScratch() : store;
      try {
        expect(await checkRandomHistories(scratch, coll)).toBeGreaterThan(0);
      } finally {
        if (scratch !== store) await scratch.close();
      }
    }, 60 * 60_000);

    describe('spec versions', () => {
      test('when an object has records of two spec versions, then the default keeps the highest and a filter picks explicitly', async () => {
        const id = sid('indicator');
        await store.addRecords(coll, [rec(id, '2019-01-01T00:00:00.000Z', {}, '2.0'), rec(id, '2018-01-01T00:00:00.000Z', {}, '2.1')], '*');
        const latest = await store.findRecords(query(coll, { versions: LAST }));
        expect(latest.records.map((r) => [r.version, r.specVersion])).toEqual([['2018-01-01T00:00:00.000Z', '2.1']]);
        const old = await store.findRecords(query(coll, { versions: LAST, specVersions: ['2.0'] }));
        expect(old.records.map((r) => r.specVersion)).toEqual(['2.0']);
        const both = await store.findRecords(query(coll, { specVersions: ['2.0', '2.1'] }));
        expect(both.records).toHaveLength(2);
        const every = await store.findRecords(query(coll, { specVersions: 'all' }));
        expect(every.records).toHaveLength(2);
      });
    });

    test('when records are deleted by a version query, then only those go and hasObject follows', async () => {
      const id = sid('report');
      await store.addRecords(coll, [rec(id, '2020-01-01T00:00:00.000Z'), rec(id, '2020-01-02T00:00:00.000Z'), rec(sid('report'), '2020-01-01T00:00:00.000Z')], '*');
      expect(await store.deleteRecords(query(coll, { ids: [id], versions: LAST }), { reason: 'deleted' })).toBe(1);
      expect((await store.findRecords(query(coll, { ids: [id] }))).records.map((r) => r.version)).toEqual(['2020-01-01T00:00:00.000Z']);
      expect(await store.deleteRecords(query(coll, { ids: [id] }), { reason: 'deleted' })).toBe(1);
      expect(await store.hasObject(coll, id)).toBe(false);
      expect(await store.deleteRecords(query(coll, { ids: [id] }), { reason: 'deleted' })).toBe(0);
      expect((await store.findRecords(query(coll))).records).toHaveLength(1);
    });

    test('when the newest record is deleted, then later records still get later date_added values', async () => {
      const id = sid('grouping');
      const [first] = stored(await store.addRecords(coll, [rec(id, '2020-01-01T00:00:00.000Z')], '*'));
      await store.deleteRecords(query(coll, { ids: [id] }), { reason: 'deleted' });
      const [second] = stored(await store.addRecords(coll, [rec(id, '2020-01-01T00:00:00.000Z')], '*'));
      expect(second!.kind).toBe('added');
      expect(second!.dateAdded).toBeGreaterThan(first!.dateAdded);
    });

    test('when collections differ, then records never cross between them', async () => {
      const other = randomUUID();
      const id = sid('indicator');
      await store.addRecords(coll, [rec(id, '2020-01-01T00:00:00.000Z')], '*');
      const [inOther] = await store.addRecords(other, [rec(id, '2020-01-01T00:00:00.000Z')], '*');
      expect(inOther!.kind).toBe('added');
      expect((await store.findRecords(query(other))).records).toHaveLength(1);
      expect((await store.findRecords(query(randomUUID()))).records).toEqual([]);
      expect(await store.hasObject(randomUUID(), id)).toBe(false);
    });

    test('when a status is stored, then it is read back until it expires and purged after', async () => {
      const status: StoredStatus = {
        id: randomUUID(),
        apiRoot: 'root',
        collectionId: coll,
        owner: 'user:alice',
        status: 'complete',
        requestTimestamp: '2026-01-01T00:00:00.000000Z',
        totalCount: 2,
        successCount: 1,
        failureCount: 1,
        pendingCount: 0,
        successes: [{ id: 'indicator--1', version: 'v' }],
        failures: [{ id: '/objects/1', version: '', message: 'bad' }],
        pendings: [],
        expiresAt: 2_000,
      };
      await store.putStatus(status);
      expect(await store.getStatus(status.id, 1_000)).toEqual(status);
      expect(await store.getStatus(status.id, 2_000)).toBeNull();
      expect(await store.getStatus(randomUUID(), 1_000)).toBeNull();
      expect(await store.purgeStatuses(3_000)).toBe(1);
      expect(await store.getStatus(status.id, 0)).toBeNull();
    });

    describe('entities', () => {
      const org = (id: string, name: string) => ({ kind: 'organisation' as const, id, uniqueKey: name, refs: [], doc: { id, name } });

      test('when entities are created, then they are found by id, key and reference', async () => {
        await store.createEntity(org('o2', 'beta'));
        await store.createEntity(org('o1', 'alpha'));
        await store.createEntity({ kind: 'user', id: 'u1', uniqueKey: 'ann', refs: ['org:o1'], doc: { name: 'ann', nested: { a: [1] } } });
        await store.createEntity({ kind: 'user', id: 'u2', refs: ['org:o2'], doc: {} });
        expect(await store.getEntity('organisation', 'o1')).toEqual(org('o1', 'alpha'));
        expect(await store.findEntityByKey('user', 'ann')).toEqual({ kind: 'user', id: 'u1', uniqueKey: 'ann', refs: ['org:o1'], doc: { name: 'ann', nested: { a: [1] } } });
        expect((await store.listEntities('organisation')).map((e) => e.id)).toEqual(['o1', 'o2']);
        expect((await store.listEntities('user', 'org:o2')).map((e) => e.id)).toEqual(['u2']);
        expect(await store.listEntities('user', 'org:none')).toEqual([]);
        expect(await store.getEntity('user', 'o1')).toBeNull();
        expect(await store.findEntityByKey('organisation', 'gamma')).toBeNull();
      });

      test('when an id or unique key is taken, then creating or replacing is a conflict and nothing changes', async () => {
        await store.createEntity(org('o1', 'alpha'));
        await store.createEntity(org('o2', 'beta'));
        await expect(store.createEntity(org('o1', 'other'))).rejects.toMatchObject({ code: 'conflict' });
        await expect(store.createEntity(org('o3', 'alpha'))).rejects.toMatchObject({ code: 'conflict' });
        await expect(store.replaceEntity(org('o2', 'alpha'))).rejects.toMatchObject({ code: 'conflict' });
        await expect(store.replaceEntity(org('o9', 'zeta'))).rejects.toMatchObject({ code: 'not_found' });
        expect((await store.getEntity('organisation', 'o2'))!.uniqueKey).toBe('beta');
        expect(await store.listEntities('organisation')).toHaveLength(2);
      });

      test('when an entity is replaced or deleted, then its key and references follow', async () => {
        await store.createEntity({ kind: 'membership', id: 'm1', uniqueKey: 'p1/o1', refs: ['org:o1', 'partnership:p1'], doc: { role: 'consumer' } });
        await store.replaceEntity({ kind: 'membership', id: 'm1', uniqueKey: 'p1/o1', refs: ['org:o1', 'partnership:p2'], doc: { role: 'steward' } });
        expect(await store.listEntities('membership', 'partnership:p1')).toEqual([]);
        expect((await store.listEntities('membership', 'partnership:p2'))[0]!.doc).toEqual({ role: 'steward' });
        expect(await store.deleteEntity('membership', 'm1')).toBe(true);
        expect(await store.deleteEntity('membership', 'm1')).toBe(false);
        expect(await store.listEntities('membership', 'org:o1')).toEqual([]);
        await store.createEntity({ kind: 'membership', id: 'm2', uniqueKey: 'p1/o1', refs: [], doc: {} });
      });
    });

    test('when audit entries are appended, then they are listed in order, per partnership, in pages', async () => {
      const entry = (i: number) => ({ time: `2026-01-01T00:00:0${i}.000000Z`, operation: 'get_objects', outcome: 200, partnership: i % 2 ? 'p1' : 'p2', objectCount: i });
      await store.appendAudit([entry(0)]);
      await store.appendAudit([1, 2, 3, 4].map(entry));
      const all = await store.listAudit({ limit: 10 });
      expect(all.entries.map((e) => e.objectCount)).toEqual([0, 1, 2, 3, 4]);
      const seqs = all.entries.map((e) => e.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      const p1 = await store.listAudit({ partnership: 'p1', limit: 1 });
      expect(p1).toEqual({ entries: [expect.objectContaining({ objectCount: 1, partnership: 'p1' })], more: true });
      const rest = await store.listAudit({ partnership: 'p1', limit: 5, afterSeq: p1.entries[0]!.seq });
      expect(rest.entries.map((e) => e.objectCount)).toEqual([3]);
      expect(rest.more).toBe(false);
    });

    describe('copying a store', () => {
      test('when a collection is exported and imported elsewhere, then records, versions and date_added come back exactly', async () => {
        const a = sid('indicator');
        const sco = sid('ipv4-addr');
        await store.addRecords(coll, [rec(a, '2020-01-01T00:00:00.000Z'), rec(sco, null, { value: '10.0.0.1' })], '*');
        await store.addRecords(coll, [rec(a, '2020-02-01T00:00:00.5Z', {}, '2.0'), rec(a, '2019-12-01T00:00:00Z')], '*');
        const note = sid('note');
        const [gone] = stored(await store.addRecords(coll, [rec(note, '2020-01-01T00:00:00Z')], '*'));
        await store.deleteRecords(query(coll, { ids: [note] }), { reason: 'deleted' });
        const mark = (await store.listCollections()).find((m) => m.id === coll);
        // The delete's tombstone took the last date_added, after the deleted record's.
        const [tombstone] = (await store.listTombstones(coll, undefined, 10)).tombstones;
        expect(tombstone!.removedAt).toBeGreaterThan(gone!.dateAdded);
        expect(mark).toEqual({ id: coll, lastDateAdded: tombstone!.removedAt });

        const head = await store.exportRecords(coll, undefined, 2);
        const tail = await store.exportRecords(coll, head[1]!.dateAdded, 10);
        const dumps = [...head, ...tail];
        expect(dumps.map((d) => [d.id, d.versionless, d.specVersion])).toEqual([
          [a, false, '2.1'],
          [sco, true, '2.1'],
          [a, false, '2.0'],
          [a, false, '2.1'],
        ]);
        expect(dumps[2]).toMatchObject({ version: '2020-02-01T00:00:00.5Z', versionKey: timestampKey('2020-02-01T00:00:00.5Z') });

        const copy = randomUUID();
        const later = mark!.lastDateAdded + 3_600_000_000;
        await store.importRecords(copy, head);
        await store.importRecords(copy, tail, later);
        expect(await store.exportRecords(copy, undefined, 10)).toEqual(dumps);
        expect((await store.listCollections()).find((m) => m.id === copy)).toEqual({ id: copy, lastDateAdded: later });
        const reads: Array<Partial<RecordQuery>> = [{ versions: LAST }, { versions: FIRST }, { specVersions: 'all', versions: LAST }, { after: head[0]!.dateAdded }];
        for (const extra of reads) {
          expect((await store.findRecords(query(copy, extra))).records).toEqual((await store.findRecords(query(coll, extra))).records);
        }
        const [again] = await store.addRecords(copy, [rec(sco, null, { value: '10.0.0.1' })], '*');
        expect(again).toEqual({ kind: 'duplicate', dateAdded: dumps[1]!.dateAdded, version: dumps[1]!.version, sameContent: true });
        const [next] = stored(await store.addRecords(copy, [rec(sid('tool'), '2021-01-01T00:00:00Z')], '*'));
        expect(next!.dateAdded).toBe(later + 1);
      });

      test('when an import repeats a version or does not follow the last date_added, then it is a conflict and nothing is written', async () => {
        await store.addRecords(coll, [rec(sid('malware'), '2020-01-01T00:00:00.000Z'), rec(sid('ipv4-addr'), null)], '*');
        const [dump, versionless] = await store.exportRecords(coll, undefined, 10);
        const other = randomUUID();
        await store.importRecords(other, [dump!, versionless!]);
        const after = versionless!.dateAdded;
        const newer = { ...dump!, version: '2021-01-01T00:00:00Z', versionKey: timestampKey('2021-01-01T00:00:00Z') };
        const fresh = { ...dump!, id: sid('malware') };
        const attempts = [
          [{ ...dump!, version: '2020-01-01T00:00:00Z', dateAdded: after + 10 }],
          [{ ...versionless!, version: '2022-01-01T00:00:00.000000Z', versionKey: timestampKey('2022-01-01T00:00:00Z'), dateAdded: after + 10 }],
          [{ ...newer, dateAdded: after }],
          [{ ...fresh, dateAdded: after + 10 }, { ...fresh, dateAdded: after + 20 }],
          [{ ...fresh, dateAdded: after + 20 }, { ...newer, dateAdded: after + 10 }],
        ];
        for (const records of attempts) await expect(store.importRecords(other, records)).rejects.toMatchObject({ code: 'conflict' });
        expect(await store.exportRecords(other, undefined, 10)).toEqual([dump, versionless]);
        expect((await store.listCollections()).find((m) => m.id === other)!.lastDateAdded).toBe(after);
      });

      test('when statuses and secrets are listed, then every one comes back in order, expired or not', async () => {
        const status = (id: string, expiresAt: number): StoredStatus =>
          oneSuccessStatus({ id, apiRoot: 'root', collectionId: coll, owner: 'user:alice', success: { id: 'indicator--1', version: 'v' }, expiresAt });
        const statuses = [status(randomUUID(), 1), status(randomUUID(), Number.MAX_SAFE_INTEGER), status(randomUUID(), 5)];
        for (const s of statuses) await store.putStatus(s);
        const sorted = [...statuses].sort((x, y) => (x.id < y.id ? -1 : 1));
        const first = await store.listStatuses(undefined, 2);
        expect(first).toEqual(sorted.slice(0, 2));
        expect(await store.listStatuses(first[1]!.id, 10)).toEqual(sorted.slice(2));
        expect(await store.listSecrets()).toEqual([]);
        await store.getOrCreateSecret('signing', () => 'two');
        await store.getOrCreateSecret('cursor', () => 'one');
        expect(await store.listSecrets()).toEqual([
          { name: 'cursor', value: 'one' },
          { name: 'signing', value: 'two' },
        ]);
      });
    });

    test('when two handles ask for the same secret, then both get the first one created', async () => {
      const other = await h.openAnother();
      try {
        const one = await store.getOrCreateSecret('cursor', () => 'first');
        const two = await other.getOrCreateSecret('cursor', () => 'second');
        expect([one, two]).toEqual(['first', 'first']);
      } finally {
        await other.close();
      }
    });

    test('when a store is new, then it has an origin every handle sees, not seeded until marked (docs/reliability.md#damaged-stores)', async () => {
      const origin = await store.origin();
      expect(origin).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), seeded: false });
      await store.markSeeded();
      const other = await h.openAnother();
      try {
        expect(await other.origin()).toEqual({ ...origin, seeded: true });
      } finally {
        await other.close();
      }
    });

    test('when two writers add to one collection at once, then no date_added repeats and paging meanwhile misses nothing', async () => {
      const other = await h.openAnother();
      try {
        const batches = (prefix: string) =>
          Array.from({ length: 20 }, () => Array.from({ length: 25 }, () => rec(sid(prefix), '2020-01-01T00:00:00.000Z')));
        const seen: string[] = [];
        let after: number | undefined;
        const reader = async () => {
          for (let i = 0; i < 200; i++) {
            const page = await store.findRecords(query(coll, { after, limit: 7 }));
            seen.push(...page.records.map((r) => r.id));
            if (page.records.length > 0) after = page.records[page.records.length - 1]!.dateAdded;
            await new Promise((resolve) => setImmediate(resolve));
          }
        };
        const write = async (s: Store, bs: NewRecord[][]) => {
          for (const b of bs) await s.addRecords(coll, b, '*');
        };
        await Promise.all([write(store, batches('indicator')), write(other, batches('malware')), reader()]);
        // Drain what the reader had not reached yet.
        for (;;) {
          const page = await store.findRecords(query(coll, { after, limit: 100 }));
          seen.push(...page.records.map((r) => r.id));
          if (page.records.length === 0) break;
          after = page.records[page.records.length - 1]!.dateAdded;
        }
        const all = await store.findRecords(query(coll));
        const dates = all.records.map((r) => r.dateAdded);
        expect(all.records).toHaveLength(1000);
        expect(new Set(dates).size).toBe(1000);
        expect(seen).toEqual(all.records.map((r) => r.id));
      } finally {
        await other.close();
      }
    });

    lifecycleCases(() => ({ store, coll }));
    historyCases(() => ({ store, coll }));
    boundsCases(() => ({ store, coll }));
    auditChainCases(() => ({ store, harness: h }));
    versionEqualityCases(() => ({ store, coll }));
  });
}
