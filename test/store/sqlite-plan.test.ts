/**
 * SQLite-specific: every page, filter and version query is served by an index
 * (SQLite's plan says SEARCH … USING INDEX), never by scanning the records table.
 */

import Database from 'better-sqlite3';
import type { ExpiryQuery, RecordQuery, VersionSelector } from '../../src/store/contract';
import { expiredSql, objectsTextSql, PROVENANCE_SQL, selectRidsSql, selectSql } from '../../src/store/sqlite/record-query';
import { SCHEMA_SQL } from '../../src/store/sqlite/schema';
import { TOMBSTONE_SQL } from '../../src/store/sqlite/sqlite-tombstones';

const db = new Database(':memory:');
db.exec(SCHEMA_SQL);
const LAST: VersionSelector = { all: false, first: false, last: true, at: [] };
const base: RecordQuery = { collectionId: 'c', versions: LAST, specVersions: 'latest', limit: 1000, withBody: true };

const shapes: Array<[string, RecordQuery]> = [
  ['first page', base],
  ['page after a bound', { ...base, after: 1 }],
  ['all versions', { ...base, versions: { all: true } }],
  ['first, last and instants', { ...base, versions: { all: false, first: true, last: true, at: ['20200101000000'] } }],
  ['explicit spec versions', { ...base, specVersions: ['2.1'] }],
  ['one type', { ...base, types: ['indicator'], after: 1 }],
  ['several types', { ...base, types: ['indicator', 'malware', 'relationship'], after: 1 }],
  ['ids', { ...base, ids: ['indicator--a', 'indicator--b'], after: 1 }],
  ['ids and types', { ...base, ids: ['indicator--a'], types: ['indicator'] }],
  ['one object versions', { ...base, ids: ['indicator--a'], versions: { all: true }, withBody: false }],
  ['manifest', { ...base, withBody: false, specVersions: 'all' }],
];

function plan(sql: string, params: Record<string, string | number>): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((row) => row.detail);
}

test.each(shapes)('when the query is %s, then no step scans the records table', (_name, query) => {
  const select = selectSql(query, 1);
  const rids = selectRidsSql({ ...query, limit: undefined }, 1);
  // A page as text (with its byte budget) fetches the kept bodies by primary key (`b`).
  const text = objectsTextSql(query, 1, 4_194_304);
  for (const steps of [plan(select.sql, select.params), plan(rids.sql, rids.params), plan(text.sql, text.params)]) {
    const onRecords = steps.filter((step) => / (r|s|b|records)\b/.test(step) && !step.includes('json_each'));
    expect(onRecords.length).toBeGreaterThan(0);
    for (const step of onRecords) expect(step).toMatch(/^SEARCH \w+ USING (COVERING INDEX|INDEX|INTEGER PRIMARY KEY)/);
  }
});

test.each(shapes)('when a page of objects is read as text (%s), then the bodies are fetched last, by primary key, in the order of the kept rows, never sorted', (_name, query) => {
  const text = objectsTextSql(query, 1, 4_194_304);
  const steps = plan(text.sql, text.params);
  expect(steps[steps.length - 1]).toBe('SEARCH b USING INTEGER PRIMARY KEY (rowid=?)');
});

const expiries: Array<[string, ExpiryQuery, string[]]> = [
  ['by age', { collectionId: 'c', addedBefore: 5, limit: 100 }, ['newest_records']],
  ['by valid_until', { collectionId: 'c', validUntilBefore: '2026', limit: 100 }, ['newest_records']],
  ['by either', { collectionId: 'c', addedBefore: 5, validUntilBefore: '2026', limit: 100 }, ['newest_records', 'newest_records']],
];

test.each(expiries)('when expired objects are found %s, then each condition searches the partial index of newest records', (_name, query, indexes) => {
  const found = expiredSql(query, 1)!;
  const onRecords = plan(found.sql, found.params).filter((step) => / records\b/.test(step));
  expect(onRecords).toEqual(indexes.map((index) => expect.stringMatching(new RegExp(`^SEARCH records USING INDEX ${index} \\(coll=\\?`))));
});

test('when tombstones are listed or purged and provenance is read, then a primary key or index range serves each, never a scan', () => {
  const steps = (sql: string, ...params: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((row) => row.detail);
  expect(steps(TOMBSTONE_SQL.list, 1, 0, 10)).toEqual(['SEARCH tombstones USING PRIMARY KEY (coll=? AND removed_at>?)']);
  expect(steps(TOMBSTONE_SQL.purge, 5)).toContain('SEARCH tombstones USING PRIMARY KEY (coll=? AND removed_at<?)');
  expect(steps(PROVENANCE_SQL, 1, 'indicator--a')[0]).toBe('SEARCH records USING INDEX records_by_object (coll=? AND stix_id=?)');
  expect(expiredSql({ collectionId: 'c', limit: 10 }, 1)).toBeNull();
});
