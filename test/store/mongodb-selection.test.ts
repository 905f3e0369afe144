/**
 * The MongoDB read path without a server, on random data: the candidate filter
 * and the rival pipeline are evaluated in memory (their conditions are plain
 * per-field tests, and anything else fails here), the reader's own
 * selectCandidates and pickPage do the rest, and every page must be the
 * selection core's. With MONGODB_URI, mongodb.test.ts runs the contract suite's
 * random histories on a real server.
 */

import type { RecordQuery, VersionSelector } from '../../src/store/contract';
import { candidateQuery, rivalPipeline, type RivalGroup } from '../../src/store/mongodb/record-query';
import { pickPage, selectCandidates } from '../../src/store/mongodb/record-reader';
import type { RecordDoc } from '../../src/store/mongodb/schema';
import { selectRecords, type SelectableRecord } from '../../src/store/selection';
import { Random } from './selection-histories';

const DATASETS = 3000;
const KEYS = ['20200101000000', '202001010000005', '20200102000000', '20200201000000', '20210101000000'];

type Doc = RecordDoc & SelectableRecord;

/** A MongoDB filter of the shapes candidateQuery and rivalPipeline build: equality, $in, $gt. */
function matches(doc: Doc, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([field, condition]) => {
    const value = (doc as unknown as Record<string, unknown>)[field];
    if (typeof condition !== 'object' || condition === null) return value === condition;
    const [operator, operand, ...rest] = Object.entries(condition).flat();
    if (rest.length > 0) throw new Error(`unexpected condition on ${field}: ${JSON.stringify(condition)}`);
    if (operator === '$in') return (operand as unknown[]).includes(value);
    if (operator === '$gt') return (value as number) > (operand as number);
    throw new Error(`unexpected condition on ${field}: ${JSON.stringify(condition)}`);
  });
}

function rivalsIn(docs: Doc[], pipeline: ReturnType<typeof rivalPipeline>): RivalGroup[] {
  const [match, group, ...rest] = pipeline as [{ $match: Record<string, unknown> }, { $group: unknown }];
  expect(rest).toEqual([]);
  expect(group.$group).toEqual({ _id: { stixId: '$stixId', specVersion: '$specVersion' }, minKey: { $min: '$versionKey' }, maxKey: { $max: '$versionKey' } });
  const groups = new Map<string, RivalGroup>();
  for (const doc of docs.filter((d) => matches(d, match.$match))) {
    const key = `${doc.stixId}\u0000${doc.specVersion}`;
    const g = groups.get(key) ?? { _id: { stixId: doc.stixId, specVersion: doc.specVersion }, minKey: doc.versionKey, maxKey: doc.versionKey };
    if (doc.versionKey < g.minKey) g.minKey = doc.versionKey;
    if (doc.versionKey > g.maxKey) g.maxKey = doc.versionKey;
    groups.set(key, g);
  }
  return [...groups.values()];
}

function randomDocs(rng: Random): Doc[] {
  const ids = Array.from({ length: 1 + rng.int(5) }, (_, i) => `${rng.pick(['indicator', 'malware'])}--${i}`);
  const docs: Doc[] = [];
  for (let dateAdded = 1; dateAdded <= 1 + rng.int(14); dateAdded++) {
    const collection = rng.chance(0.85) ? 'c1' : 'c2';
    const stixId = rng.pick(ids);
    const versionKey = rng.pick(KEYS);
    if (docs.some((d) => d.collection === collection && d.stixId === stixId && d.versionKey === versionKey)) continue;
    const type = stixId.split('--')[0]!;
    const specVersion = rng.chance(0.35) ? '2.0' : '2.1';
    docs.push({ collection, collectionId: collection, stixId, id: stixId, type, version: versionKey, versionKey, specVersion, dateAdded, versionless: false, body: `{"n":${dateAdded}}` });
  }
  return docs;
}

function randomQuery(rng: Random, docs: Doc[]): RecordQuery {
  const versions: VersionSelector = rng.chance(0.25)
    ? { all: true }
    : { all: false, first: rng.chance(0.4), last: rng.chance(0.5), at: rng.chance(0.4) ? rng.some(KEYS).slice(0, 2) : [] };
  const q: RecordQuery = {
    collectionId: 'c1',
    versions,
    specVersions: rng.chance(0.35) ? 'latest' : rng.chance(0.3) ? 'all' : rng.some(['2.0', '2.1', '2.2']),
    withBody: rng.chance(0.5),
  };
  if (docs.length > 0 && rng.chance(0.5)) q.after = rng.pick(docs).dateAdded - rng.int(2);
  if (docs.length > 0 && rng.chance(0.35)) q.ids = rng.some([...new Set(docs.map((d) => d.stixId)), 'indicator--none']);
  if (rng.chance(0.3)) q.types = rng.some(['indicator', 'malware', 'x-unknown']);
  if (rng.chance(0.6)) q.limit = 1 + rng.int(4);
  if (rng.chance(0.3)) q.offset = rng.int(4);
  return q;
}

async function* stream<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

test('when random data is read through the candidate filter, the rival pipeline and the reader, then every page is the selection core\'s', async () => {
  const rng = new Random(20240613);
  for (let dataset = 0; dataset < DATASETS; dataset++) {
    const docs = randomDocs(rng);
    for (let n = 0; n < 3; n++) {
      const q = randomQuery(rng, docs);
      const cq = candidateQuery(q);
      const candidates = docs.filter((d) => matches(d, cq.filter as Record<string, unknown>)).sort((a, b) => a.dateAdded - b.dateAdded);
      const chunk = 1 + rng.int(5);
      const { picked, more } = await pickPage(q, selectCandidates(q, stream(candidates), async (ids) => rivalsIn(docs, rivalPipeline(q, ids)), chunk));
      const expected = selectRecords(docs, q);
      expect([dataset, q, picked.map((d) => d.dateAdded), more]).toEqual([dataset, q, expected.records.map((d) => d.dateAdded), expected.more]);
    }
  }
});
