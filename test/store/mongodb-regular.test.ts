/**
 * MongoDB's reads of `version=last` under the latest spec version on a regular
 * collection (src/store/mongodb/regular-reads.ts), without a server: when the
 * newest marks may stand for the selection, that they do (against the
 * selection core over generated histories), the index-only position and count
 * queries, and the merge of sorted streams behind pages over many types.
 */

import type { RecordQuery, VersionSelector } from '../../src/store/contract';
import { candidateQuery } from '../../src/store/mongodb/record-query';
import { countIrregular } from '../../src/store/mongodb/record-regularity';
import {
  COUNT_PROBE,
  countAfterBound,
  fromPosition,
  isRegularRead,
  newestFilter,
  objectsAmong,
  positionQuery,
  sideCondition,
  type Regularity,
} from '../../src/store/mongodb/regular-reads';
import { INDEXES } from '../../src/store/mongodb/schema';
import { mergeSorted } from '../../src/store/mongodb/sorted-merge';
import { selectAll, type SelectableRecord } from '../../src/store/selection';
import { Random } from './selection-histories';

const ALL: VersionSelector = { all: true };
const LAST: VersionSelector = { all: false, first: false, last: true, at: [] };
const FIRST: VersionSelector = { all: false, first: true, last: false, at: [] };
const base: RecordQuery = { collectionId: 'c1', versions: LAST, specVersions: 'latest', withBody: false };
const q = (extra: Partial<RecordQuery>): RecordQuery => ({ ...base, ...extra });
const counted: Regularity = { counted: true, irregular: 0, objects: 7, objectsByType: { indicator: 4, malware: 3 } };
const keysOf = (name: string) => Object.keys(INDEXES.records.find((index) => index.name === name)!.key);

describe('when a read may use the newest marks alone', () => {
  test('when the counter is exact and regular and the query asks the last version of the latest spec version, then it may, with or without bound and types', () => {
    expect(isRegularRead(q({}), counted)).toBe(true);
    expect(isRegularRead(q({ after: 5, types: ['indicator'], limit: 10, offset: 20 }), counted)).toBe(true);
  });

  test('when the counter is missing, not counted, irregular or without objects, then it may not', () => {
    expect(isRegularRead(q({}), null)).toBe(false);
    expect(isRegularRead(q({}), { ...counted, counted: false })).toBe(false);
    const { counted: _counted, ...uncounted } = counted;
    expect(isRegularRead(q({}), uncounted)).toBe(false);
    expect(isRegularRead(q({}), { ...counted, irregular: 1 })).toBe(false);
    const { objects: _objects, ...noObjects } = counted;
    expect(isRegularRead(q({}), noObjects)).toBe(false);
  });

  test('when the query asks other versions, other spec versions, instants or ids, then it may not', () => {
    const others: Array<Partial<RecordQuery>> = [
      { versions: ALL },
      { versions: FIRST },
      { versions: { all: false, first: true, last: true, at: [] } },
      { versions: { all: false, first: false, last: true, at: ['20200101000000'] } },
      { specVersions: 'all' },
      { specVersions: ['2.1'] },
      { ids: ['indicator--a'] },
    ];
    for (const extra of others) expect([extra, isRegularRead(q(extra), counted)]).toEqual([extra, false]);
  });
});

describe('when the newest marks stand for the selection', () => {
  type Row = SelectableRecord & { newest: boolean };

  /** A history of adds (new objects, new versions) and deletes (of any versions); regular when every add goes above its object's stored records. */
  function history(seed: number, regular: boolean): Row[] {
    const random = new Random(seed);
    const rows: Row[] = [];
    let dateAdded = 0;
    let objects = 0;
    for (let step = 0; step < 300; step++) {
      const roll = random.int(10);
      if (roll < 3 || rows.length === 0) {
        const type = ['indicator', 'malware', 'tool'][random.int(3)]!;
        rows.push(row(`${type}--${objects++}`, random.int(2) === 0 ? '2.0' : '2.1', 10 + random.int(10)));
      } else if (roll < 8) {
        const id = rows[random.int(rows.length)]!.id;
        const own = rows.filter((r) => r.id === id);
        const top = own.reduce((a, b) => (a.specVersion > b.specVersion || (a.specVersion === b.specVersion && a.versionKey > b.versionKey) ? a : b));
        const raise = regular || random.int(4) > 0;
        const specVersion = raise && random.int(5) === 0 ? '2.1' : top.specVersion;
        const key = Number(top.versionKey);
        rows.push(row(id, raise ? specVersion : '2.0', raise ? key + 1 + random.int(3) : Math.max(10, key - random.int(3))));
      } else {
        rows.splice(random.int(rows.length), 1);
      }
    }
    const latest = new Map<string, number>();
    for (const r of rows) latest.set(r.id, Math.max(latest.get(r.id) ?? 0, r.dateAdded));
    for (const r of rows) r.newest = latest.get(r.id) === r.dateAdded;
    return rows;

    function row(id: string, specVersion: string, key: number): Row {
      const versionKey = String(key).padStart(4, '0');
      return { collectionId: 'c1', id, type: id.split('--')[0]!, version: versionKey, versionKey, specVersion, dateAdded: ++dateAdded, newest: false };
    }
  }

  function irregularOf(rows: Row[]): number {
    let total = 0;
    for (const id of new Set(rows.map((r) => r.id))) total += countIrregular([], rows.filter((r) => r.id === id).sort((a, b) => a.dateAdded - b.dateAdded));
    return total;
  }

  /** What the regular path reads: the newest marks after the bound, of the types. */
  function newestMarks(rows: Row[], query: RecordQuery): string[] {
    return rows
      .filter((r) => r.newest && (query.after === undefined || r.dateAdded > query.after) && (query.types === undefined || query.types.includes(r.type)))
      .sort((a, b) => a.dateAdded - b.dateAdded)
      .map((r) => `${r.id}@${r.dateAdded}`);
  }
  const selected = (rows: Row[], query: RecordQuery) => selectAll(rows, query).map((r) => `${r.id}@${r.dateAdded}`);
  const queriesOver = (rows: Row[]) =>
    [undefined, ...rows.map((r) => r.dateAdded).filter((_, i) => i % 7 === 0)].flatMap((after) => [q({ after }), q({ after, types: ['malware', 'tool'] })]);

  test('when no stored record is irregular (deletes included), then the records selected are exactly the newest marks after the bound, for every bound and types', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rows = history(seed, true);
      expect(irregularOf(rows)).toBe(0);
      for (const query of queriesOver(rows)) expect([seed, query.after, newestMarks(rows, query)]).toEqual([seed, query.after, selected(rows, query)]);
    }
  });

  test('when some record is irregular, then the newest marks can differ from the selection: the counter must say 0', () => {
    let differing = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const rows = history(seed, false);
      if (irregularOf(rows) === 0) continue;
      for (const query of queriesOver(rows)) if (JSON.stringify(newestMarks(rows, query)) !== JSON.stringify(selected(rows, query))) differing += 1;
    }
    expect(differing).toBeGreaterThan(0);
  });
});

describe('index-only positions and counts of newest marks', () => {
  test('when a page starts at an offset, then its position is one skip over the index, covered: indexed fields only and no _id', () => {
    const query = q({ after: 42, offset: 500, limit: 10 });
    expect(positionQuery(query, 500)).toEqual({
      filter: { collection: 'c1', newest: true, dateAdded: { $gt: 42 } },
      sort: { dateAdded: 1 },
      hint: 'newest_records',
      projection: { _id: 0, dateAdded: 1 },
      skip: 500,
      limit: 1,
    });
    const typed = positionQuery(q({ types: ['indicator', 'tool'] }), 9);
    expect(typed).toMatchObject({ filter: { collection: 'c1', newest: true, type: { $in: ['indicator', 'tool'] } }, hint: 'newest_by_type', skip: 9 });
    for (const position of [positionQuery(query, 1), typed]) {
      const keys = keysOf(position.hint);
      for (const field of Object.keys(position.filter)) expect(keys).toContain(field);
      for (const [field, shown] of Object.entries(position.projection)) if (shown === 1) expect(keys).toContain(field);
      expect(position.projection._id).toBe(0);
    }
  });

  test('when the page is read from the position, then its bound sits just before the record found there and the offset is gone', () => {
    expect(fromPosition(q({ after: 3, offset: 40, limit: 10, types: ['tool'] }), 1_700_000_000_000_123)).toEqual(q({ after: 1_700_000_000_000_122, offset: undefined, limit: 10, types: ['tool'] }));
  });

  test('when a regular page reads candidates, then it reads the newest marks after the bound on their partial index, never another version', () => {
    expect(candidateQuery(q({ after: 9, types: ['malware'] }), { regular: true, withId: true })).toEqual({
      filter: { collection: 'c1', newest: true, type: { $in: ['malware'] }, dateAdded: { $gt: 9 } },
      sort: { dateAdded: 1 },
      hint: 'newest_by_type',
      projection: { _id: 1, dateAdded: 1, stixId: 1, type: 1, version: 1, versionKey: 1, specVersion: 1 },
    });
    expect(candidateQuery(q({}), { regular: true }).hint).toBe('newest_records');
    // The partial indexes serve only queries that imply their filter.
    for (const index of INDEXES.records.filter((i) => i.name?.startsWith('newest'))) expect(index.partialFilterExpression).toEqual({ newest: true });
    expect(newestFilter('c1', undefined, sideCondition(5, 'upTo'))).toEqual({ collection: 'c1', newest: true, dateAdded: { $lte: 5 } });
  });

  test('when the objects of some types are counted, then the counter per type is summed, each type once, unknown types 0', () => {
    expect(objectsAmong(counted, undefined)).toBe(7);
    expect(objectsAmong(counted, ['malware', 'indicator', 'malware', 'tool'])).toBe(7);
    expect(objectsAmong(counted, ['tool'])).toBe(0);
  });

  test('when a type is named like a member every JavaScript object has (`constructor` is a valid STIX type), then it counts as any other type', () => {
    expect(objectsAmong(counted, ['constructor'])).toBe(0);
    expect(objectsAmong(counted, ['constructor', 'indicator'])).toBe(4);
    expect(objectsAmong({ ...counted, objectsByType: { constructor: 2 } }, ['constructor'])).toBe(2);
  });

  describe('when a count has a bound', () => {
    /** Newest marks at dateAdded 1..total; counts each side as the server would, recording the calls. */
    function sides(total: number, calls: string[]) {
      return async (side: 'after' | 'upTo', limit?: number): Promise<number> => {
        calls.push(`${side}:${limit ?? 'all'}`);
        const n = side === 'after' ? Math.max(0, total - bound) : Math.min(total, bound);
        return limit === undefined ? n : Math.min(n, limit);
      };
    }
    let bound = 0;

    test.each([
      ['near the end (a poller)', 100_000, 99_990, 10, ['after:10000']],
      ['near the start', 100_000, 10, 99_990, ['after:10000', 'upTo:10000']],
      ['far from both ends', 100_000, 50_000, 50_000, ['after:10000', 'upTo:10000', 'after:all']],
      ['on a small collection', 50, 20, 30, ['after:10000']],
    ])('when the bound is %s, then the count is exact and the full count runs only when both limited counts reach the limit', async (_name, total, at, expected, expectedCalls) => {
      bound = at;
      const calls: string[] = [];
      expect(await countAfterBound(total, sides(total, calls))).toBe(expected);
      expect(calls).toEqual(expectedCalls);
      expect(COUNT_PROBE).toBe(10_000);
    });
  });
});

describe('merging sorted streams', () => {
  async function* stream(values: number[], log: string[], name: string): AsyncGenerator<number> {
    try {
      for (const value of values) {
        log.push(`${name}${value}`);
        yield value;
      }
    } finally {
      log.push(`${name} closed`);
    }
  }
  const collect = async (source: AsyncIterable<number>, take = Infinity) => {
    const out: number[] = [];
    for await (const value of source) {
      if (out.length >= take) break;
      out.push(value);
    }
    return out;
  };

  test('when several sorted streams are merged, then every item comes once in ascending order, empty streams included', async () => {
    const log: string[] = [];
    const merged = mergeSorted([stream([1, 4, 9], log, 'a'), stream([], log, 'b'), stream([2, 3, 10, 11], log, 'c'), stream([5], log, 'd')], (n) => n);
    expect(await collect(merged)).toEqual([1, 2, 3, 4, 5, 9, 10, 11]);
    expect(log.filter((line) => line.endsWith('closed')).sort()).toEqual(['a closed', 'b closed', 'c closed', 'd closed']);
  });

  test('when the consumer stops early, then no stream is read further than one item ahead and every stream is closed', async () => {
    const log: string[] = [];
    const merged = mergeSorted([stream([1, 3, 5, 7, 9], log, 'a'), stream([2, 4, 6, 8], log, 'b')], (n) => n);
    expect(await collect(merged, 3)).toEqual([1, 2, 3]);
    expect(log.filter((line) => !line.endsWith('closed'))).toEqual(['a1', 'b2', 'a3', 'b4', 'a5']);
    expect(log.filter((line) => line.endsWith('closed')).sort()).toEqual(['a closed', 'b closed']);
  });

  test('when the merge starts, then each stream is first read after the one before has answered (in a snapshot session the first read fixes the point in time of the others)', async () => {
    const log: string[] = [];
    async function* answering(values: number[], name: string): AsyncGenerator<number> {
      log.push(`${name} asked`);
      await new Promise((resolve) => setImmediate(resolve));
      log.push(`${name} answered`);
      yield* values;
    }
    expect(await collect(mergeSorted([answering([1, 4], 'a'), answering([2], 'b'), answering([3], 'c')], (n) => n))).toEqual([1, 2, 3, 4]);
    expect(log).toEqual(['a asked', 'a answered', 'b asked', 'b answered', 'c asked', 'c answered']);
  });

  test('when there is one stream, then it passes through unchanged', async () => {
    const log: string[] = [];
    expect(await collect(mergeSorted([stream([3, 1, 2], log, 'a')], (n) => n))).toEqual([3, 1, 2]);
  });
});
