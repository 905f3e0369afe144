/**
 * The audit trail over the real HTTP stack (docs/reliability.md#audit-trail): a
 * change is answered only once its entry is in the store file, and while the
 * trail cannot be written (a trigger on the file refuses every insert) changes
 * are refused, then accepted again once it can. Always SQLite, whatever
 * ACCORD_TEST_STORE says: the tests read and break the store file directly.
 */

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { body, RW, standardConfig, startTestServer, type TestServer } from '../support/harness';
import { execOnFile } from '../support/damage';
import { envelope, indicator } from '../support/stix';

const COLL = `/api1/collections/${RW}`;

let server: TestServer;
let file: string;
beforeAll(async () => {
  server = await startTestServer((dir) => ({ ...standardConfig(dir), store: { data_dir: dir } }));
  file = join(server.dataDir, server.config.store.sqlite.file);
});
afterAll(async () => server.close());

/** The entries in the store file now, read through a connection of its own. */
function entriesInFile(): Array<Record<string, any> & { seq: number }> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT seq, entry FROM audit ORDER BY seq').all() as Array<{ seq: number; entry: string }>;
    return rows.map((row) => ({ ...JSON.parse(row.entry), seq: row.seq }));
  } finally {
    db.close();
  }
}

function storedIds(ids: string[]): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return ids.filter((id) => db.prepare('SELECT 1 FROM records WHERE stix_id = ?').get(id) !== undefined);
  } finally {
    db.close();
  }
}

const asRoot = (path: string, json: unknown) => server.raw().post(path).auth('root', 'accord-demo').send(json as object);

describe('durable before the answer', () => {
  test('when objects are added, then their add_objects entry is in the store file when the 202 arrives', async () => {
    const res = await server.post(`${COLL}/objects/`, envelope(indicator(), indicator()));
    expect(res.status).toBe(202);
    expect(entriesInFile().filter((e) => e.statusId === body(res).id)).toEqual([
      expect.objectContaining({ operation: 'add_objects', outcome: 202, organisation: 'alpha', user: 'alice', partnership: 'api1', collection: RW, objectCount: 2 }),
    ]);
  });

  test('when an object is deleted, then its delete_object entry is in the store file when the 200 arrives', async () => {
    const a = indicator();
    await server.post(`${COLL}/objects/`, envelope(a));
    expect((await server.del(`${COLL}/objects/${a.id}/`)).status).toBe(200);
    expect(entriesInFile().filter((e) => e.operation === 'delete_object' && e.detail === `object ${a.id}`)).toEqual([
      expect.objectContaining({ outcome: 200, user: 'alice', objectCount: 1 }),
    ]);
  });

  test('when an admin change is made, then its entry is in the store file when the answer arrives', async () => {
    expect((await asRoot('/admin/organisations', { id: 'durable-org', name: 'Durable' })).status).toBe(201);
    expect(entriesInFile().filter((e) => e.operation === 'add_organisation' && e.detail?.startsWith('organisation durable-org'))).toEqual([
      expect.objectContaining({ outcome: 200, organisation: 'ops', user: 'root' }),
    ]);
  });
});

describe('fail closed', () => {
  afterEach(() => execOnFile(file, 'DROP TRIGGER IF EXISTS refuse_audit'));

  test('when the trail cannot be written, then the change is 503, later changes are refused before the store, reads go on, and all resumes once it can', async () => {
    execOnFile(file, "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END");
    const first = indicator();
    const refused = await server.post(`${COLL}/objects/`, envelope(first));
    expect(refused.status).toBe(503);
    expect(body(refused)).toMatchObject({ http_status: '503', error_code: 'store_unavailable' });
    expect(body(refused).description).toMatch(/audit trail could not record this change, so it is not acknowledged; it may nevertheless have been applied/);
    // Stored before its entry failed: the documented case a re-post settles.
    expect(storedIds([first.id as string])).toEqual([first.id]);

    const second = indicator();
    const upFront = await server.post(`${COLL}/objects/`, envelope(second));
    expect(upFront.status).toBe(503);
    expect(body(upFront).description).toMatch(/audit trail cannot be written, so changes are refused until it can; nothing was changed/);
    expect(storedIds([second.id as string])).toEqual([]);
    expect((await asRoot('/admin/organisations', { id: 'refused-org', name: 'Refused' })).status).toBe(503);
    expect(await server.runtime.store.getEntity('organisation', 'refused-org')).toBeNull();
    expect((await server.get(`${COLL}/objects/${first.id}/`)).status).toBe(200);
    const before = entriesInFile().length;

    execOnFile(file, 'DROP TRIGGER refuse_audit');
    const again = await server.post(`${COLL}/objects/`, envelope(first, second));
    expect(again.status).toBe(202);
    expect(body(again).successes.find((s: { id: string }) => s.id === first.id).message).toBe('version already present');
    await server.runtime.audit.flush();
    const written = entriesInFile().slice(before);
    // The probe entry first, then what was kept while the trail could not be written, then the change.
    expect(written[0]).toMatchObject({ operation: 'audit_resumed', outcome: 200 });
    expect(written[0]!.detail).toMatch(/^the trail could not be written from \S+; 1 changes were answered 503 after their entry failed \(they may be stored\)$/);
    expect(written.slice(1).map((e) => `${e.operation} ${e.outcome}`)).toEqual(['add_objects 503', 'add_objects 503', 'get_object 200', 'add_objects 202']);
    expect(written[4]).toMatchObject({ statusId: body(again).id, objectCount: 2 });
  });
});
