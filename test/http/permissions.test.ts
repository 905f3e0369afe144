/**
 * The permission matrix (checklist §1.5): read-write, read-only, write-only and
 * no access, on every collection endpoint. Invisible is 404 exactly like missing;
 * visible without the right is 403.
 */

import { randomUUID } from 'node:crypto';
import { body, OTHER, RO, RW, startTestServer, WO, type TestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';

let server: TestServer;
const stored = indicator();
const storedIn = new Map<string, string>();

beforeAll(async () => {
  server = await startTestServer();
  // Seed through the store: read-only collections cannot be written over HTTP.
  for (const coll of [RW, RO, WO, OTHER]) {
    await server.runtime.store.addRecords(coll, [
      { id: stored.id as string, type: 'indicator', version: stored.modified as string, versionKey: '20260101000000', specVersion: '2.1', body: JSON.stringify(stored) },
    ]);
    storedIn.set(coll, stored.id as string);
  }
});
afterAll(async () => server.close());

type Op = 'collection' | 'objects' | 'manifest' | 'object' | 'versions' | 'add' | 'delete';
const OPS: Op[] = ['collection', 'objects', 'manifest', 'object', 'versions', 'add', 'delete'];

function call(op: Op, root: string, coll: string, user: string) {
  const base = `/${root}/collections/${coll}`;
  switch (op) {
    case 'collection':
      return server.get(`${base}/`, user);
    case 'objects':
      return server.get(`${base}/objects/`, user);
    case 'manifest':
      return server.get(`${base}/manifest/`, user);
    case 'object':
      return server.get(`${base}/objects/${stored.id}/`, user);
    case 'versions':
      return server.get(`${base}/objects/${stored.id}/versions/`, user);
    case 'add':
      return server.post(`${base}/objects/`, envelope(indicator()), user);
    case 'delete':
      return server.del(`${base}/objects/${stored.id}/?match[version]=1999-01-01T00:00:00Z`, user);
  }
}

// Expected status per (rights, op). Delete uses a filter that matches nothing, so a permitted delete is 404 and changes nothing.
const EXPECT: Record<string, Record<Op, number>> = {
  readWrite: { collection: 200, objects: 200, manifest: 200, object: 200, versions: 200, add: 202, delete: 404 },
  readOnly: { collection: 200, objects: 200, manifest: 200, object: 200, versions: 200, add: 403, delete: 403 },
  writeOnly: { collection: 200, objects: 403, manifest: 403, object: 403, versions: 403, add: 202, delete: 403 },
  none: { collection: 404, objects: 404, manifest: 404, object: 404, versions: 404, add: 404, delete: 404 },
};

const CASES: Array<[string, string, string, keyof typeof EXPECT]> = [
  ['alice', 'api1', RW, 'readWrite'],
  ['alice', 'api1', RO, 'readOnly'],
  ['alice', 'api1', WO, 'writeOnly'],
  ['alice', 'api2', OTHER, 'none'],
  ['carol', 'api1', RW, 'readOnly'],
  ['carol', 'api1', RO, 'none'],
  ['carol', 'api1', WO, 'none'],
  ['bob', 'api1', RW, 'none'],
  ['bob', 'api2', OTHER, 'readWrite'],
  ['mallory', 'api1', RW, 'none'],
  ['mallory', 'api2', OTHER, 'none'],
];

describe.each(CASES)('%s on %s/%s (%s)', (user, root, coll, rights) => {
  test.each(OPS)('when %s is called, then the status is as the matrix says', async (op) => {
    const res = await call(op, root, coll, user);
    expect(res.status).toBe(EXPECT[rights]![op]);
    if (res.status === 404 && rights === 'none') {
      // Indistinguishable from a collection that does not exist.
      const missing = await call(op, root, randomUUID(), user);
      expect(missing.status).toBe(404);
      expect(body(res).description).toBe(body(missing).description);
      expect(res.text).not.toContain(stored.id as string);
    }
  });
});

test('when carol lists api1 collections, then she sees only the one she can read, with her rights', async () => {
  const doc = body(await server.get('/api1/collections/', 'carol'));
  expect(doc.collections.map((c: { id: string; can_read: boolean; can_write: boolean }) => [c.id, c.can_read, c.can_write])).toEqual([[RW, true, false]]);
});

test('when alice lists api1 collections, then they come sorted by id with her exact rights', async () => {
  const doc = body(await server.get('/api1/collections/'));
  expect(doc.collections.map((c: { id: string; can_read: boolean; can_write: boolean }) => [c.id, c.can_read, c.can_write])).toEqual([
    [RW, true, true],
    [RO, true, false],
    [WO, false, true],
  ]);
});

test('when a collection is addressed by its alias, then it is the same collection', async () => {
  expect(body(await server.get('/api1/collections/rw/')).id).toBe(RW);
  expect((await server.get('/api1/collections/rw/objects/')).status).toBe(200);
  expect((await server.get('/api1/collections/ro/', 'carol')).status).toBe(404);
});

test('when mallory lists collections of a root she cannot see, then 404', async () => {
  expect((await server.get('/api1/collections/', 'mallory')).status).toBe(404);
  expect((await server.get('/api1/', 'mallory')).status).toBe(404);
});
