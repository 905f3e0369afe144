/**
 * Upgrading a SQLite store written by schema version 2 (before owners,
 * submitters and tombstones): the file is made here from a copy of that schema
 * (fixtures/sqlite-schema-v2.sql) with records written as version 2 wrote them,
 * then opened by the current code. Every record must come back byte for byte
 * with its date_added, owned by `` with no submitter, with the validUntilKey of
 * its indicator, and the store must go on working.
 */

import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMicros, timestampKey } from '../../src/stix/timestamp';
import type { RecordDump, RecordQuery, VersionSelector } from '../../src/store/contract';
import { selectAll } from '../../src/store/selection';
import { SCHEMA_VERSION } from '../../src/store/sqlite/schema';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { Random } from './selection-histories';
import { expiredIds } from './records';

const V2_SCHEMA = readFileSync(join(__dirname, 'fixtures', 'sqlite-schema-v2.sql'), 'utf8');
const COLLECTIONS = ['c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002'];
const START = Date.UTC(2025, 0, 1) * 1000;

/** valid_until values as a version 2 store may hold them, with the key version 3 must compute (null: none, or malformed). */
const VALID_UNTIL: Array<[unknown, string | null]> = [
  ['2026-06-01T00:00:00Z', '20260601000000'],
  ['2020-06-01T12:30:00.500Z', '202006011230005'],
  ['2020-06-01T12:30:00.000Z', '20200601123000'],
  ['2024-02-29T23:59:59.123456789Z', '20240229235959123456789'],
  ['2023-02-29T00:00:00Z', null],
  ['2020-13-01T00:00:00Z', null],
  ['soon', null],
  [20260601, null],
  [null, null],
  [undefined, null],
];
const VERSIONS = ['2020-01-01T00:00:00Z', '2020-01-01T00:00:00.5Z', '2020-03-01T00:00:00.000001Z', '2021-06-01T00:00:00Z', '2019-12-31T23:59:59Z'];

interface Written extends RecordDump {
  collectionId: string;
}

/** A version 2 file: its schema, records with their version marks, collections with their last date_added. */
function writeVersion2(path: string): { records: Written[]; last: Map<string, number> } {
  const db = new Database(path);
  db.exec(V2_SCHEMA);
  db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '2')").run();
  const rng = new Random(13);
  const records: Written[] = [];
  const last = new Map<string, number>();
  const insert = db.prepare(
    'INSERT INTO records (coll, date_added, stix_id, type, version, version_key, spec_version, versionless, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  COLLECTIONS.forEach((collectionId, c) => {
    db.prepare('INSERT INTO collections (pk, id, last_date_added) VALUES (?, ?, 0)').run(c + 1, collectionId);
    let dateAdded = START + c;
    const objects = Array.from({ length: 80 }, (_, i) => {
      const type = ['indicator', 'indicator', 'malware', 'ipv4-addr'][i % 4]!;
      return { id: `${type}--00000000-0000-4000-8000-${String(c * 1000 + i).padStart(12, '0')}`, type, taken: new Set<string>() };
    });
    for (let n = 0; n < 260; n++) {
      const object = rng.pick(objects);
      const versionless = object.type === 'ipv4-addr';
      if (versionless && object.taken.size > 0) continue;
      const version = versionless ? formatMicros(dateAdded) : rng.pick(VERSIONS);
      const versionKey = timestampKey(version);
      if (object.taken.has(versionKey)) continue;
      object.taken.add(versionKey);
      const specVersion = rng.chance(0.3) ? '2.0' : '2.1';
      const [validUntil, key] = object.type === 'malware' && rng.chance(0.3) ? (['2020-01-01T00:00:00Z', null] as const) : rng.pick(VALID_UNTIL);
      const fields: Record<string, unknown> = { type: object.type, id: object.id, spec_version: specVersion, ...(versionless ? { value: `10.0.0.${n}` } : { modified: version }) };
      if (validUntil !== undefined && !versionless) fields.valid_until = validUntil;
      // Bodies are kept as received: spacing and escapes included.
      const body = rng.chance(0.2) ? JSON.stringify(fields, null, 1).replace(/"type"/, '"type" ') : JSON.stringify({ ...fields, name: 'Straße \u2603' });
      insert.run(c + 1, dateAdded, object.id, object.type, version, versionKey, specVersion, versionless ? 1 : 0, body);
      records.push({
        collectionId,
        id: object.id,
        type: object.type,
        version,
        versionKey,
        specVersion,
        versionless,
        dateAdded,
        body,
        owner: '',
        submitter: null,
        validUntilKey: object.type === 'indicator' && fields.valid_until !== undefined ? key : null,
      });
      dateAdded += 1 + rng.int(1000);
    }
    // A delete in version 2 left the last date_added beyond the last record.
    last.set(collectionId, dateAdded + 5);
    db.prepare('UPDATE collections SET last_date_added = ? WHERE id = ?').run(dateAdded + 5, collectionId);
  });
  // The version marks as version 2 kept them on every write.
  db.exec(`UPDATE records AS r SET
    newer_at = (SELECT MAX(s.date_added) FROM records s WHERE s.coll = r.coll AND s.stix_id = r.stix_id AND s.spec_version = r.spec_version AND s.version_key > r.version_key),
    older_at = (SELECT MAX(s.date_added) FROM records s WHERE s.coll = r.coll AND s.stix_id = r.stix_id AND s.spec_version = r.spec_version AND s.version_key < r.version_key),
    higher_spec_at = (SELECT MAX(s.date_added) FROM records s WHERE s.coll = r.coll AND s.stix_id = r.stix_id AND s.spec_version > r.spec_version)`);
  db.close();
  return { records, last };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'accord-upgrade-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('when a version 2 store is opened, then every record is kept byte for byte, owned by ``, with its indicator validUntilKey', async () => {
  const path = join(dir, 'accord.db');
  const { records, last } = writeVersion2(path);
  expect(records.length).toBeGreaterThan(300);
  expect(records.filter((r) => r.validUntilKey !== null).length).toBeGreaterThan(20);
  const store = SqliteStore.open({ path });
  try {
    expect(await store.listCollections()).toEqual(COLLECTIONS.map((id) => ({ id, lastDateAdded: last.get(id) })));
    for (const collectionId of COLLECTIONS) {
      const expected = records.filter((r) => r.collectionId === collectionId).map(({ collectionId: _c, ...dump }) => dump);
      expect(await store.exportRecords(collectionId, undefined, 10_000)).toEqual(expected);
      // The version marks still answer as the selection core does.
      const LAST: VersionSelector = { all: false, first: false, last: true, at: [] };
      const FIRST: VersionSelector = { all: false, first: true, last: false, at: [] };
      const model = records.map((r) => ({ ...r }));
      for (const versions of [LAST, FIRST, { all: true } as const]) {
        for (const specVersions of ['latest', 'all', ['2.0']] as const) {
          const q: RecordQuery = { collectionId, versions, specVersions: specVersions === 'latest' || specVersions === 'all' ? specVersions : [...specVersions], withBody: true };
          const page = await store.findRecords(q);
          expect(page.records.map((r) => `${r.id}@${r.version}/${r.dateAdded}`)).toEqual(selectAll(model, q).map((r) => `${r.id}@${r.version}/${r.dateAdded}`));
        }
      }
      // Each object's newest record is known: expiry by age lists every object, oldest newest record first.
      const newest = new Map<string, number>();
      for (const r of expected) newest.set(r.id, r.dateAdded);
      const byAge = [...newest].sort((a, b) => a[1] - b[1]).map(([id]) => id);
      expect(await expiredIds(store, { collectionId, addedBefore: Number.MAX_SAFE_INTEGER, limit: 10_000 })).toEqual(byAge);
      const expiring = byAge.filter((id) => {
        const latest = expected.filter((r) => r.id === id).pop()!;
        return latest.validUntilKey !== null && latest.validUntilKey < '2025';
      });
      expect(await expiredIds(store, { collectionId, validUntilBefore: '2025', limit: 10_000 })).toEqual(expiring);
      expect(expiring.length).toBeGreaterThan(0);
    }
  } finally {
    await store.close();
  }
});

test('when a version 2 store has been opened, then its objects take versions from stewards only, deletes leave tombstones, and it opens again', async () => {
  const path = join(dir, 'accord.db');
  const { records, last } = writeVersion2(path);
  const store = SqliteStore.open({ path });
  const [collectionId] = COLLECTIONS;
  const legacy = records.find((r) => r.collectionId === collectionId && !r.versionless)!;
  const next = (owner: string) => ({
    id: legacy.id,
    type: legacy.type,
    version: '2030-01-01T00:00:00Z',
    versionKey: timestampKey('2030-01-01T00:00:00Z'),
    specVersion: '2.1',
    body: JSON.stringify({ id: legacy.id, modified: '2030-01-01T00:00:00Z' }),
    owner,
    submitter: { organisation: 'o1', user: 'ann' },
    validUntilKey: null,
  });
  try {
    expect(await store.addRecords(collectionId!, [next('org:o1')], ['org:o1', 'identity:*'])).toEqual([{ kind: 'owned', owner: '' }]);
    const [added] = await store.addRecords(collectionId!, [next('org:o1')], '*');
    expect(added).toMatchObject({ kind: 'added', version: '2030-01-01T00:00:00Z' });
    expect(added!.kind === 'added' && added!.dateAdded).toBeGreaterThan(last.get(collectionId!)!);
    expect((await store.provenance(collectionId!, legacy.id)).map((p) => [p.owner, p.submitter])).toEqual([
      ...records.filter((r) => r.collectionId === collectionId && r.id === legacy.id).map(() => ['', null]),
      ['', { organisation: 'o1', user: 'ann' }],
    ]);
    const count = records.filter((r) => r.collectionId === collectionId && r.id === legacy.id).length + 1;
    const q: RecordQuery = { collectionId: collectionId!, ids: [legacy.id], versions: { all: true }, specVersions: 'all', withBody: false };
    expect(await store.deleteRecords(q, { reason: 'deleted' })).toBe(count);
    const { tombstones } = await store.listTombstones(collectionId!, undefined, 10);
    expect(tombstones).toEqual([expect.objectContaining({ id: legacy.id, reason: 'deleted' })]);
    expect(tombstones[0]!.versions).toHaveLength(count);
  } finally {
    await store.close();
  }
  const again = SqliteStore.open({ path });
  try {
    expect((await again.listTombstones(collectionId!, undefined, 10)).tombstones).toHaveLength(1);
    expect(await again.exportRecords(COLLECTIONS[1]!, undefined, 10_000)).toEqual(
      records.filter((r) => r.collectionId === COLLECTIONS[1]).map(({ collectionId: _c, ...dump }) => dump),
    );
  } finally {
    await again.close();
  }
  const db = new Database(path, { readonly: true });
  expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(String(SCHEMA_VERSION));
  db.close();
});
