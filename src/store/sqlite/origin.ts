/**
 * The store's origin (docs/reliability.md#damaged-stores), kept in `meta` as
 * `store_id`, `created_at` and `seeded`. Written once, at the first open by a
 * version that knows it; the data directory's marker names the same id.
 */

import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { StoreOrigin } from '../contract';

const ID = 'store_id';
const CREATED_AT = 'created_at';
const SEEDED = 'seeded';

/**
 * Gives the store an origin if it has none. A new store is not seeded yet; one
 * that already holds entities, audit entries or records (written before origins
 * were recorded) counts as seeded, so its seed is never loaded again.
 */
export function ensureOrigin(db: Database.Database, now: string): void {
  db.transaction(() => {
    if (db.prepare('SELECT 1 FROM meta WHERE key = ?').get(ID) !== undefined) return;
    const heldData = db.prepare('SELECT EXISTS (SELECT 1 FROM entities) OR EXISTS (SELECT 1 FROM audit) OR EXISTS (SELECT 1 FROM records)').pluck().get() === 1;
    const insert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    insert.run(ID, randomUUID());
    insert.run(CREATED_AT, now);
    insert.run(SEEDED, heldData ? '1' : '0');
  }).immediate();
}

export function readOrigin(db: Database.Database): StoreOrigin {
  const values = new Map(db.prepare('SELECT key, value FROM meta WHERE key IN (?, ?, ?)').raw().all(ID, CREATED_AT, SEEDED) as Array<[string, string]>);
  return { id: values.get(ID) ?? '', createdAt: values.get(CREATED_AT) ?? '', seeded: values.get(SEEDED) === '1' };
}

/** The origin of a store file, read without changing it (a file written before origins has none: empty id). */
export function readOriginOf(path: string): StoreOrigin {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return readOrigin(db);
  } finally {
    db.close();
  }
}

export function markSeeded(db: Database.Database): void {
  db.prepare('UPDATE meta SET value = ? WHERE key = ?').run('1', SEEDED);
}
