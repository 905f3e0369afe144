/**
 * The selection core on small hand-made histories, each answer worked out from
 * TAXII 2.1 §3.4.1 by hand. The contract suite checks every backend against the
 * same core on random histories (selection-histories.ts).
 */

import type { RecordQuery, VersionSelector } from '../../src/store/contract';
import { isSelected, needsRivals, selectAll, selectRecords, selectsNothing, type SelectableRecord } from '../../src/store/selection';

const ALL: VersionSelector = { all: true };
const LAST: VersionSelector = { all: false, first: false, last: true, at: [] };
const FIRST: VersionSelector = { all: false, first: true, last: false, at: [] };

function rec(dateAdded: number, id: string, versionKey: string, specVersion = '2.1', collectionId = 'c1'): SelectableRecord {
  return { collectionId, id, type: id.split('--')[0]!, version: versionKey, versionKey, specVersion, dateAdded };
}

function q(extra: Partial<RecordQuery> = {}): RecordQuery {
  return { collectionId: 'c1', versions: ALL, specVersions: 'latest', withBody: false, ...extra };
}

const names = (records: SelectableRecord[]) => records.map((r) => `${r.id}@${r.versionKey}/${r.specVersion}`);

// indicator--a: three 2.1 versions added out of order, then an older 2.0 one; malware--b: one version.
const history = [
  rec(1, 'indicator--a', '20200101000000'),
  rec(2, 'malware--b', '20200601000000'),
  rec(3, 'indicator--a', '20200301000000'),
  rec(4, 'indicator--a', '20200201000000'),
  rec(5, 'indicator--a', '20190101000000', '2.0'),
  rec(6, 'indicator--a', '20200101000000', '2.1', 'c2'),
];

describe('selection core', () => {
  test('when last or first is asked with the default spec version, then each object gives its extreme version of its highest spec version', () => {
    expect(names(selectAll(history, q({ versions: LAST })))).toEqual(['malware--b@20200601000000/2.1', 'indicator--a@20200301000000/2.1']);
    expect(names(selectAll(history, q({ versions: FIRST })))).toEqual(['indicator--a@20200101000000/2.1', 'malware--b@20200601000000/2.1']);
  });

  test('when every spec version is kept, then first is chosen across them', () => {
    expect(names(selectAll(history, q({ versions: FIRST, specVersions: 'all' })))).toEqual(['malware--b@20200601000000/2.1', 'indicator--a@20190101000000/2.0']);
    expect(names(selectAll(history, q({ versions: FIRST, specVersions: ['2.1'] })))).toEqual(['indicator--a@20200101000000/2.1', 'malware--b@20200601000000/2.1']);
  });

  test('when a bound leaves only some records, then the selection is relative to those', () => {
    expect(names(selectAll(history, q({ after: 3, versions: LAST })))).toEqual(['indicator--a@20200201000000/2.1']);
    // After 4 only the 2.0 record of indicator--a remains, so it is the latest spec version.
    expect(names(selectAll(history, q({ after: 4 })))).toEqual(['indicator--a@20190101000000/2.0']);
  });

  test('when ids or types filter, then they keep whole objects and do not change which version is last', () => {
    expect(names(selectAll(history, q({ versions: LAST, types: ['indicator'] })))).toEqual(['indicator--a@20200301000000/2.1']);
    expect(names(selectAll(history, q({ versions: LAST, ids: ['malware--b', 'x--none'] })))).toEqual(['malware--b@20200601000000/2.1']);
  });

  test('when first, last and instants are combined, then they are ORed; with none left, nothing is selected', () => {
    const both: VersionSelector = { all: false, first: true, last: true, at: ['20200201000000'] };
    expect(names(selectAll(history, q({ versions: both, ids: ['indicator--a'] })))).toEqual([
      'indicator--a@20200101000000/2.1',
      'indicator--a@20200301000000/2.1',
      'indicator--a@20200201000000/2.1',
    ]);
    const none: VersionSelector = { all: false, first: false, last: false, at: [] };
    expect(selectsNothing(q({ versions: none }))).toBe(true);
    expect(selectAll(history, q({ versions: none }))).toEqual([]);
  });

  test('when a page is asked, then offset and limit apply in dateAdded order and more tells whether one follows', () => {
    const every = q({ specVersions: 'all' });
    expect(selectRecords(history, { ...every, limit: 2 }).records.map((r) => r.dateAdded)).toEqual([1, 2]);
    expect(selectRecords(history, { ...every, limit: 2 }).more).toBe(true);
    expect(selectRecords(history, { ...every, offset: 3, limit: 2 })).toEqual({ records: [history[3], history[4]], more: false });
    expect(selectRecords(history, { ...every, offset: 9 })).toEqual({ records: [], more: false });
  });

  test('when a record is decided on alone, then its version ranges are all it needs', () => {
    const ranges = [
      { specVersion: '2.0', minKey: '1', maxKey: '9' },
      { specVersion: '2.1', minKey: '3', maxKey: '5' },
    ];
    expect(isSelected({ versionKey: '9', specVersion: '2.0' }, ranges, q({ versions: LAST }))).toBe(false);
    expect(isSelected({ versionKey: '5', specVersion: '2.1' }, ranges, q({ versions: LAST }))).toBe(true);
    expect(isSelected({ versionKey: '5', specVersion: '2.1' }, ranges, q({ versions: LAST, specVersions: 'all' }))).toBe(false);
    expect(needsRivals(q({ specVersions: 'all' }))).toBe(false);
    expect(needsRivals(q({ specVersions: 'all', versions: FIRST }))).toBe(true);
  });
});
