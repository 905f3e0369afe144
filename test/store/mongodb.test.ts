/**
 * The storage contract suite against MongoDB, when MONGODB_URI names a replica
 * set (a single node is enough); each test gets a fresh database, dropped
 * afterwards, and openAnother() is a second client, so the concurrency cases
 * run two real writers. Also the query plans MongoDB chooses for the page
 * queries: index scans only. Without MONGODB_URI one skipped test says so
 * (test/support/mongodb-gate.ts; a failing one under ACCORD_REQUIRE_MONGODB=1).
 */

import { randomUUID } from 'node:crypto';
import { MongoClient, type Document } from 'mongodb';
import type { NewRecord, RecordQuery, VersionSelector } from '../../src/store/contract';
import { keyLookup } from '../../src/store/mongodb/mongo-entities';
import { MongoStore } from '../../src/store/mongodb/mongo-store';
import { expiryFinds } from '../../src/store/mongodb/lifecycle-query';
import { candidateQuery, rivalPipeline } from '../../src/store/mongodb/record-query';
import { COLLECTIONS, INDEX, INDEXES } from '../../src/store/mongodb/schema';
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
    const shapes: Array<[string, RecordQuery, string]> = [
      ['first page', base, 'IXSCAN'],
      ['page after a bound', { ...base, after: 1 }, 'IXSCAN'],
      ['one type', { ...base, types: ['malware'], after: 1 }, 'IXSCAN'],
      ['several types', { ...base, types: ['indicator', 'malware', 'relationship'], after: 1 }, 'SORT_MERGE'],
      ['ids', { ...base, ids: [`malware--00000001-0000-4000-8000-000000000000`], after: 1 }, 'IXSCAN'],
    ];

    test.each(shapes)('when the page query is %s, then the plan scans an index, never the collection, and sorts only for ids', async (_name, query, expected) => {
      const cq = candidateQuery(query);
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
    });

    test('when rivals are grouped, then the aggregation reads records_by_version', async () => {
      const explain = await client
        .db(database)
        .collection(COLLECTIONS.records)
        .aggregate(rivalPipeline(base, ['malware--00000001-0000-4000-8000-000000000000']), { hint: INDEX.recordsByVersion })
        .explain('queryPlanner');
      const stages = winningStages(explain);
      expect(stages).toContain('IXSCAN');
      expect(stages).not.toContain('COLLSCAN');
      expect(JSON.stringify(explain)).toContain(INDEX.recordsByVersion);
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
}
