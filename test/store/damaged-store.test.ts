/**
 * Damaged stores (docs/reliability.md#damaged-stores): a data directory that held a
 * store refuses a missing, empty, foreign or damaged database file at start, the
 * seed goes into a new store only, and damage met while serving turns the store
 * read-only (reads served, changes 503, /_health 503). Real SQLite files, damaged
 * on disk at pages chosen from the file's own layout.
 */

import Database from 'better-sqlite3';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';
import { StoreDamagedError } from '../../src/errors';
import { dbOf, filledDataDir, leafPages, newDataDir, overwrite, overwriteMiddleOfRecords, PAGE, removeDataDirs, sqliteConfig } from '../support/damage';
import { body, RW, startTestServer, type TestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';

afterAll(removeDataDirs);

async function refusalOf(dataDir: string, config = sqliteConfig()): Promise<StoreDamagedError> {
  const error = await startTestServer(config, { dataDir }).then(
    async (server) => {
      await server.runtime.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreDamagedError);
  return error as StoreDamagedError;
}

describe('a data directory that held a store', () => {
  test('when a data directory is new, then the store is seeded and a marker beside it names the store', async () => {
    const dataDir = newDataDir();
    const server = await startTestServer(sqliteConfig(), { dataDir });
    try {
      expect((await server.get('/taxii2/')).status).toBe(200);
      const marker = JSON.parse(readFileSync(join(dataDir, 'accord.store'), 'utf8'));
      const origin = await server.runtime.store.origin();
      expect(marker).toMatchObject({ store_id: origin.id, created_at: origin.createdAt, file: 'accord.db' });
      expect(origin.seeded).toBe(true);
    } finally {
      await server.runtime.close();
    }
  });

  test('when a marked store restarts with nothing left of its seed, then the seed is not loaded again', async () => {
    const dataDir = newDataDir();
    // First start without any organisation or partnership: the old rule ("seed an empty store") would seed at the next start.
    const empty = await startTestServer(sqliteConfig({}, {}), { dataDir });
    await empty.runtime.close();
    const server = await startTestServer(sqliteConfig(), { dataDir });
    try {
      expect((await server.get('/taxii2/')).status).toBe(401);
      expect(await server.runtime.store.listEntities('organisation')).toEqual([]);
    } finally {
      await server.runtime.close();
    }
  });

  test('when the store file is emptied (0 bytes), then start is refused with the file, the marker and what to do', async () => {
    const dataDir = await filledDataDir();
    writeFileSync(dbOf(dataDir), '');
    const error = await refusalOf(dataDir);
    expect(error.message).toContain(`The store file ${dbOf(dataDir)} is empty (0 bytes)`);
    expect(error.message).toContain(`${join(dataDir, 'accord.store')} says store`);
    expect(error.message).toMatch(/restore it from a backup/);
    expect(statSync(dbOf(dataDir)).size).toBe(0);
  });

  test('when the store file is missing, then start is refused and no new store is made in its place', async () => {
    const dataDir = await filledDataDir();
    rmSync(dbOf(dataDir));
    const error = await refusalOf(dataDir);
    expect(error.message).toContain(`The store file ${dbOf(dataDir)} is missing`);
    expect(error.message).toMatch(/Restore the file from a backup; or, to start a new empty store on purpose, remove .*accord\.store/);
    expect(() => statSync(dbOf(dataDir))).toThrow();
  });

  test('when the marker is removed on purpose after the file was lost, then a new store starts and is seeded', async () => {
    const dataDir = await filledDataDir();
    rmSync(dbOf(dataDir));
    rmSync(join(dataDir, 'accord.store'));
    const server = await startTestServer(sqliteConfig(), { dataDir });
    try {
      expect((await server.get('/taxii2/')).status).toBe(200);
      expect(body(await server.get(`/api1/collections/${RW}/objects/`)).objects).toBeUndefined();
    } finally {
      await server.runtime.close();
    }
  });

  test("when the store file is another store's, then start is refused naming both stores", async () => {
    const dataDir = await filledDataDir();
    const other = newDataDir();
    const elsewhere = await startTestServer(sqliteConfig(), { dataDir: other });
    const otherId = (await elsewhere.runtime.store.origin()).id;
    await elsewhere.runtime.close();
    writeFileSync(dbOf(dataDir), readFileSync(dbOf(other)));
    const error = await refusalOf(dataDir);
    expect(error.message).toContain(`holds store ${otherId}`);
    expect(error.message).toContain('the file is not the store this directory held');
  });

  test('when a store file from before markers is opened, then it is adopted, marked, and not seeded again', async () => {
    const dataDir = await filledDataDir();
    rmSync(join(dataDir, 'accord.store'));
    const db = new Database(dbOf(dataDir));
    db.prepare("DELETE FROM meta WHERE key IN ('store_id', 'created_at', 'seeded')").run();
    db.prepare("DELETE FROM entities WHERE kind = 'user' AND id <> 'alice'").run();
    db.close();
    const server = await startTestServer(sqliteConfig(), { dataDir });
    try {
      expect(body(await server.get(`/api1/collections/${RW}/manifest/?limit=1`)).objects).toHaveLength(1);
      expect((await server.get('/taxii2/', 'carol')).status).toBe(401);
      expect(JSON.parse(readFileSync(join(dataDir, 'accord.store'), 'utf8')).store_id).toBe((await server.runtime.store.origin()).id);
    } finally {
      await server.runtime.close();
    }
  });
});

describe('damage in the file', () => {
  test('when 64 KB in the middle of the records are overwritten, then start is refused naming the file and the damage', async () => {
    const dataDir = await filledDataDir();
    overwriteMiddleOfRecords(dbOf(dataDir));
    const error = await refusalOf(dataDir);
    expect(error.message).toContain(`The store file ${dbOf(dataDir)} is damaged: the start-up check (quick) found`);
    expect(error.message).toContain('`accord store check`');
  });

  test('when 50 small overwrites are scattered over the tables and indexes, then start is refused', async () => {
    const dataDir = await filledDataDir();
    const pages = leafPages(dbOf(dataDir), ['records', 'records_by_date', 'records_by_object', 'records_by_type', 'newest_records']);
    for (let i = 0; i < 50; i++) overwrite(dbOf(dataDir), (pages[Math.floor((i * pages.length) / 50)]! - 1) * PAGE, 16);
    expect((await refusalOf(dataDir)).message).toMatch(/is damaged: the start-up check \(quick\) found (a problem|\d+ problems), the first: /);
  });

  test('when the first page is not a database header, then start is refused', async () => {
    const dataDir = await filledDataDir();
    overwrite(dbOf(dataDir), 0, 100);
    expect((await refusalOf(dataDir)).message).toMatch(/is damaged \(SQLITE_NOTADB/);
  });

  test('when the check is still running as serving starts, then a change waits for it and is refused with 503, never 202', async () => {
    const dataDir = await filledDataDir();
    overwriteMiddleOfRecords(dbOf(dataDir));
    const server = await startTestServer(sqliteConfig({ check_wait_seconds: 0 }), { dataDir });
    try {
      const post = await server.post(`/api1/collections/${RW}/objects/`, envelope(indicator()));
      expect(post.status).toBe(503);
      expect(body(post).description).toMatch(/^The store is damaged \(the start-up check found .*accord store check/);
      const health = await server.raw().get('/_health');
      expect(health.status).toBe(503);
      expect(health.body.status).toBe('damaged');
      expect((await server.get(`/api1/collections/${RW}/objects/?limit=10`)).status).toBe(200);
    } finally {
      await server.runtime.close();
    }
  });

  test('when damage is met while serving, then the store turns read-only: reads that work are served, changes and /_health are 503, and the log says it once', async () => {
    const dataDir = await filledDataDir();
    overwriteMiddleOfRecords(dbOf(dataDir));
    const errors: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        const line = JSON.parse(String(chunk));
        // The access log also has each 5xx request at error level.
        if (line.level === 'error' && line.message !== 'request') errors.push(line);
        done();
      },
    });
    const log = winston.createLogger({ level: 'error', format: winston.format.json(), transports: [new winston.transports.Stream({ stream: sink })] });
    const server: TestServer = await startTestServer(sqliteConfig({ check_on_start: 'off' }), { dataDir, log });
    try {
      expect((await server.raw().get('/_health')).status).toBe(200);
      const statuses: number[] = [];
      let next: string | undefined;
      do {
        const res = await server.get(`/api1/collections/${RW}/objects/?limit=500${next ? `&next=${encodeURIComponent(next)}` : ''}`);
        statuses.push(res.status);
        next = res.status === 200 ? body(res).next : undefined;
      } while (next !== undefined);
      expect(statuses[0]).toBe(200);
      expect(statuses[statuses.length - 1]).toBe(503);

      const health = await server.raw().get('/_health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'damaged', first_error: expect.stringContaining('SQLITE_CORRUPT') });
      expect(health.body.description).toContain('accord store check');

      const post = await server.post(`/api1/collections/${RW}/objects/`, envelope(indicator()));
      expect(post.status).toBe(503);
      expect(body(post)).toMatchObject({ error_code: 'store_damaged', http_status: '503' });
      const admin = await server.raw().post('/admin/organisations').auth('root', 'accord-demo').send({ id: 'late', name: 'Too late' });
      expect(admin.status).toBe(503);

      expect((await server.get(`/api1/collections/${RW}/`)).status).toBe(200);
      expect(body(await server.get(`/api1/collections/${RW}/objects/?limit=10`)).objects).toHaveLength(10);
      expect(errors.map((line) => line.message)).toEqual([expect.stringMatching(/^store damaged: changes are refused/)]);
      expect(errors[0]!.first_error).toEqual(expect.stringContaining('SQLITE_CORRUPT'));
    } finally {
      await server.runtime.close();
    }
  });
});
