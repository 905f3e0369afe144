/**
 * MongoDB-specific checks of the data lifecycle that need no server: the reads
 * of findExpired (hinted to partial indexes whose filter they imply, so MongoDB
 * may use them, in dateAdded order), the merge of its two conditions, the
 * `newest` marks kept after deletes and on upgrade, and the tombstone index.
 * mongodb.test.ts runs the same queries on a real server when MONGODB_URI is set.
 */

import type { IndexDescription } from 'mongodb';
import { expiryFinds, mergeExpired, newestChanges } from '../../src/store/mongodb/lifecycle-query';
import { dumpOf, markNewest, provenanceOf, recordDocOf } from '../../src/store/mongodb/record-docs';
import { INDEX, INDEXES } from '../../src/store/mongodb/schema';
import { validUntilIn } from '../../src/store/mongodb/upgrade';

const index = (name: string): IndexDescription => Object.values(INDEXES).flat().find((i) => i.name === name)!;

describe('expiry reads', () => {
  test('when both conditions are asked, then each reads its partial index of newest records in dateAdded order, up to the limit', () => {
    expect(expiryFinds({ collectionId: 'c1', addedBefore: 500, validUntilBefore: '2026', limit: 20 })).toEqual([
      {
        filter: { collection: 'c1', newest: true, dateAdded: { $lt: 500 } },
        sort: { dateAdded: 1 },
        hint: INDEX.newestRecords,
        projection: { _id: 0, stixId: 1, dateAdded: 1 },
        limit: 20,
      },
      {
        filter: { collection: 'c1', newest: true, validUntilKey: { $lt: '2026' } },
        sort: { dateAdded: 1 },
        hint: INDEX.newestRecords,
        projection: { _id: 0, stixId: 1, dateAdded: 1 },
        limit: 20,
      },
    ]);
    expect(expiryFinds({ collectionId: 'c1', limit: 20 })).toEqual([]);
    // A sweep resuming after the last object it saw: both reads start after it.
    expect(expiryFinds({ collectionId: 'c1', addedBefore: 500, validUntilBefore: '2026', after: 40, limit: 20 }).map((f) => f.filter)).toEqual([
      { collection: 'c1', newest: true, dateAdded: { $gt: 40, $lt: 500 } },
      { collection: 'c1', newest: true, dateAdded: { $gt: 40 }, validUntilKey: { $lt: '2026' } },
    ]);
    expect(expiryFinds({ collectionId: 'c1', validUntilBefore: '2026', limit: 5 }).map((f) => Object.keys(f.filter))).toEqual([['collection', 'newest', 'validUntilKey']]);
  });

  test('when a read is hinted to the partial index, then its filter repeats the index condition, and the index keys give its order and its key test', () => {
    for (const find of expiryFinds({ collectionId: 'c1', addedBefore: 500, validUntilBefore: '2026', limit: 20 })) {
      const definition = index(find.hint);
      for (const [field, condition] of Object.entries(definition.partialFilterExpression!)) {
        const asked = (find.filter as Record<string, unknown>)[field];
        if (typeof condition === 'object' && condition !== null) expect(asked).toMatchObject(condition as object);
        else expect(asked).toBe(condition);
      }
      const keys = Object.keys(definition.key);
      const equalities = keys.slice(0, keys.indexOf('dateAdded'));
      for (const key of equalities) expect(typeof (find.filter as Record<string, unknown>)[key]).not.toBe('object');
      for (const field of Object.keys(find.filter)) expect(keys).toContain(field);
    }
  });

  test('when the answers of both conditions are merged, then each object comes once, oldest newest record first, up to the limit', () => {
    const byAge = [
      { stixId: 'a', dateAdded: 1 },
      { stixId: 'c', dateAdded: 5 },
    ];
    const byValidUntil = [
      { stixId: 'b', dateAdded: 3 },
      { stixId: 'c', dateAdded: 5 },
      { stixId: 'd', dateAdded: 9 },
    ];
    expect(mergeExpired([byAge, byValidUntil], 10).map((o) => o.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(mergeExpired([byAge, byValidUntil], 3).map((o) => o.id)).toEqual(['a', 'b', 'c']);
    expect(mergeExpired([], 3)).toEqual([]);
    expect(mergeExpired([byAge], 0)).toEqual([]);
  });
});

describe('newest marks', () => {
  test('when records lost their newest or were written before the marks, then exactly the wrong marks change', () => {
    const docs = [
      { stixId: 'a', dateAdded: 1, newest: false },
      { stixId: 'a', dateAdded: 4, newest: false },
      { stixId: 'b', dateAdded: 2, newest: true },
      { stixId: 'c', dateAdded: 3 },
      { stixId: 'c', dateAdded: 6 },
      { stixId: 'd', dateAdded: 5, newest: true },
      { stixId: 'd', dateAdded: 7, newest: true },
    ];
    expect(newestChanges(docs).map(({ doc, newest }) => [doc.stixId, doc.dateAdded, newest])).toEqual([
      ['a', 4, true],
      ['c', 3, false],
      ['c', 6, true],
      ['d', 5, false],
    ]);
    expect(newestChanges([])).toEqual([]);
  });

  test('when a stored body is read for its valid_until, then anything but a JSON object gives undefined', () => {
    expect(validUntilIn('{"type":"indicator","valid_until":"2026-01-01T00:00:00Z"}')).toBe('2026-01-01T00:00:00Z');
    expect(validUntilIn('{"valid_until":12}')).toBe(12);
    expect(validUntilIn('{"type":"indicator"}')).toBeUndefined();
    expect(validUntilIn('[1]')).toBeUndefined();
    expect(validUntilIn('null')).toBeUndefined();
    expect(validUntilIn('{not json')).toBeUndefined();
  });
});

test('when tombstones are indexed, then removedAt is unique per collection and listing is one range of that index', () => {
  expect(INDEXES.tombstones).toEqual([{ name: 'tombstones_by_time', key: { collection: 1, removedAt: 1 }, unique: true }]);
});

describe('record documents', () => {
  const base = { stixId: 'indicator--a', type: 'indicator', version: 'v', versionKey: 'k', specVersion: '2.1', versionless: false, dateAdded: 7, body: '{}' };

  test('when a document was written before owners, then it reads as owned by ``, with no submitter and no validUntilKey', () => {
    expect(dumpOf(base)).toEqual({ id: 'indicator--a', type: 'indicator', version: 'v', versionKey: 'k', specVersion: '2.1', versionless: false, dateAdded: 7, body: '{}', owner: '', submitter: null, validUntilKey: null });
    expect(provenanceOf(base)).toEqual({ version: 'v', specVersion: '2.1', dateAdded: 7, owner: '', submitter: null });
  });

  test('when a record is written, then unknown fields are left out, a submitter keeps its known fields, and only an indicator keeps a validUntilKey', () => {
    const dump = { ...dumpOf(base), owner: 'org:o1', submitter: { organisation: 'o1', keyId: 'k1', extra: 'x' } as never, validUntilKey: '2026' };
    const doc = recordDocOf('c1', dump);
    expect(doc).toEqual({ collection: 'c1', ...base, owner: 'org:o1', submitter: { organisation: 'o1', keyId: 'k1' }, validUntilKey: '2026' });
    expect(dumpOf(doc)).toEqual({ ...dump, submitter: { organisation: 'o1', keyId: 'k1' } });
    const legacy = recordDocOf('c1', { ...dump, type: 'malware', owner: '', submitter: null });
    expect('submitter' in legacy || 'validUntilKey' in legacy).toBe(false);
    expect(legacy.owner).toBe('');
  });

  test('when one write holds several records of an object, then only its last is marked newest', () => {
    const docs = markNewest([recordDocOf('c1', dumpOf(base)), recordDocOf('c1', dumpOf({ ...base, stixId: 'indicator--b' })), recordDocOf('c1', dumpOf({ ...base, dateAdded: 9 }))]);
    expect(docs.map((d) => [d.stixId, d.dateAdded, d.newest])).toEqual([
      ['indicator--a', 7, false],
      ['indicator--b', 7, true],
      ['indicator--a', 9, true],
    ]);
  });
});
