/**
 * The MongoDB upgrade to schema version 3 without a server: what its walk
 * counts per collection, when it may set the counts, and the retired index it
 * drops (src/store/mongodb/upgrade.ts). The upgrade itself runs against a
 * real server in mongodb.test.ts when MONGODB_URI is set.
 */

import { MongoServerError } from 'mongodb';
import { INDEX, INDEXES, RETIRED_RECORD_INDEXES, SCHEMA_VERSION } from '../../src/store/mongodb/schema';
import { addTally, ignoreMissingIndex, settlement, tallyObjects } from '../../src/store/mongodb/upgrade';

const doc = (stixId: string, dateAdded: number, versionKey: string, specVersion = '2.1') => ({ stixId, type: stixId.split('--')[0]!, dateAdded, versionKey, specVersion });

describe('the counts of an upgrade walk', () => {
  test('when whole objects are counted, then each id is one object of its type, and irregular records are those not after every earlier-added one', () => {
    const docs = [
      // Read in index order (id, version), not in dateAdded order: the walk sorts each object's records.
      doc('indicator--a', 3, '2020'),
      doc('indicator--a', 1, '2021'),
      doc('indicator--b', 2, '2019'),
      doc('indicator--b', 5, '2019'),
      doc('malware--c', 4, '2018', '2.0'),
      doc('malware--c', 6, '2017', '2.1'),
      doc('tool--d', 7, '2016'),
    ];
    expect(tallyObjects(docs)).toEqual({ objects: 4, objectsByType: { indicator: 2, malware: 1, tool: 1 }, irregular: 2 });
    expect(tallyObjects([])).toEqual({ objects: 0, objectsByType: {}, irregular: 0 });
  });

  test('when the batches of a walk are added up, then objects, types and irregular records are summed', () => {
    const first = tallyObjects([doc('indicator--a', 1, '1'), doc('malware--b', 2, '1')]);
    const second = tallyObjects([doc('indicator--c', 3, '2'), doc('indicator--c', 4, '1')]);
    expect(addTally(first, second)).toEqual({ objects: 3, objectsByType: { indicator: 2, malware: 1 }, irregular: 1 });
    expect(first).toEqual({ objects: 2, objectsByType: { indicator: 1, malware: 1 }, irregular: 0 });
  });

  test('when a type is named like a member every JavaScript object has (`constructor` is a valid STIX type), then it is counted as a number', () => {
    const first = tallyObjects([doc('constructor--a', 1, '1'), doc('constructor--b', 2, '1')]);
    expect(first).toEqual({ objects: 2, objectsByType: { constructor: 2 }, irregular: 0 });
    expect(addTally(tallyObjects([doc('indicator--c', 3, '1')]), first)).toEqual({ objects: 3, objectsByType: { indicator: 1, constructor: 2 }, irregular: 0 });
  });
});

describe('setting the counts', () => {
  test('when no write ran since the walk began, then the counts are set; after a write, the collection is walked again', () => {
    expect(settlement({ writes: 12 }, 12)).toBe('set');
    expect(settlement({}, 0)).toBe('set');
    expect(settlement({ writes: 13 }, 12)).toBe('moved');
  });

  test('when another instance counted the collection, or its counter is gone, then nothing is set', () => {
    expect(settlement({ writes: 99, counted: true }, 12)).toBe('already');
    expect(settlement(null, 0)).toBe('already');
  });
});

describe('the indexes of schema version 3', () => {
  test('when the schema is at version 3, then the unique index of version 2 is retired, and no index of today carries its name', () => {
    expect(SCHEMA_VERSION).toBe(3);
    expect(RETIRED_RECORD_INDEXES).toEqual(['records_by_version']);
    const names = Object.values(INDEXES).flatMap((list) => list.map((index) => index.name));
    for (const retired of RETIRED_RECORD_INDEXES) expect(names).not.toContain(retired);
    expect(names).toContain(INDEX.recordsByVersion);
    const versions = INDEXES.records.find((index) => index.name === INDEX.recordsByVersion)!;
    expect(versions.unique).toBeUndefined();
  });

  test('when the retired index is already gone, then dropping it is not an error; any other failure is', () => {
    expect(() => ignoreMissingIndex(new MongoServerError({ message: 'index not found with name [records_by_version]', code: 27, codeName: 'IndexNotFound' }))).not.toThrow();
    const other = new MongoServerError({ message: 'not primary', code: 10107, codeName: 'NotWritablePrimary' });
    expect(() => ignoreMissingIndex(other)).toThrow(other);
    expect(() => ignoreMissingIndex(new Error('boom'))).toThrow('boom');
  });
});
