/**
 * The storage contract's cases for trust and the data lifecycle: object owners
 * and submitters, ownership refusals, tombstones, provenance and the expiry
 * queries of the retention sweep. Part of the contract suite, run by every backend.
 */

import { randomUUID } from 'node:crypto';
import { timestampKey } from '../../src/stix/timestamp';
import type { MayActFor, NewRecord, RecordDump, Store, Submitter } from '../../src/store/contract';
import { expiredIds, LAST, query, rec, sid, stored } from './records';
import { Random } from './selection-histories';

/** A record for the owner `owner`, submitted by user ann of that organisation unless said otherwise. */
function by(record: NewRecord, owner: string, submitter: Submitter = { organisation: owner.replace(/^org:/, ''), user: 'ann' }): NewRecord {
  return { ...record, owner, submitter };
}

function indicator(id: string, version: string, validUntil: string | null): NewRecord {
  const record = rec(id, version, validUntil === null ? {} : { valid_until: validUntil });
  return { ...record, validUntilKey: validUntil === null ? null : timestampKey(validUntil) };
}

export function lifecycleCases(current: () => { store: Store; coll: string }): void {
  let store: Store;
  let coll: string;
  beforeEach(() => ({ store, coll } = current()));

  const versionsOf = async (id: string) => (await store.findRecords(query(coll, { ids: [id], specVersions: 'all' }))).records.map((r) => r.version);
  const add = (records: NewRecord[], mayActFor: MayActFor) => store.addRecords(coll, records, mayActFor);

  describe('ownership', () => {
    test('when someone who may not act for the owner adds a version, then it is owned and nothing is written; the owner and a steward may', async () => {
      const id = sid('indicator');
      const [first] = stored(await add([by(rec(id, '2021-01-01T00:00:00Z'), 'org:north')], ['org:north']));
      expect(await add([by(rec(id, '2021-02-01T00:00:00Z'), 'org:kestrel')], ['org:kestrel', 'identity:*'])).toEqual([{ kind: 'owned', owner: 'org:north' }]);
      expect(await versionsOf(id)).toEqual(['2021-01-01T00:00:00Z']);
      const last = (await store.listCollections()).find((m) => m.id === coll)!.lastDateAdded;
      expect(last).toBe(first!.dateAdded);

      expect((await add([by(rec(id, '2021-03-01T00:00:00Z'), 'org:north')], ['org:other', 'org:north']))[0]!.kind).toBe('added');
      const steward = { organisation: 'steward', keyId: 'k1' };
      expect((await add([by(rec(id, '2021-04-01T00:00:00Z'), 'org:steward', steward)], '*'))[0]!.kind).toBe('added');
      const provenance = await store.provenance(coll, id);
      expect(provenance.map((p) => [p.version, p.owner, p.submitter])).toEqual([
        ['2021-01-01T00:00:00Z', 'org:north', { organisation: 'north', user: 'ann' }],
        ['2021-03-01T00:00:00Z', 'org:north', { organisation: 'north', user: 'ann' }],
        ['2021-04-01T00:00:00Z', 'org:north', steward],
      ]);
    });

    test('when a stored version is sent again by anyone, then it is a duplicate, not owned', async () => {
      const id = sid('malware');
      const [first] = stored(await add([by(rec(id, '2021-01-01T00:00:00Z'), 'org:north')], ['org:north']));
      const again = await add([by(rec(id, '2021-01-01T00:00:00.000Z'), 'org:kestrel')], []);
      expect(again).toEqual([{ kind: 'duplicate', dateAdded: first!.dateAdded, version: '2021-01-01T00:00:00Z', sameContent: false }]);
      const sco = sid('ipv4-addr');
      const [versionless] = stored(await add([by(rec(sco, null), 'org:north')], ['org:north']));
      expect((await add([by(rec(sco, null), 'org:kestrel')], ['org:kestrel']))[0]).toMatchObject({ kind: 'duplicate', dateAdded: versionless!.dateAdded });
    });

    test('when an object belongs to an identity, then identity:* and that identity act for it, and identity:* acts for no organisation', async () => {
      const relayed = sid('attack-pattern');
      const own = sid('attack-pattern');
      await add([by(rec(relayed, '2020-01-01T00:00:00Z'), 'identity:identity--mitre'), by(rec(own, '2020-01-01T00:00:00Z'), 'org:north')], ['identity:*']);
      const next = (id: string, v: string) => by(rec(id, `2020-0${v}-01T00:00:00Z`), 'org:relay');
      expect(await add([next(relayed, '2')], ['org:relay', 'identity:identity--other'])).toEqual([{ kind: 'owned', owner: 'identity:identity--mitre' }]);
      expect((await add([next(relayed, '3')], ['identity:identity--mitre']))[0]!.kind).toBe('added');
      expect((await add([next(relayed, '4')], ['org:relay', 'identity:*']))[0]!.kind).toBe('added');
      expect(await add([next(own, '2')], ['identity:*'])).toEqual([{ kind: 'owned', owner: 'org:north' }]);
      expect((await store.provenance(coll, relayed)).map((p) => p.owner)).toEqual(Array(3).fill('identity:identity--mitre'));
    });

    test('when one call holds the first record of an object and later ones, then the first fixes the owner for the rest', async () => {
      const a = sid('report');
      const outcomes = await add([by(rec(a, '2020-01-01T00:00:00Z'), 'org:north'), by(rec(a, '2020-02-01T00:00:00Z'), 'org:kestrel')], ['org:kestrel']);
      expect(outcomes.map((o) => o.kind)).toEqual(['added', 'owned']);
      expect(outcomes[1]).toEqual({ kind: 'owned', owner: 'org:north' });
      const b = sid('report');
      await add([by(rec(b, '2020-01-01T00:00:00Z'), 'org:north'), by(rec(b, '2020-02-01T00:00:00Z'), 'org:kestrel')], ['org:north']);
      expect((await store.provenance(coll, b)).map((p) => [p.owner, p.submitter?.organisation])).toEqual([
        ['org:north', 'north'],
        ['org:north', 'kestrel'],
      ]);
    });

    test('when an object was stored before owners (owner ``), then only a steward adds versions, and they keep that owner', async () => {
      const id = sid('campaign');
      const [dump] = await exportOne(store, coll, rec(id, '2019-01-01T00:00:00Z'));
      await store.importRecords(coll, [{ ...dump!, owner: '', submitter: null }]);
      expect(await add([by(rec(id, '2019-02-01T00:00:00Z'), 'org:north')], ['org:north', '', 'identity:*'])).toEqual([{ kind: 'owned', owner: '' }]);
      expect((await add([by(rec(id, '2019-03-01T00:00:00Z'), 'org:steward')], '*'))[0]!.kind).toBe('added');
      expect((await store.provenance(coll, id)).map((p) => [p.version, p.owner, p.submitter])).toEqual([
        ['2019-01-01T00:00:00Z', '', null],
        ['2019-03-01T00:00:00Z', '', { organisation: 'steward', user: 'ann' }],
      ]);
      expect(await store.provenance(coll, sid('campaign'))).toEqual([]);
      expect(await store.provenance(randomUUID(), id)).toEqual([]);
    });
  });

  describe('tombstones', () => {
    test('when records are deleted, then each object that lost records leaves one tombstone, in the date_added sequence', async () => {
      const a = sid('indicator');
      const b = sid('indicator');
      const kept = sid('indicator');
      await add([rec(a, '2020-01-01T00:00:00Z'), rec(b, '2020-01-01T00:00:00Z'), rec(kept, '2020-01-01T00:00:00Z')], '*');
      await add([rec(a, '2020-03-01T00:00:00Z'), rec(a, '2020-02-01T00:00:00.5Z', {}, '2.0')], '*');
      const before = (await store.listCollections()).find((m) => m.id === coll)!.lastDateAdded;
      expect(await store.deleteRecords(query(coll, { ids: [b, a], specVersions: 'all' }), { reason: 'retention' })).toBe(4);
      const { tombstones, more } = await store.listTombstones(coll, undefined, 10);
      expect(more).toBe(false);
      expect(tombstones.map(({ removedAt: _r, ...t }) => t)).toEqual([
        { id: a, versions: ['2020-01-01T00:00:00Z', '2020-02-01T00:00:00.5Z', '2020-03-01T00:00:00Z'], reason: 'retention' },
        { id: b, versions: ['2020-01-01T00:00:00Z'], reason: 'retention' },
      ]);
      expect(tombstones[0]!.removedAt).toBeGreaterThan(before);
      expect(tombstones[1]!.removedAt).toBeGreaterThan(tombstones[0]!.removedAt);
      expect((await store.listCollections()).find((m) => m.id === coll)!.lastDateAdded).toBe(tombstones[1]!.removedAt);
      // A record added after the delete comes after its tombstones: one bound serves both polls.
      const [later] = stored(await add([rec(sid('note'), '2020-01-01T00:00:00Z')], '*'));
      expect(later!.dateAdded).toBeGreaterThan(tombstones[1]!.removedAt);
    });

    test('when only some versions go, or nothing matches, then the tombstone names those versions, or none is left', async () => {
      const id = sid('malware');
      await add([rec(id, '2020-01-01T00:00:00Z'), rec(id, '2020-02-01T00:00:00Z')], '*');
      await store.deleteRecords(query(coll, { ids: [id], versions: LAST }), { reason: 'deleted' });
      const mark = (await store.listCollections()).find((m) => m.id === coll)!.lastDateAdded;
      expect(await store.deleteRecords(query(coll, { ids: [sid('malware')] }), { reason: 'deleted' })).toBe(0);
      expect(await store.deleteRecords(query(randomUUID(), { ids: [id] }), { reason: 'deleted' })).toBe(0);
      const { tombstones } = await store.listTombstones(coll, undefined, 10);
      expect(tombstones).toEqual([{ id, versions: ['2020-02-01T00:00:00Z'], removedAt: mark, reason: 'deleted' }]);
      expect((await store.listCollections()).find((m) => m.id === coll)!.lastDateAdded).toBe(mark);
      expect(await versionsOf(id)).toEqual(['2020-01-01T00:00:00Z']);
    });

    test('when tombstones are listed after a point and in pages, then they follow removedAt without gap, per collection', async () => {
      const ids = Array.from({ length: 7 }, () => sid('tool'));
      await add(ids.map((id) => rec(id, '2020-01-01T00:00:00Z')), '*');
      for (const id of ids) await store.deleteRecords(query(coll, { ids: [id] }), { reason: 'deleted' });
      const seen: string[] = [];
      let after: number | undefined;
      for (;;) {
        const page = await store.listTombstones(coll, after, 3);
        seen.push(...page.tombstones.map((t) => t.id));
        if (!page.more) break;
        after = page.tombstones[page.tombstones.length - 1]!.removedAt;
      }
      expect(seen).toEqual(ids);
      const all = (await store.listTombstones(coll, undefined, 100)).tombstones;
      expect(await store.listTombstones(coll, all[6]!.removedAt, 3)).toEqual({ tombstones: [], more: false });
      expect(await store.listTombstones(coll, undefined, 7)).toEqual({ tombstones: all, more: false });
      expect(await store.listTombstones(randomUUID(), undefined, 3)).toEqual({ tombstones: [], more: false });
    });

    test('when tombstones are purged, then those removed before the instant go, in every collection', async () => {
      const other = randomUUID();
      const [x, y, z] = [sid('note'), sid('note'), sid('note')];
      await add([rec(x, '2020-01-01T00:00:00Z'), rec(y, '2020-01-01T00:00:00Z')], '*');
      await store.addRecords(other, [rec(z, '2020-01-01T00:00:00Z')], '*');
      await store.deleteRecords(query(coll, { ids: [x] }), { reason: 'deleted' });
      await store.deleteRecords(query(other, { ids: [z] }), { reason: 'deleted' });
      await store.deleteRecords(query(coll, { ids: [y] }), { reason: 'deleted' });
      const [first, last] = (await store.listTombstones(coll, undefined, 10)).tombstones;
      const [elsewhere] = (await store.listTombstones(other, undefined, 10)).tombstones;
      const before = last!.removedAt;
      expect(await store.purgeTombstones(before)).toBe(elsewhere!.removedAt < before ? 2 : 1);
      expect((await store.listTombstones(coll, undefined, 10)).tombstones).toEqual([last]);
      expect((await store.listTombstones(other, undefined, 10)).tombstones).toEqual(elsewhere!.removedAt < before ? [] : [elsewhere]);
      expect(first!.removedAt).toBeLessThan(before);
      expect(await store.purgeTombstones(before)).toBe(0);
    });

    test('when tombstones are imported, then they come back unchanged, the collection is listed and a taken instant is a conflict', async () => {
      const copy = randomUUID();
      const tombstones = [
        { id: sid('indicator'), versions: ['2020-01-01T00:00:00Z', '2020-02-01T00:00:00Z'], removedAt: 1_000, reason: 'deleted' },
        { id: sid('indicator'), versions: ['2020-01-01T00:00:00.000001Z'], removedAt: 2_000, reason: 'retention' },
      ];
      await store.importTombstones(copy, tombstones);
      expect((await store.listCollections()).find((m) => m.id === copy)).toEqual({ id: copy, lastDateAdded: 2_000 });
      expect(await store.listTombstones(copy, undefined, 10)).toEqual({ tombstones, more: false });
      const clash = { id: sid('indicator'), versions: ['2020-01-01T00:00:00Z'], removedAt: 1_000, reason: 'deleted' };
      await expect(store.importTombstones(copy, [{ ...clash, removedAt: 1_500 }, clash])).rejects.toMatchObject({ code: 'conflict' });
      expect((await store.listTombstones(copy, undefined, 10)).tombstones).toEqual(tombstones);
      const [next] = stored(await store.addRecords(copy, [rec(sid('note'), '2020-01-01T00:00:00Z')], '*'));
      expect(next!.dateAdded).toBeGreaterThan(2_000);
    });
  });

  describe('expiry', () => {
    test('when objects are judged by age, then the newest record counts: an object with an old and a new version is kept', async () => {
      const [old, revised] = [sid('indicator'), sid('malware')];
      await add([rec(old, '2020-01-01T00:00:00Z')], '*');
      await add([rec(revised, '2020-01-01T00:00:00Z')], '*');
      const note = sid('note');
      const [marker] = stored(await add([rec(note, '2020-01-01T00:00:00Z')], '*'));
      // The revision is older by its version, yet newer by date_added.
      const [revision] = stored(await add([rec(revised, '2019-01-01T00:00:00Z', {}, '2.0')], '*'));
      await add([rec(sid('tool'), '2020-01-01T00:00:00Z')], '*');
      expect(await expiredIds(store, { collectionId: coll, addedBefore: revision!.dateAdded, limit: 10 })).toEqual([old, note]);
      expect(await expiredIds(store, { collectionId: coll, addedBefore: revision!.dateAdded, limit: 1 })).toEqual([old]);
      expect(await expiredIds(store, { collectionId: coll, addedBefore: marker!.dateAdded, limit: 10 })).toEqual([old]);
      expect(await expiredIds(store, { collectionId: coll, limit: 10 })).toEqual([]);
      expect(await expiredIds(store, { collectionId: randomUUID(), addedBefore: Number.MAX_SAFE_INTEGER, limit: 10 })).toEqual([]);
      // Once the revision is gone, the object's newest record is its old one again.
      await store.deleteRecords(query(coll, { ids: [revised], specVersions: ['2.0'] }), { reason: 'deleted' });
      expect(await expiredIds(store, { collectionId: coll, addedBefore: revision!.dateAdded, limit: 10 })).toEqual([old, revised, note]);
    });

    test('when versions of several spec versions are added and deleted at random, then the newest record of each object is always known', async () => {
      const rng = new Random(99);
      const ids = Array.from({ length: 5 }, () => sid('indicator'));
      const live: Array<{ id: string; key: string; spec: string; dateAdded: number; validUntilKey: string | null }> = [];
      for (let step = 0; step < 60; step++) {
        const id = rng.pick(ids);
        if (rng.chance(0.3) && live.some((r) => r.id === id)) {
          const victim = rng.pick(live.filter((r) => r.id === id));
          const at = { all: false as const, first: false, last: false, at: [victim.key] };
          await store.deleteRecords(query(coll, { ids: [id], versions: at, specVersions: [victim.spec] }), { reason: 'deleted' });
          live.splice(live.indexOf(victim), 1);
          continue;
        }
        const version = `2020-01-${String(1 + rng.int(20)).padStart(2, '0')}T00:00:00Z`;
        const validUntil = rng.chance(0.5) ? `202${rng.int(9)}-01-01T00:00:00Z` : null;
        const spec = rng.chance(0.3) ? '2.0' : '2.1';
        const [outcome] = await add([{ ...indicator(id, version, validUntil), specVersion: spec }], '*');
        if (outcome!.kind === 'added') live.push({ id, key: timestampKey(version), spec, dateAdded: outcome!.dateAdded, validUntilKey: validUntil && timestampKey(validUntil) });
      }
      const newest = new Map<string, (typeof live)[number]>();
      for (const r of [...live].sort((a, b) => a.dateAdded - b.dateAdded)) newest.set(r.id, r);
      const heads = [...newest.values()].sort((a, b) => a.dateAdded - b.dateAdded);
      for (const bound of [...live.map((r) => r.dateAdded), Number.MAX_SAFE_INTEGER]) {
        expect(await expiredIds(store, { collectionId: coll, addedBefore: bound, limit: 100 })).toEqual(heads.filter((r) => r.dateAdded < bound).map((r) => r.id));
      }
      for (const cut of ['2023', '2026', '2030']) {
        const expected = heads.filter((r) => r.validUntilKey !== null && r.validUntilKey < cut).map((r) => r.id);
        expect(await expiredIds(store, { collectionId: coll, validUntilBefore: cut, limit: 100 })).toEqual(expected);
      }
    });

    test('when a sweep resumes after the last object it saw, then findExpired starts after it and says where each object stands', async () => {
      const ids = [sid('indicator'), sid('indicator'), sid('indicator')];
      const added = stored(await add(ids.map((id) => indicator(id, '2020-01-01T00:00:00Z', '2020-06-01T00:00:00Z')), '*'));
      const cut = timestampKey('2021-01-01T00:00:00Z');
      const first = await store.findExpired({ collectionId: coll, validUntilBefore: cut, limit: 2 });
      expect(first).toEqual([
        { id: ids[0], newestAdded: added[0]!.dateAdded },
        { id: ids[1], newestAdded: added[1]!.dateAdded },
      ]);
      expect(await expiredIds(store, { collectionId: coll, validUntilBefore: cut, after: first[1]!.newestAdded, limit: 2 })).toEqual([ids[2]]);
      expect(await expiredIds(store, { collectionId: coll, addedBefore: Number.MAX_SAFE_INTEGER, after: added[0]!.dateAdded, limit: 10 })).toEqual([ids[1], ids[2]]);
    });

    test('when indicators are judged by valid_until, then the newest record counts, and both conditions are merged oldest first', async () => {
      const [expired, extended, cleared, fresh, plain] = [sid('indicator'), sid('indicator'), sid('indicator'), sid('indicator'), sid('malware')];
      await add([indicator(expired, '2020-01-01T00:00:00Z', '2020-06-01T00:00:00Z')], '*');
      await add([indicator(extended, '2020-01-01T00:00:00Z', '2020-06-01T00:00:00Z')], '*');
      await add([indicator(cleared, '2020-01-01T00:00:00Z', '2020-06-01T00:00:00.5Z')], '*');
      // Only indicators expire by valid_until, whatever a record says.
      const mislabelled = { ...rec(plain, '2020-01-01T00:00:00Z'), validUntilKey: timestampKey('2020-01-01T00:00:00Z') };
      await add([indicator(fresh, '2020-01-01T00:00:00Z', '2030-01-01T00:00:00Z'), mislabelled], '*');
      const [extension] = stored(await add([indicator(extended, '2020-02-01T00:00:00Z', '2031-01-01T00:00:00Z')], '*'));
      await add([indicator(cleared, '2020-02-01T00:00:00Z', null)], '*');
      const cut = timestampKey('2021-01-01T00:00:00Z');
      expect(await expiredIds(store, { collectionId: coll, validUntilBefore: cut, limit: 10 })).toEqual([expired]);
      expect(await expiredIds(store, { collectionId: coll, validUntilBefore: timestampKey('2020-06-01T00:00:00Z'), limit: 10 })).toEqual([]);
      expect(await expiredIds(store, { collectionId: coll, validUntilBefore: timestampKey('2040-01-01T00:00:00Z'), limit: 10 })).toEqual([expired, fresh, extended]);
      // By age, everything added before the extension; merged with the expired indicator, once, in date order.
      expect(await expiredIds(store, { collectionId: coll, addedBefore: extension!.dateAdded, validUntilBefore: cut, limit: 10 })).toEqual([expired, fresh, plain]);
      expect(await expiredIds(store, { collectionId: coll, addedBefore: extension!.dateAdded, validUntilBefore: timestampKey('2040-01-01T00:00:00Z'), limit: 3 })).toEqual([
        expired,
        fresh,
        plain,
      ]);
    });
  });
}

/** A record as exported, to import it changed (e.g. as stored before owners). */
async function exportOne(store: Store, coll: string, record: NewRecord): Promise<RecordDump[]> {
  const scratch = randomUUID();
  await store.addRecords(scratch, [record], '*');
  const dumps = await store.exportRecords(scratch, undefined, 1);
  const last = (await store.listCollections()).find((m) => m.id === coll)?.lastDateAdded ?? 0;
  return dumps.map((d) => ({ ...d, dateAdded: Math.max(d.dateAdded, last + 1) }));
}
