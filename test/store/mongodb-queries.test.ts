/**
 * MongoDB-specific checks that need no server: the translation of a RecordQuery
 * into filters and pipelines, the index definitions, that every page query is
 * hinted to an index whose keys deliver its filter and its order (so a change
 * that would make a page sort or scan fails here), and the selection core fed
 * with plain data against a direct reading of docs/taxii.md#pipeline. The same queries
 * run on a real server in mongodb.test.ts when MONGODB_URI is set.
 */

import { MongoServerError } from 'mongodb';
import { ConflictError } from '../../src/errors';
import type { RecordQuery, VersionSelector } from '../../src/store/contract';
import {
  candidateIndex,
  candidateQueries,
  candidateQuery,
  isSelected,
  MAX_TYPE_SCANS,
  needsRivals,
  rivalPipeline,
  selectsNothing,
  typeGroups,
  type CandidateDoc,
  type RivalGroup,
} from '../../src/store/mongodb/record-query';
import { chunkSize, pickPage, selectCandidates } from '../../src/store/mongodb/record-reader';
import { versionIdentity } from '../../src/store/mongodb/record-writer';
import { INDEX, INDEXES } from '../../src/store/mongodb/schema';
import { guard, isDuplicateKey, KeyedQueue } from '../../src/store/mongodb/transactions';

const ALL: VersionSelector = { all: true };
const LAST: VersionSelector = { all: false, first: false, last: true, at: [] };
const FIRST: VersionSelector = { all: false, first: true, last: false, at: [] };
const base: RecordQuery = { collectionId: 'c1', versions: ALL, specVersions: 'latest', withBody: false };
const q = (extra: Partial<RecordQuery>): RecordQuery => ({ ...base, ...extra });

describe('index definitions', () => {
  test('when the indexes are listed, then names are unique and the record indexes are exactly the served shapes', () => {
    const names = Object.values(INDEXES).flatMap((list) => list.map((index) => index.name));
    expect(new Set(names).size).toBe(names.length);
    expect(INDEXES.records).toEqual([
      { name: 'records_by_date', key: { collection: 1, dateAdded: 1 }, unique: true },
      { name: 'records_by_object', key: { collection: 1, stixId: 1, versionKey: 1, specVersion: 1, dateAdded: 1 } },
      { name: 'records_by_type', key: { collection: 1, type: 1, dateAdded: 1 } },
      { name: 'records_versionless', key: { collection: 1, stixId: 1 }, unique: true, partialFilterExpression: { versionless: true } },
      { name: 'records_versioned', key: { collection: 1, stixId: 1, versionKey: 1, versionless: 1 }, unique: true, partialFilterExpression: { versionless: false } },
      { name: 'newest_records', key: { collection: 1, newest: 1, dateAdded: 1, validUntilKey: 1 }, partialFilterExpression: { newest: true } },
      { name: 'newest_by_type', key: { collection: 1, newest: 1, type: 1, dateAdded: 1 }, partialFilterExpression: { newest: true } },
    ]);
  });

  test('when entities, audit and statuses are indexed, then ids and unique keys are unique and lookups have their index', () => {
    expect(INDEXES.entities).toEqual([
      { name: 'entities_by_id', key: { kind: 1, id: 1 }, unique: true },
      { name: 'entities_by_key', key: { kind: 1, uniqueKey: 1 }, unique: true, partialFilterExpression: { uniqueKey: { $exists: true } } },
      { name: 'entities_by_ref', key: { kind: 1, refs: 1, id: 1 } },
    ]);
    expect(INDEXES.audit).toEqual([{ name: 'audit_by_partnership', key: { partnership: 1, _id: 1 } }]);
    expect(INDEXES.statuses).toEqual([{ name: 'statuses_by_expiry', key: { expiresAt: 1 } }]);
  });
});

describe('filter translation', () => {
  test('when a first page is asked, then it filters the collection only and walks records_by_date', () => {
    expect(candidateQuery(q({ limit: 10 }))).toEqual({
      filter: { collection: 'c1' },
      sort: { dateAdded: 1 },
      hint: 'records_by_date',
      projection: { _id: 0, dateAdded: 1, stixId: 1, type: 1, version: 1, versionKey: 1, specVersion: 1 },
    });
  });

  test('when a bound, ids, types and spec versions are given, then each becomes a condition and ids choose records_by_object', () => {
    const query = q({ after: 1_700_000_000_000_123, ids: ['indicator--a'], types: ['indicator'], specVersions: ['2.0', '2.1'], withBody: true });
    const cq = candidateQuery(query, { withId: true });
    expect(cq.filter).toEqual({
      collection: 'c1',
      dateAdded: { $gt: 1_700_000_000_000_123 },
      specVersion: { $in: ['2.0', '2.1'] },
      stixId: { $in: ['indicator--a'] },
      type: { $in: ['indicator'] },
    });
    expect(cq.hint).toBe('records_by_object');
    expect(cq.projection).toMatchObject({ _id: 1 });
  });

  test('when bodies are asked, then candidates still come without them (the picked ones are fetched by _id)', () => {
    for (const options of [{}, { withId: true }, { withId: true, sized: true }, { regular: true }]) {
      for (const query of [q({ withBody: true }), q({ withBody: true, types: ['indicator'] }), q({ withBody: true, ids: ['indicator--a'] })]) {
        expect(Object.keys(candidateQuery(query, options).projection)).not.toContain('body');
      }
    }
  });

  test('when only exact instants are asked, then they narrow the candidates; with first or last they cannot', () => {
    const at = ['20200101000000', '202001010000005'];
    expect(candidateQuery(q({ versions: { all: false, first: false, last: false, at } })).filter).toEqual({ collection: 'c1', versionKey: { $in: at } });
    expect(candidateQuery(q({ versions: { all: false, first: false, last: true, at } })).filter).toEqual({ collection: 'c1' });
  });

  test('when types are many, then the page reads records_by_type in groups of at most 100 types, never records_by_date', () => {
    const few = Array.from({ length: MAX_TYPE_SCANS }, (_, i) => `x-type-${i}`);
    expect(candidateIndex(q({ types: few }))).toBe('records_by_type');
    expect(candidateIndex(q({ types: [...few, 'x-one-more'] }))).toBe('records_by_type');
    expect(candidateIndex(q({ types: few, ids: ['x-type-1--a'] }))).toBe('records_by_object');
    const many = Array.from({ length: 250 }, (_, i) => `x-type-${i}`);
    const queries = candidateQueries(q({ types: [...many, 'x-type-3'], after: 7 }));
    expect(queries.map((cq) => (cq.filter.type as { $in: string[] }).$in.length)).toEqual([100, 100, 50]);
    expect(queries.flatMap((cq) => (cq.filter.type as { $in: string[] }).$in)).toEqual(many);
    for (const cq of queries) expect(cq).toMatchObject({ hint: 'records_by_type', sort: { dateAdded: 1 }, filter: { collection: 'c1', dateAdded: { $gt: 7 } } });
    expect(candidateQueries(q({ types: few }))).toHaveLength(1);
    expect(candidateQueries(q({ types: many, ids: ['x-type-1--a'] }))).toHaveLength(1);
    expect(typeGroups([])).toEqual([[]]);
  });

  test('when rivals are looked up, then they share the bound and spec filter, not the type, and group per id and spec version', () => {
    expect(rivalPipeline(q({ after: 5, types: ['indicator'], specVersions: ['2.1'] }), ['indicator--a', 'indicator--b'])).toEqual([
      { $match: { collection: 'c1', dateAdded: { $gt: 5 }, specVersion: { $in: ['2.1'] }, stixId: { $in: ['indicator--a', 'indicator--b'] } } },
      { $group: { _id: { stixId: '$stixId', specVersion: '$specVersion' }, minKey: { $min: '$versionKey' }, maxKey: { $max: '$versionKey' } } },
    ]);
  });

  test('when the query needs no other version of an object, then no rival is looked up; an empty selector selects nothing', () => {
    expect(needsRivals(q({ specVersions: 'all' }))).toBe(false);
    expect(needsRivals(q({ specVersions: ['2.1'], versions: { all: false, first: false, last: false, at: ['1'] } }))).toBe(false);
    expect(needsRivals(q({ specVersions: 'all', versions: LAST }))).toBe(true);
    expect(needsRivals(q({}))).toBe(true);
    expect(selectsNothing(q({ versions: { all: false, first: false, last: false, at: [] } }))).toBe(true);
    expect(selectsNothing(q({ versions: FIRST }))).toBe(false);
  });

  test('when an object has no version, then its identity is its id alone, apart from any version instant', () => {
    expect(versionIdentity('ipv4-addr--a', null)).not.toBe(versionIdentity('ipv4-addr--a', ''));
    expect(versionIdentity('ipv4-addr--a', '2020')).not.toBe(versionIdentity('ipv4-addr--a2', '020'));
  });
});

describe('index use of every page query', () => {
  const shapes: Array<[string, RecordQuery]> = [
    ['first page', q({ limit: 100, versions: LAST })],
    ['page after a bound', q({ after: 1, limit: 100 })],
    ['explicit spec versions', q({ specVersions: ['2.1'], after: 1 })],
    ['one type', q({ types: ['indicator'], after: 1 })],
    ['several types', q({ types: ['indicator', 'malware', 'relationship'], after: 1 })],
    ['many types', q({ types: Array.from({ length: 150 }, (_, i) => `x-${i}`) })],
    ['regular, all types', q({ versions: LAST, after: 1, limit: 10 })],
    ['regular, some types', q({ versions: LAST, types: ['indicator', 'malware'], limit: 10 })],
    ['ids', q({ ids: ['indicator--a', 'indicator--b'], after: 1 })],
    ['ids and types', q({ ids: ['indicator--a'], types: ['indicator'] })],
    ['instants', q({ versions: { all: false, first: false, last: false, at: ['2020'] } })],
  ];
  const keysOf = (name: string) => Object.keys(INDEXES.records.find((index) => index.name === name)!.key);

  const regularOf = (name: string) => ({ regular: name.startsWith('regular') });

  test.each(shapes)('when the query is %s, then its hint names an index whose leading keys are the filtered fields', (name, query) => {
    for (const cq of candidateQueries(query, regularOf(name))) {
      const keys = keysOf(cq.hint);
      // The index bounds come from the leading keys: each must be filtered, or the scan covers the whole collection.
      const bounded = keys.slice(0, keys.indexOf('dateAdded') === 1 ? 1 : 2);
      for (const key of bounded) expect(Object.keys(cq.filter)).toContain(key);
      expect(keys[0]).toBe('collection');
    }
  });

  test.each(shapes.filter(([, query]) => query.ids === undefined))(
    'when the query is %s, then the index delivers dateAdded order after its equality keys, so nothing is sorted in memory',
    (name, query) => {
      const [cq, ...others] = candidateQueries(query, regularOf(name));
      for (const other of others) expect(other.hint).toBe(cq!.hint);
      for (const one of [cq!, ...others]) {
        const keys = keysOf(one.hint);
        expect(Object.keys(one.sort)).toEqual(['dateAdded']);
        const at = keys.indexOf('dateAdded');
        expect(at).toBeGreaterThan(0);
        // Every key before dateAdded is matched by equality (one value, or a list the planner merges one scan per value, at most 100).
        for (const key of keys.slice(0, at)) {
          const condition = (one.filter as Record<string, unknown>)[key];
          const isList = typeof condition === 'object' && condition !== null && '$in' in condition;
          expect(typeof condition === 'string' || condition === true || isList).toBe(true);
          if (isList) expect((condition as { $in: unknown[] }).$in.length).toBeLessThanOrEqual(MAX_TYPE_SCANS);
        }
      }
    },
  );

  test('when rivals are grouped, then the match starts with the keys of records_by_object', () => {
    const match = (rivalPipeline(q({ after: 3 }), ['a--1'])[0] as { $match: Record<string, unknown> }).$match;
    for (const key of keysOf(INDEX.recordsByVersion).slice(0, 2)) expect(Object.keys(match)).toContain(key);
  });

  test('when rivals are grouped, then every field the pipeline reads is a key of records_by_object, so no document is fetched', () => {
    /** Field names in match keys and in `$field` references, anywhere in a stage. */
    const fieldsOf = (node: unknown, inMatch: boolean): string[] => {
      if (typeof node === 'string') return node.startsWith('$') && !node.startsWith('$$') ? [node.slice(1).split('.')[0]!] : [];
      if (Array.isArray(node)) return node.flatMap((item) => fieldsOf(item, inMatch));
      if (node === null || typeof node !== 'object') return [];
      return Object.entries(node).flatMap(([key, value]) => [
        ...(inMatch && !key.startsWith('$') ? [key.split('.')[0]!] : []),
        ...fieldsOf(value, inMatch && key.startsWith('$') ? true : key === '$match'),
      ]);
    };
    const keys = keysOf(INDEX.recordsByVersion);
    for (const query of [q({ after: 3, specVersions: ['2.0', '2.1'] }), q({ versions: LAST }), q({ versions: FIRST, specVersions: 'all', after: 9 })]) {
      const fields = new Set(rivalPipeline(query, ['a--1', 'a--2']).flatMap((stage) => fieldsOf(stage, false)));
      expect(fields.size).toBeGreaterThanOrEqual(4);
      for (const field of fields) expect([field, keys]).toEqual([field, expect.arrayContaining([field])]);
    }
    // The check itself sees an unindexed field (here `body`) where the pipeline could add one.
    const widened = [{ $match: { collection: 'c1', body: 'x' } }, { $group: { _id: '$stixId', n: { $max: '$owner' } } }];
    expect(new Set(widened.flatMap((stage) => fieldsOf(stage, false)))).toEqual(new Set(['collection', 'body', 'stixId', 'owner']));
  });

  test('when a page holds few records, then candidates are read in chunks of at least 100 and at most 1000', () => {
    expect(chunkSize({ limit: 10 })).toBe(100);
    expect(chunkSize({ limit: 500, offset: 100 })).toBe(601);
    expect(chunkSize({ limit: 5000 })).toBe(1000);
    expect(chunkSize({})).toBe(1000);
  });
});

/** A record as the selection core sees it, plus what the reference needs. */
interface Row extends CandidateDoc {
  collection: string;
}

describe('selection core against a direct reading of docs/taxii.md#pipeline', () => {
  // Deterministic data: 8 objects, out-of-order versions, two spec versions, some equal instants.
  let seed = 11;
  const rand = (n: number) => {
    // Park-Miller: the product stays below 2^53, so the sequence is exact in doubles.
    seed = (seed * 48271) % 2147483647;
    return seed % n;
  };
  const ids = Array.from({ length: 8 }, (_, i) => `${i % 3 === 0 ? 'malware' : 'indicator'}--${i}`);
  const rows: Row[] = [];
  const taken = new Set<string>();
  for (let dateAdded = 1; rows.length < 80; dateAdded++) {
    const stixId = ids[rand(ids.length)]!;
    const versionKey = `202001${String(1 + rand(25)).padStart(2, '0')}000000`;
    const specVersion = rand(4) === 0 ? '2.0' : '2.1';
    if (taken.has(`${stixId}/${versionKey}`)) continue;
    taken.add(`${stixId}/${versionKey}`);
    rows.push({ collection: 'c1', dateAdded, stixId, type: stixId.split('--')[0]!, version: versionKey, versionKey, specVersion });
  }

  /** docs/taxii.md#pipeline read literally, over the whole data. */
  function expected(query: RecordQuery): string[] {
    const specs = query.specVersions;
    const remaining = rows.filter((r) => (query.after === undefined || r.dateAdded > query.after) && (!Array.isArray(specs) || specs.includes(r.specVersion)));
    const kept = remaining.filter((r) => {
      if (query.ids && !query.ids.includes(r.stixId)) return false;
      if (query.types && !query.types.includes(r.type)) return false;
      const same = remaining.filter((s) => s.stixId === r.stixId);
      if (specs === 'latest' && same.some((s) => s.specVersion > r.specVersion)) return false;
      const rivals = same.filter((s) => specs !== 'latest' || s.specVersion === r.specVersion);
      const v = query.versions;
      if (v.all) return true;
      return (
        (v.first && !rivals.some((s) => s.versionKey < r.versionKey)) ||
        (v.last && !rivals.some((s) => s.versionKey > r.versionKey)) ||
        v.at.includes(r.versionKey)
      );
    });
    return kept.map((r) => `${r.stixId}@${r.versionKey}/${r.specVersion}`);
  }

  /** What the candidate query's filter admits (its conditions are plain per-record tests) and what the rival pipeline returns. */
  function candidates(query: RecordQuery): Row[] {
    const cq = candidateQuery(query);
    const f = cq.filter as Record<string, unknown>;
    const inList = (field: string, value: string) => !(field in f) || (f[field] as { $in: string[] }).$in.includes(value);
    return rows.filter(
      (r) =>
        r.collection === f.collection &&
        (query.after === undefined || r.dateAdded > (f.dateAdded as { $gt: number }).$gt) &&
        inList('stixId', r.stixId) &&
        inList('type', r.type) &&
        inList('specVersion', r.specVersion) &&
        inList('versionKey', r.versionKey),
    );
  }
  function rivalsOf(query: RecordQuery, wanted: string[]): RivalGroup[] {
    const groups = new Map<string, RivalGroup>();
    for (const r of rows) {
      const inBound = query.after === undefined || r.dateAdded > query.after;
      const inSpecs = !Array.isArray(query.specVersions) || query.specVersions.includes(r.specVersion);
      if (!inBound || !inSpecs || !wanted.includes(r.stixId)) continue;
      const key = `${r.stixId}/${r.specVersion}`;
      const g = groups.get(key) ?? { _id: { stixId: r.stixId, specVersion: r.specVersion }, minKey: r.versionKey, maxKey: r.versionKey };
      if (r.versionKey < g.minKey) g.minKey = r.versionKey;
      if (r.versionKey > g.maxKey) g.maxKey = r.versionKey;
      groups.set(key, g);
    }
    return [...groups.values()];
  }
  async function* stream<T>(items: T[]): AsyncGenerator<T> {
    for (const item of items) yield item;
  }

  const queries: RecordQuery[] = [];
  for (const after of [undefined, 20, 55]) {
    const selectors: VersionSelector[] = [ALL, LAST, FIRST, { all: false, first: true, last: true, at: [] }, { all: false, first: false, last: true, at: ['20200105000000'] }];
    for (const versions of selectors) {
      for (const specVersions of ['latest', 'all', ['2.1'], ['2.0']] as Array<RecordQuery['specVersions']>) {
        queries.push(q({ after, versions, specVersions }));
      }
    }
  }
  queries.push(q({ versions: LAST, ids: [ids[0]!, ids[3]!] }), q({ versions: FIRST, types: ['malware'] }));

  test('when every combination of bound, versions and spec versions is read whole, then the result is the reference, in dateAdded order', async () => {
    for (const query of queries) {
      const fetched: string[][] = [];
      const selected = selectCandidates(query, stream(candidates(query)), async (wanted) => {
        fetched.push(wanted);
        return rivalsOf(query, wanted);
      }, 7);
      const { picked, more } = await pickPage(query, selected);
      expect([query, picked.map((r) => `${r.stixId}@${r.versionKey}/${r.specVersion}`)]).toEqual([query, expected(query)]);
      expect(more).toBe(false);
      // Each id's rivals are fetched once per query, only when needed.
      const all = fetched.flat();
      expect(new Set(all).size).toBe(all.length);
      if (!needsRivals(query)) expect(all).toEqual([]);
    }
  });

  test('when the results are read in pages with offsets and limits, then the pages join to the whole and more is exact', async () => {
    for (const query of queries.slice(0, 24)) {
      const whole = expected(query);
      for (const limit of [1, 4, 9]) {
        const seen: string[] = [];
        for (let offset = 0; ; offset += limit) {
          const paged = { ...query, limit, offset };
          const { picked, more } = await pickPage(paged, selectCandidates(paged, stream(candidates(paged)), async (w) => rivalsOf(paged, w), 3));
          seen.push(...picked.map((r) => `${r.stixId}@${r.versionKey}/${r.specVersion}`));
          expect(more).toBe(offset + limit < whole.length);
          if (!more) break;
        }
        expect(seen).toEqual(whole);
      }
    }
  });

  test('when a page is full, then no further candidate is read', async () => {
    let read = 0;
    async function* counted(): AsyncGenerator<Row> {
      for (const r of rows) {
        read += 1;
        yield r;
      }
    }
    const query = q({ specVersions: 'all', limit: 5 });
    const { picked, more } = await pickPage(query, selectCandidates(query, counted(), async () => [], 4));
    expect(picked).toHaveLength(5);
    expect(more).toBe(true);
    expect(read).toBe(8);
  });

  test('when a page has a byte budget, then it ends before the record that would pass it, never empty, and reads no further', async () => {
    let read = 0;
    async function* sized(sizes: number[]): AsyncGenerator<{ size: number }> {
      for (const size of sizes) {
        read += 1;
        yield { size };
      }
    }
    const budget = (bytes: number) => ({ bytes, sizeOf: (r: { size: number }) => r.size });
    expect(await pickPage({ limit: 10 }, sized([300, 500, 300, 2000]), budget(1000))).toEqual({ picked: [{ size: 300 }, { size: 500 }], more: true });
    expect(read).toBe(3);
    expect(await pickPage({ limit: 10 }, sized([2000, 10]), budget(1000))).toEqual({ picked: [{ size: 2000 }], more: true });
    expect(await pickPage({ limit: 10 }, sized([400, 600]), budget(1000))).toEqual({ picked: [{ size: 400 }, { size: 600 }], more: false });
    expect(await pickPage({ limit: 1 }, sized([10, 10]), budget(1000))).toEqual({ picked: [{ size: 10 }], more: true });
    expect(await pickPage({ limit: 10, offset: 1 }, sized([5000, 10, 20]), budget(25))).toEqual({ picked: [{ size: 10 }], more: true });
    // The sizes are measured by the server: the bodies themselves are not asked for.
    expect(candidateQuery(q({ withBody: false }), { withId: true, sized: true }).projection).toEqual({ _id: 1, dateAdded: 1, stixId: 1, type: 1, version: 1, versionKey: 1, specVersion: 1, size: { $strLenBytes: '$body' } });
  });

  test('when a candidate is outranked in spec version or version, then isSelected follows the same rules', () => {
    const row = (versionKey: string, specVersion: string): CandidateDoc => ({ dateAdded: 1, stixId: 'x--1', type: 'x', version: versionKey, versionKey, specVersion });
    const groups: RivalGroup[] = [
      { _id: { stixId: 'x--1', specVersion: '2.0' }, minKey: '1', maxKey: '9' },
      { _id: { stixId: 'x--1', specVersion: '2.1' }, minKey: '3', maxKey: '5' },
    ];
    expect(isSelected(row('9', '2.0'), groups, q({ versions: LAST }))).toBe(false);
    expect(isSelected(row('5', '2.1'), groups, q({ versions: LAST }))).toBe(true);
    expect(isSelected(row('5', '2.1'), groups, q({ versions: LAST, specVersions: 'all' }))).toBe(false);
    expect(isSelected(row('1', '2.0'), groups, q({ versions: FIRST, specVersions: 'all' }))).toBe(true);
    expect(isSelected(row('4', '2.1'), groups, q({ versions: { all: false, first: true, last: true, at: ['4'] } }))).toBe(true);
  });
});

describe('queues and errors', () => {
  test('when two works share a key, then the second starts after the first settles, even a failed one; other keys do not wait', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let release!: () => void;
    const first = queue.run('c1', async () => {
      log.push('first starts');
      await new Promise<void>((resolve) => (release = resolve));
      log.push('first fails');
      throw new Error('boom');
    });
    const second = queue.run('c1', async () => {
      log.push('second starts');
      return 2;
    });
    const other = queue.run('c2', async () => {
      log.push('other starts');
      return 3;
    });
    await expect(other).resolves.toBe(3);
    release();
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe(2);
    expect(log).toEqual(['first starts', 'other starts', 'first fails', 'second starts']);
  });

  test('when the driver fails, then the store reports StoreUnavailable with the code name in its diagnostic; Accord errors pass unchanged', async () => {
    const conflict = new MongoServerError({ message: 'Write conflict during plan execution', code: 112, codeName: 'WriteConflict' });
    await expect(guard(async () => Promise.reject(conflict))).rejects.toMatchObject({
      code: 'store_unavailable',
      diagnostic: 'MongoServerError WriteConflict (112): Write conflict during plan execution',
    });
    const own = new ConflictError('taken');
    await expect(guard(async () => Promise.reject(own))).rejects.toBe(own);
    expect(isDuplicateKey(new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 }))).toBe(true);
    expect(isDuplicateKey(conflict)).toBe(false);
  });
});
