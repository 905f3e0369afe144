/**
 * The storage contract's cases for a version equal to the one the server gave:
 * an object posted without a version gets its first date_added as its version
 * (docs/taxii.md#versioning); a later post of the same id carrying that very
 * instant as `modified` is a different record (a versioned one), stored beside
 * it. Part of the contract suite, run by every backend.
 */

import type { Store } from '../../src/store/contract';
import { formatMicros, timestampKey } from '../../src/stix/timestamp';
import { ALL, FIRST, LAST, query, rec, sid, stored } from './records';

export function versionEqualityCases(current: () => { store: Store; coll: string }): void {
  let store: Store;
  let coll: string;
  beforeEach(() => ({ store, coll } = current()));

  describe('a version equal to the one the server gave', () => {
    test('when an object is posted without a version and then with modified equal to the version it was given, then both are stored and every read sees both', async () => {
      const id = sid('indicator');
      const [first] = stored(await store.addRecords(coll, [rec(id, null, { n: 1 })], '*'));
      expect(first!.kind).toBe('added');
      const given = first!.version;
      expect(given).toBe(formatMicros(first!.dateAdded));

      const [second] = stored(await store.addRecords(coll, [rec(id, given, { n: 2 })], '*'));
      expect(second).toMatchObject({ kind: 'added', version: given });
      expect(second!.dateAdded).toBeGreaterThan(first!.dateAdded);

      const all = await store.findRecords(query(coll, { ids: [id], withBody: true }));
      expect(all.records.map((r) => [r.version, r.dateAdded, JSON.parse(r.body!).n])).toEqual([
        [given, first!.dateAdded, 1],
        [given, second!.dateAdded, 2],
      ]);
      // Equal versions: each is the first and the last version of the object.
      for (const versions of [LAST, FIRST]) {
        expect((await store.findRecords(query(coll, { versions }))).records.map((r) => r.dateAdded)).toEqual([first!.dateAdded, second!.dateAdded]);
        expect(await store.countRecords(query(coll, { versions }))).toBe(2);
      }
      expect((await store.findRecords(query(coll, { versions: { all: false, first: false, last: false, at: [timestampKey(given)] } }))).records).toHaveLength(2);
      expect((await store.findRecords(query(coll, { after: first!.dateAdded, versions: LAST }))).records.map((r) => r.dateAdded)).toEqual([second!.dateAdded]);
      expect(await store.countRecords(query(coll, { versions: ALL, specVersions: 'all' }))).toBe(2);
      expect(await store.hasObject(coll, id)).toBe(true);
    });

    test('when either is posted again, then it is a duplicate of its own kind: the versioned of the versioned, the version-less of the version-less', async () => {
      const id = sid('indicator');
      const [first] = stored(await store.addRecords(coll, [rec(id, null, { n: 1 })], '*'));
      const [second] = stored(await store.addRecords(coll, [rec(id, first!.version, { n: 2 })], '*'));
      const again = stored(await store.addRecords(coll, [rec(id, first!.version, { n: 2 }), rec(id, null, { n: 1 })], '*'));
      expect(again).toEqual([
        { kind: 'duplicate', dateAdded: second!.dateAdded, version: first!.version, sameContent: true },
        { kind: 'duplicate', dateAdded: first!.dateAdded, version: first!.version, sameContent: true },
      ]);
      expect((await store.findRecords(query(coll, { ids: [id] }))).records).toHaveLength(2);
    });
  });
}
