/**
 * `accord store copy`: everything a store holds arrives in an empty one, with
 * the original date_added values and order; a non-empty target is refused.
 * SQLite to SQLite always; SQLite to MongoDB and back when MONGODB_URI is set.
 */

import { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { registerStoreCommands, storeCopyCommand } from '../../src/cli/store-copy';
import type { EntityKind, NewRecord, Store } from '../../src/store/contract';
import { oneSuccessStatus } from '../support/stix';
import { ENTITY_KINDS } from '../../src/store/contract';
import { copyStore, verifyCopy } from '../../src/store/copy';
import { openStoreAt, parseStoreLocation } from '../../src/store/index';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { timestampKey } from '../../src/stix/timestamp';
import { mongoSuiteUri } from '../support/mongodb-gate';
import { expiredIds } from './records';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'accord-copy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function rec(id: string, version: string | null, specVersion = '2.1'): NewRecord {
  const type = id.split('--')[0]!;
  return {
    id,
    type,
    version,
    versionKey: version && timestampKey(version),
    specVersion,
    body: JSON.stringify({ type, id, modified: version }),
    owner: 'org:o1',
    submitter: { organisation: 'o1', user: 'ann' },
    validUntilKey: null,
  };
}

/** A store with a little of everything: versions out of order, two spec versions, an object without a version, a delete. */
async function fill(store: Store): Promise<void> {
  const [c1, c2] = ['6f2b0a4e-1d0c-4c1e-9a53-0b7b7f1f0001', '6f2b0a4e-1d0c-4c1e-9a53-0b7b7f1f0002'];
  const a = 'indicator--11111111-1111-4111-8111-111111111111';
  for (let i = 0; i < 7; i++) await store.addRecords(c1, [rec(a, `2020-01-0${1 + ((i * 3) % 7)}T00:00:00.${i}Z`, i === 3 ? '2.0' : '2.1')], '*');
  await store.addRecords(c1, [rec('ipv4-addr--22222222-2222-4222-8222-222222222222', null), rec('malware--33333333-3333-4333-8333-333333333333', '2021-01-01T00:00:00Z')], '*');
  await store.addRecords(c2, [rec(a, '2020-01-01T00:00:00.0Z'), rec('note--44444444-4444-4444-8444-444444444444', '2020-05-05T00:00:00Z')], '*');
  await store.deleteRecords({ collectionId: c2, ids: ['note--44444444-4444-4444-8444-444444444444'], versions: { all: true }, specVersions: 'all', withBody: false }, { reason: 'deleted' });
  for (const [i, id] of [randomUUID(), randomUUID()].entries()) {
    await store.putStatus(
      oneSuccessStatus({ id, apiRoot: 'root', collectionId: c1, owner: 'user:ann', success: { id: a, version: '2020-01-01T00:00:00.0Z' }, expiresAt: i === 0 ? 1 : Number.MAX_SAFE_INTEGER }),
    );
  }
  for (const kind of ENTITY_KINDS) {
    await store.createEntity({ kind, id: `${kind}-1`, uniqueKey: `key-${kind}`, refs: ['org:o1', `x:${kind}`], doc: { kind, nested: { list: [1, 'two'] } } });
    await store.createEntity({ kind, id: `${kind}-2`, refs: [], doc: {} });
  }
  await store.appendAudit([
    { time: '2026-01-01T00:00:00.000001Z', operation: 'add_objects', outcome: 202, partnership: 'p1', objectCount: 2 },
    { time: '2026-01-01T00:00:00.000002Z', operation: 'org_add', outcome: 0, user: 'cli', detail: 'org o1' },
  ]);
  await store.getOrCreateSecret('cursor', () => 'c3VwZXIgc2VjcmV0');
}

const TRUST = '6f2b0a4e-1d0c-4c1e-9a53-0b7b7f1f0003';
const EMPTIED = '6f2b0a4e-1d0c-4c1e-9a53-0b7b7f1f0004';

/** Owners of every kind (an organisation, a relayed identity, none before owners), submitters, expiring indicators and tombstones. */
async function fillTrust(store: Store): Promise<void> {
  const expiring = 'indicator--66666666-6666-4666-8666-666666666666';
  const relayed = 'attack-pattern--77777777-7777-4777-8777-777777777777';
  const legacy = 'campaign--88888888-8888-4888-8888-888888888888';
  await store.addRecords(TRUST, [{ ...rec(expiring, '2020-01-01T00:00:00Z'), validUntilKey: timestampKey('2020-06-01T00:00:00.25Z') }], '*');
  await store.addRecords(TRUST, [{ ...rec(relayed, '2020-01-01T00:00:00Z'), owner: 'identity:identity--mitre', submitter: { organisation: 'relay', keyId: 'k1' } }], '*');
  await store.addRecords(TRUST, [{ ...rec(relayed, '2020-02-01T00:00:00Z'), owner: 'org:steward', submitter: { organisation: 'steward' } }], '*');
  const [dump] = await store.exportRecords(TRUST, undefined, 1);
  await store.importRecords(TRUST, [{ ...dump!, id: legacy, type: 'campaign', dateAdded: Number.MAX_SAFE_INTEGER - 10, owner: '', submitter: null, validUntilKey: null }]);
  const gone = 'note--99999999-9999-4999-8999-999999999999';
  await store.addRecords(EMPTIED, [rec(gone, '2020-01-01T00:00:00Z'), rec(gone, '2020-02-01T00:00:00Z')], '*');
  await store.deleteRecords({ collectionId: EMPTIED, ids: [gone], versions: { all: true }, specVersions: 'all', withBody: false }, { reason: 'retention' });
}

/** What the trust and lifecycle methods say about a store, collection by collection. */
async function lifecycle(store: Store): Promise<unknown> {
  const collections = await store.listCollections();
  return Promise.all(
    collections.map(async (c) => {
      const records = await store.exportRecords(c.id, undefined, 10_000);
      return {
        mark: c,
        records,
        tombstones: await store.listTombstones(c.id, undefined, 10_000),
        provenance: await Promise.all([...new Set(records.map((r) => r.id))].map((id) => store.provenance(c.id, id))),
        expired: await expiredIds(store, { collectionId: c.id, addedBefore: Number.MAX_SAFE_INTEGER, validUntilBefore: '2021', limit: 100 }),
      };
    }),
  );
}

/** Everything a store holds, through the contract. */
async function contents(store: Store): Promise<unknown> {
  const collections = await store.listCollections();
  const records = await Promise.all(collections.map((c) => store.exportRecords(c.id, undefined, 10_000)));
  const entities: Partial<Record<EntityKind, unknown>> = {};
  for (const kind of ENTITY_KINDS) entities[kind] = await store.listEntities(kind);
  return {
    collections,
    records,
    statuses: await store.listStatuses(undefined, 1000),
    entities,
    audit: (await store.listAudit({ limit: 1000 })).entries,
    secrets: await store.listSecrets(),
  };
}

test('when a SQLite store is copied into an empty one, then everything arrives, date_added values and marks included', async () => {
  const source = SqliteStore.open({ path: join(dir, 'source.db') });
  const target = SqliteStore.open({ path: join(dir, 'target.db') });
  try {
    await fill(source);
    const events: string[] = [];
    const summary = await copyStore(source, target, (part, count, done) => events.push(`${part}=${count}${done ? '.' : ''}`), 3);
    expect(await contents(target)).toEqual(await contents(source));
    expect(summary).toEqual({
      records: { '6f2b0a4e-1d0c-4c1e-9a53-0b7b7f1f0001': 9, '6f2b0a4e-1d0c-4c1e-9a53-0b7b7f1f0002': 1 },
      statuses: 2,
      entities: Object.fromEntries(ENTITY_KINDS.map((kind) => [kind, 2])),
      audit: 2,
      secrets: 1,
    });
    expect(events).toContain('records of collection 6f2b0a4e-1d0c-4c1e-9a53-0b7b7f1f0001=6');
    expect(events).toContain('records of collection 6f2b0a4e-1d0c-4c1e-9a53-0b7b7f1f0001=9.');
    // The deleted note's date_added is never handed out again in the target.
    const [mark] = (await target.listCollections()).filter((c) => c.id.endsWith('0002'));
    const [next] = await target.addRecords(mark!.id, [rec('tool--55555555-5555-4555-8555-555555555555', '2022-01-01T00:00:00Z')], '*');
    expect(next!.kind === 'added' && next!.dateAdded).toBeGreaterThan(mark!.lastDateAdded);
  } finally {
    await source.close();
    await target.close();
  }
});

test('when owners, submitters, expiring indicators and tombstones are copied, then they arrive unchanged and a missing tombstone fails the check', async () => {
  const source = SqliteStore.open({ path: join(dir, 'source.db') });
  const target = SqliteStore.open({ path: join(dir, 'target.db') });
  try {
    await fill(source);
    await fillTrust(source);
    const events: string[] = [];
    await copyStore(source, target, (part, count, done) => events.push(`${part}=${count}${done ? '.' : ''}`), 1);
    const expected = await lifecycle(source);
    expect(await lifecycle(target)).toEqual(expected);
    expect(JSON.stringify(expected)).toContain('"owner":"identity:identity--mitre","submitter":{"organisation":"relay","keyId":"k1"}');
    expect(JSON.stringify(expected)).toContain('"validUntilKey":"202006010000002');
    expect(events).toContain(`tombstones of collection ${EMPTIED}=1.`);
    expect(events).toContain('tombstones of collection 6f2b0a4e-1d0c-4c1e-9a53-0b7b7f1f0002=1.');
    await target.purgeTombstones(Number.MAX_SAFE_INTEGER);
    await expect(verifyCopy(source, target)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(`tombstones of collection ${EMPTIED}: 1 in the source, 0 in the target`) });
  } finally {
    await source.close();
    await target.close();
  }
});

test('when the target already holds data, then the copy is refused and the target is unchanged', async () => {
  const source = SqliteStore.open({ path: join(dir, 'source.db') });
  const target = SqliteStore.open({ path: join(dir, 'target.db') });
  try {
    await fill(source);
    await target.createEntity({ kind: 'organisation', id: 'o1', refs: [], doc: {} });
    const before = await contents(target);
    await expect(copyStore(source, target)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('organisation entities') });
    expect(await contents(target)).toEqual(before);
  } finally {
    await source.close();
    await target.close();
  }
});

test('when the command runs on a terminal and elsewhere, then it rewrites one progress line per part or prints the final counts only', async () => {
  const source = SqliteStore.open({ path: join(dir, 'source.db') });
  await fill(source);
  await source.close();
  let tty = '';
  await storeCopyCommand(`sqlite:${join(dir, 'source.db')}`, `sqlite:${join(dir, 'tty.db')}`, { write: (t) => (tty += t), isTTY: true });
  expect(tty).toContain('\rrecords of collection 6f2b0a4e-1d0c-4c1e-9a53-0b7b7f1f0001: 9\n');
  expect(tty).toMatch(/Verified: 10 records in 2 collections, 2 statuses, 16 entities, 2 audit entries, 1 secrets\.\n$/);
  let plain = '';
  await storeCopyCommand(`sqlite:${join(dir, 'source.db')}`, `sqlite:${join(dir, 'plain.db')}`, { write: (t) => (plain += t) });
  expect(plain).not.toContain('\r');
  expect(plain.split('\n').filter((line) => line.startsWith('records of collection'))).toEqual([
    'records of collection 6f2b0a4e-1d0c-4c1e-9a53-0b7b7f1f0001: 9',
    'records of collection 6f2b0a4e-1d0c-4c1e-9a53-0b7b7f1f0002: 1',
  ]);
});

test('when the command is registered, then `store copy` parses its options and refuses bad locations', async () => {
  const source = SqliteStore.open({ path: join(dir, 'source.db') });
  await fill(source);
  await source.close();
  const program = new Command('accord').exitOverride();
  registerStoreCommands(program);
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'accord', 'store', 'copy', '--from', `sqlite:${join(dir, 'source.db')}`, '--to', `sqlite:${join(dir, 'cli.db')}`]);
    await expect(program.parseAsync(['node', 'accord', 'store', 'copy', '--from', 'postgres://x', '--to', `sqlite:${join(dir, 'x.db')}`])).rejects.toMatchObject({
      code: 'bad_parameter',
      message: expect.stringContaining('--from'),
    });
    await expect(
      program.parseAsync(['node', 'accord', 'store', 'copy', '--from', `sqlite:${join(dir, 'cli.db')}`, '--to', `sqlite:${join(dir, 'cli.db')}`]),
    ).rejects.toMatchObject({ code: 'bad_parameter' });
  } finally {
    write.mockRestore();
  }
  const copied = await openStoreAt({ backend: 'sqlite', path: join(dir, 'cli.db') });
  expect((await copied.listCollections()).map((c) => c.id)).toHaveLength(2);
  await copied.close();
});

test.each([
  ['sqlite:data/accord.db', { backend: 'sqlite', path: 'data/accord.db' }],
  ['mongodb:mongodb://db1,db2/?replicaSet=rs0', { backend: 'mongodb', uri: 'mongodb://db1,db2/?replicaSet=rs0', database: 'accord' }],
  ['mongodb:mongodb://u:p%23w@db/?replicaSet=rs0#intel', { backend: 'mongodb', uri: 'mongodb://u:p%23w@db/?replicaSet=rs0', database: 'intel' }],
  ['mongodb+srv://cluster.example.org/#x', { backend: 'mongodb', uri: 'mongodb+srv://cluster.example.org/', database: 'x' }],
  ['mongodb:', null],
  ['mongodb:mongodb://db#', null],
  ['sqlite:', null],
  ['data/accord.db', null],
])('when the location is %s, then it parses as expected', (text, expected) => {
  expect(parseStoreLocation(text)).toEqual(expected);
});

describe('SQLite to MongoDB and back', () => {
  const uri = mongoSuiteUri('SQLite to MongoDB and back');
  if (uri === undefined) return;

  test('when a SQLite store is copied to MongoDB and back, then the last copy holds exactly what the first did', async () => {
    const database = `accord_copy_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const source = SqliteStore.open({ path: join(dir, 'source.db') });
    await fill(source);
    const expected = await contents(source);
    await source.close();
    try {
      await storeCopyCommand(`sqlite:${join(dir, 'source.db')}`, `mongodb:${uri}#${database}`, { write: () => undefined });
      const mongo = await openStoreAt({ backend: 'mongodb', uri, database });
      expect(await contents(mongo)).toEqual(expected);
      await mongo.close();
      await storeCopyCommand(`mongodb:${uri}#${database}`, `sqlite:${join(dir, 'back.db')}`, { write: () => undefined });
      const back = SqliteStore.open({ path: join(dir, 'back.db') });
      expect(await contents(back)).toEqual(expected);
      await back.close();
    } finally {
      const client = new MongoClient(uri);
      await client.db(database).dropDatabase();
      await client.close();
    }
  });

  test('when owners, submitters and tombstones are copied to MongoDB and back, then they arrive unchanged', async () => {
    const database = `accord_copy_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const source = SqliteStore.open({ path: join(dir, 'source.db') });
    await fillTrust(source);
    const expected = await lifecycle(source);
    await source.close();
    try {
      await storeCopyCommand(`sqlite:${join(dir, 'source.db')}`, `mongodb:${uri}#${database}`, { write: () => undefined });
      const mongo = await openStoreAt({ backend: 'mongodb', uri, database });
      expect(await lifecycle(mongo)).toEqual(expected);
      await mongo.close();
      await storeCopyCommand(`mongodb:${uri}#${database}`, `sqlite:${join(dir, 'back.db')}`, { write: () => undefined });
      const back = SqliteStore.open({ path: join(dir, 'back.db') });
      expect(await lifecycle(back)).toEqual(expected);
      await back.close();
    } finally {
      const client = new MongoClient(uri);
      await client.db(database).dropDatabase();
      await client.close();
    }
  });
});
