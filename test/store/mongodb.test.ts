/**
 * The storage contract suite against MongoDB, when MONGODB_URI names a replica
 * set (a single node is enough); each test gets a fresh database, dropped
 * afterwards, and openAnother() is a second client, so the concurrency cases
 * run two real writers. Also the query plans MongoDB chooses for the page
 * queries (index scans only; covered where no document is needed), the reads
 * of a regular collection against the general path, and the upgrade to schema
 * version 3. Without MONGODB_URI one skipped test says so
 * (test/support/mongodb-gate.ts; a failing one under ACCORD_REQUIRE_MONGODB=1).
 */

import { randomUUID } from 'node:crypto';
import { MongoClient, type Document } from 'mongodb';
import type { NewRecord, RecordQuery, VersionSelector } from '../../src/store/contract';
import { keyLookup } from '../../src/store/mongodb/mongo-entities';
import { MongoStore } from '../../src/store/mongodb/mongo-store';
import { expiryFinds } from '../../src/store/mongodb/lifecycle-query';
import { candidateQueries, rivalPipeline } from '../../src/store/mongodb/record-query';
import { newestFilter, newestIndex, positionQuery, sideCondition } from '../../src/store/mongodb/regular-reads';
import { COLLECTIONS, INDEX, INDEXES, META_SCHEMA_VERSION, RETIRED_RECORD_INDEXES, SCHEMA_VERSION } from '../../src/store/mongodb/schema';
import { timestampKey } from '../../src/stix/timestamp';
import { mongoSuiteUri } from '../support/mongodb-gate';
import { storeContractSuite } from './contract.suite';

const uri = mongoSuiteUri('MongoDB storage contract suite');

function freshDatabase(): string {
  return `accord_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

async function dropDatabase(database: string): Promise<void> {
  const client = new MongoClient(uri!);
  try {
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}

/** Every `stage` in the winning plans of an explain output (classic or slot-based engine, find or aggregate). */
function winningStages(explain: Document): string[] {
  const stages: string[] = [];
  const walk = (node: unknown, inWinning: boolean): void => {
    if (Array.isArray(node)) node.forEach((item) => walk(item, inWinning));
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'rejectedPlans') continue;
        if (key === 'stage' && inWinning && typeof value === 'string') stages.push(value);
        walk(value, inWinning || key === 'winningPlan');
      }
    }
  };
  walk(explain, false);
  return stages;
}

if (uri !== undefined) {
  storeContractSuite('mongodb', () => {
    const database = freshDatabase();
    return {
      open: () => MongoStore.open({ uri, database }),
      openAnother: () => MongoStore.open({ uri, database }),
      cleanup: () => dropDatabase(database),
    };
  });

  describe('mongodb: indexes and query plans', () => {
    const database = freshDatabase();
    const coll = randomUUID();
    let store: MongoStore;
    let client: MongoClient;
    let added = 0;

    beforeAll(async () => {
      store = await MongoStore.open({ uri, database });
      client = new MongoClient(uri);
      const types = ['indicator', 'malware', 'relationship', 'ipv4-addr'];
      const records: NewRecord[] = [];
      for (let i = 0; i < 400; i++) {
        const type = types[i % types.length]!;
        const version = type === 'ipv4-addr' ? null : `2020-01-0${1 + (i % 9)}T00:00:00.000Z`;
        const id = `${type}--${String(i % 120).padStart(8, '0')}-0000-4000-8000-000000000000`;
        records.push({
          id,
          type,
          version,
          versionKey: version && timestampKey(version),
          specVersion: '2.1',
          body: JSON.stringify({ id, i }),
          owner: 'org:o1',
          submitter: { organisation: 'o1' },
          validUntilKey: null,
        });
      }
      added = (await store.addRecords(coll, records, '*')).filter((outcome) => outcome.kind === 'added').length;
      await store.createEntity({ kind: 'user', id: 'u1', uniqueKey: 'ann', refs: ['org:o1'], doc: {} });
    });
    afterAll(async () => {
      await store.close();
      await client.close();
      await dropDatabase(database);
    });

    test('when a second instance opens the same database, then index creation is a no-op and every index exists', async () => {
      const again = await MongoStore.open({ uri, database });
      await again.close();
      for (const [name, indexes] of Object.entries(INDEXES)) {
        const existing = (await client.db(database).collection(name).listIndexes().toArray()).map((index) => index.name as string);
        for (const index of indexes) expect(existing).toContain(index.name);
      }
    });

    const LAST: VersionSelector = { all: false, first: false, last: true, at: [] };
    const base: RecordQuery = { collectionId: coll, versions: LAST, specVersions: 'latest', withBody: true, limit: 50 };
    const shapes: Array<[string, RecordQuery, string, boolean]> = [
      ['first page', base, 'IXSCAN', false],
      ['page after a bound', { ...base, after: 1 }, 'IXSCAN', false],
      ['one type', { ...base, types: ['malware'], after: 1 }, 'IXSCAN', false],
      ['several types', { ...base, types: ['indicator', 'malware', 'relationship'], after: 1 }, 'SORT_MERGE', false],
      ['many types (one group of 100)', { ...base, types: ['indicator', ...Array.from({ length: 150 }, (_, i) => `x-${i}`)], after: 1 }, 'SORT_MERGE', false],
      ['ids', { ...base, ids: [`malware--00000001-0000-4000-8000-000000000000`], after: 1 }, 'IXSCAN', false],
      ['newest marks (regular)', { ...base, after: 1 }, 'IXSCAN', true],
      ['newest marks of several types (regular)', { ...base, types: ['indicator', 'malware'], after: 1 }, 'SORT_MERGE', true],
    ];

    test.each(shapes)('when the page query is %s, then the plan scans an index, never the collection, and sorts only for ids', async (_name, query, expected, regular) => {
      for (const cq of candidateQueries(query, { regular, withId: true })) {
        const explain = await client
          .db(database)
          .collection(COLLECTIONS.records)
          .find(cq.filter as Document, { sort: cq.sort, hint: cq.hint, projection: cq.projection, limit: 100 })
          .explain('queryPlanner');
        const stages = winningStages(explain);
        expect(stages).toContain('IXSCAN');
        expect(stages).toContain(expected);
        expect(stages).not.toContain('COLLSCAN');
        if (query.ids === undefined) expect(stages).not.toContain('SORT');
        expect(JSON.stringify(explain)).toContain(cq.hint);
      }
    });

    test('when rivals are grouped, then the aggregation reads records_by_object alone: covered, no document fetched', async () => {
      for (const query of [base, { ...base, after: 1, specVersions: ['2.0', '2.1'] }]) {
        const explain = await client
          .db(database)
          .collection(COLLECTIONS.records)
          .aggregate(rivalPipeline(query, ['malware--00000001-0000-4000-8000-000000000000', 'indicator--00000000-0000-4000-8000-000000000000']), {
            hint: INDEX.recordsByVersion,
          })
          .explain('queryPlanner');
        const stages = winningStages(explain);
        expect(stages).toContain('IXSCAN');
        expect(stages).not.toContain('COLLSCAN');
        expect(stages).not.toContain('FETCH');
        expect(JSON.stringify(explain)).toContain(INDEX.recordsByVersion);
      }
    });

    test('when a regular page starts at an offset, then its position is a covered skip over the newest marks: no document fetched', async () => {
      for (const types of [undefined, ['indicator'], ['indicator', 'malware']]) {
        const { filter, ...options } = positionQuery({ ...base, ...(types ? { types } : {}) }, 7);
        const explain = await client.db(database).collection(COLLECTIONS.records).find(filter as Document, options).explain('queryPlanner');
        const stages = winningStages(explain);
        expect(stages).toContain('IXSCAN');
        expect(stages).toContain('PROJECTION_COVERED');
        expect(stages).not.toContain('FETCH');
        expect(stages).not.toContain('COLLSCAN');
        expect(stages).not.toContain('SORT');
        expect(JSON.stringify(explain)).toContain(newestIndex(types));
      }
    });

    test('when newest marks are counted about a bound, then the count reads the index alone: no document fetched', async () => {
      for (const types of [undefined, ['indicator'], ['indicator', 'malware']]) {
        for (const side of ['after', 'upTo'] as const) {
          // What countDocuments sends (driver 6): $match, $limit when asked, and a $group counting.
          const pipeline = [{ $match: newestFilter(coll, types, sideCondition(1, side)) }, { $limit: 10_000 }, { $group: { _id: 1, n: { $sum: 1 } } }];
          const explain = await client.db(database).collection(COLLECTIONS.records).aggregate(pipeline, { hint: newestIndex(types) }).explain('queryPlanner');
          const stages = winningStages(explain);
          expect(stages.some((stage) => stage === 'COUNT_SCAN' || stage === 'IXSCAN')).toBe(true);
          expect(stages).not.toContain('FETCH');
          expect(stages).not.toContain('COLLSCAN');
        }
      }
    });

    test('when expired objects are found and tombstones listed, then each read scans its index in order, never the collection', async () => {
      const reads: Array<{ on: string; filter: Document; sort: Document; hint: string; projection: Document; limit: number }> = [
        ...expiryFinds({ collectionId: coll, addedBefore: Number.MAX_SAFE_INTEGER, validUntilBefore: '2030', limit: 10 }).map((f) => ({ ...f, on: COLLECTIONS.records })),
        { on: COLLECTIONS.tombstones, filter: { collection: coll, removedAt: { $gt: 0 } }, sort: { removedAt: 1 }, hint: INDEX.tombstonesByTime, projection: { _id: 0 }, limit: 10 },
      ];
      for (const read of reads) {
        const explain = await client
          .db(database)
          .collection(read.on)
          .find(read.filter, { sort: read.sort, hint: read.hint, projection: read.projection, limit: read.limit })
          .explain('queryPlanner');
        const stages = winningStages(explain);
        expect(stages).toContain('IXSCAN');
        expect(stages).not.toContain('COLLSCAN');
        expect(stages).not.toContain('SORT');
        expect(JSON.stringify(explain)).toContain(read.hint);
      }
    });

    test('when an entity is found by its unique key or a reference, then an index serves it, never a collection scan', async () => {
      const entities = client.db(database).collection(COLLECTIONS.entities);
      const byKey = winningStages(await entities.find(keyLookup('user', 'ann') as Document).explain('queryPlanner'));
      expect(byKey).toContain('IXSCAN');
      expect(byKey).not.toContain('COLLSCAN');
      const byRef = winningStages(await entities.find({ kind: 'user', refs: 'org:o1' }, { sort: { id: 1 }, hint: INDEX.entitiesByRef }).explain('queryPlanner'));
      expect(byRef).toContain('IXSCAN');
      expect(byRef).not.toContain('COLLSCAN');
    });

    test('when everything is read and counted, then both give the records added, duplicates left out', async () => {
      const everything: RecordQuery = { ...base, specVersions: 'all', versions: { all: true }, limit: undefined };
      expect(added).toBeGreaterThan(100);
      expect(added).toBeLessThan(400);
      expect((await store.findRecords(everything)).records).toHaveLength(added);
      expect(await store.countRecords(everything)).toBe(added);
      expect(await store.countRecords({ ...everything, versions: LAST })).toBe((await store.findRecords({ ...everything, versions: LAST })).records.length);
    });
  });
  describe('mongodb: reads of a regular collection and the upgrade to schema version 3', () => {
    const database = freshDatabase();
    let store: MongoStore;
    let client: MongoClient;
    const typesOf = ['indicator', 'malware', 'tool'];
    const ids = Array.from({ length: 60 }, (_, i) => `${typesOf[i % 3]}--${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`);

    /** Every object gets versions in increasing order, several objects per call: a regular collection. */
    async function fillRegular(coll: string): Promise<void> {
      for (let round = 0; round < 4; round++) {
        const records: NewRecord[] = ids
          .filter((_, i) => (i + round) % 2 === 0)
          .map((id) => {
            const version = `2021-0${1 + round}-01T00:00:00.000Z`;
            return { id, type: id.split('--')[0]!, version, versionKey: timestampKey(version), specVersion: '2.1', body: JSON.stringify({ id, round }), owner: 'org:o1', submitter: { organisation: 'o1' }, validUntilKey: null };
          });
        await store.addRecords(coll, records, '*');
      }
    }

    beforeAll(async () => {
      store = await MongoStore.open({ uri, database });
      client = new MongoClient(uri);
    });
    afterAll(async () => {
      await store.close();
      await client.close();
      await dropDatabase(database);
    });

    test('when a regular collection is read with version=last, then pages, offsets, counts and texts equal those of the general path', async () => {
      const coll = randomUUID();
      await fillRegular(coll);
      const counter = await client.db(database).collection<{ _id: string }>(COLLECTIONS.collections).findOne({ _id: coll });
      // The writer keeps the counts (schema version 3): the reads below take the newest marks.
      expect(counter).toMatchObject({ counted: true, irregular: 0, objects: ids.length });
      const LAST: VersionSelector = { all: false, first: false, last: true, at: [] };
      const dates = (await store.findRecords({ collectionId: coll, versions: { all: true }, specVersions: 'all', withBody: false })).records.map((r) => r.dateAdded);
      for (const after of [undefined, dates[0]!, dates[70]!, dates[dates.length - 2]!]) {
        for (const types of [undefined, ['malware'], ['indicator', 'tool', 'x-none']]) {
          for (const [offset, limit] of [[undefined, 10], [3, 7], [25, 100], [500, 5]] as const) {
            const regular: RecordQuery = { collectionId: coll, versions: LAST, specVersions: 'latest', withBody: true, ...(after === undefined ? {} : { after }), ...(types ? { types } : {}), ...(offset === undefined ? {} : { offset }), limit };
            // All records are 2.1: listing it selects the same records, through the general path.
            const general: RecordQuery = { ...regular, specVersions: ['2.1'] };
            const context = { after, types, offset, limit };
            expect([context, await store.findRecords(regular)]).toEqual([context, await store.findRecords(general)]);
            expect([context, await store.countRecords(regular)]).toEqual([context, await store.countRecords(general)]);
            expect([context, await store.findObjectsText(regular, 2000)]).toEqual([context, await store.findObjectsText(general, 2000)]);
          }
        }
      }
    });

    test('when a database of schema version 2 is opened, then the counters are counted, the unique index of versions is dropped and the version is 3', async () => {
      const coll = randomUUID();
      await fillRegular(coll);
      const irregular: NewRecord = { id: ids[0]!, type: 'indicator', version: '2020-01-01T00:00:00.000Z', versionKey: timestampKey('2020-01-01T00:00:00.000Z'), specVersion: '2.1', body: '{}', owner: 'org:o1', submitter: { organisation: 'o1' }, validUntilKey: null };
      await store.addRecords(coll, [irregular], '*');
      const db = client.db(database);
      // As schema version 2 left it: counters without counts, the unique index, version 2.
      await db.collection(COLLECTIONS.collections).updateMany({}, { $unset: { objects: '', objectsByType: '', irregular: '', counted: '' } });
      await db.collection(COLLECTIONS.records).createIndex({ collection: 1, stixId: 1, versionKey: 1 }, { name: RETIRED_RECORD_INDEXES[0]!, unique: true });
      await db.collection<{ _id: string; value: number }>(COLLECTIONS.meta).updateOne({ _id: META_SCHEMA_VERSION }, { $set: { value: 2 } });

      const upgraded = await MongoStore.open({ uri, database });
      await upgraded.close();
      const counter = await db.collection<{ _id: string }>(COLLECTIONS.collections).findOne({ _id: coll });
      expect(counter).toMatchObject({ counted: true, objects: ids.length, objectsByType: { indicator: 20, malware: 20, tool: 20 }, irregular: 1 });
      const names = (await db.collection(COLLECTIONS.records).listIndexes().toArray()).map((index) => index.name as string);
      for (const retired of RETIRED_RECORD_INDEXES) expect(names).not.toContain(retired);
      expect(names).toContain(INDEX.recordsByVersion);
      expect((await db.collection<{ _id: string; value: number }>(COLLECTIONS.meta).findOne({ _id: META_SCHEMA_VERSION }))?.value).toBe(SCHEMA_VERSION);
    });
  });
}
