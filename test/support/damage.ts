/**
 * Real SQLite store files and ways to damage them (docs/reliability.md#damaged-stores):
 * pages are chosen from the file's own layout (SQLite's dbstat), and overwritten
 * with a fixed pattern, so that every run damages the same b-tree pages.
 */

import Database from 'better-sqlite3';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RW, standardConfig, startTestServer } from './harness';
import { envelope, indicator } from './stix';

export const PAGE = 4096;

/** Runs SQL on a store's file beside the open store (a trigger that refuses writes, a table dropped). */
export function execOnFile(path: string, sql: string): void {
  const db = new Database(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/**
 * A SQLite store in `dir`, whatever ACCORD_TEST_STORE says (markers and files are
 * SQLite's); start-up waits for its check however loaded the machine, unless `sqlite` says otherwise.
 */
export const sqliteConfig =
  (sqlite: Record<string, unknown> = {}, seed?: unknown) =>
  (dir: string): Record<string, unknown> => ({ ...standardConfig(dir), store: { data_dir: dir, sqlite: { check_wait_seconds: 600, ...sqlite } }, ...(seed !== undefined ? { seed } : {}) });

const dirs: string[] = [];

export function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'accord-damage-'));
  dirs.push(dir);
  return dir;
}

export function removeDataDirs(): void {
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
}

export const dbOf = (dataDir: string): string => join(dataDir, 'accord.db');

/** A data directory whose store holds `objects` indicators in RW, closed (its WAL checkpointed into the file). */
export async function filledDataDir(objects = 3000): Promise<string> {
  const dataDir = newDataDir();
  const server = await startTestServer(sqliteConfig(), { dataDir });
  try {
    for (let i = 0; i < objects; i += 500) {
      const batch = Array.from({ length: Math.min(500, objects - i) }, () => indicator({ description: 'x'.repeat(400) }));
      const res = await server.post(`/api1/collections/${RW}/objects/`, envelope(...batch));
      if (res.status !== 202) throw new Error(`filling the store: ${res.status} ${res.text}`);
    }
  } finally {
    await server.runtime.close();
  }
  return dataDir;
}

/** Leaf pages of the named b-trees, in page order. */
export function leafPages(path: string, names: string[]): number[] {
  const db = new Database(path, { readonly: true });
  try {
    const marks = names.map(() => '?').join(', ');
    return db.prepare(`SELECT pageno FROM dbstat WHERE name IN (${marks}) AND pagetype = 'leaf' ORDER BY pageno`).pluck().all(...names) as number[];
  } finally {
    db.close();
  }
}

/** Writes `bytes` of a fixed garbage pattern at `offset`: a page header it lands on is no b-tree page's. */
export function overwrite(path: string, offset: number, bytes: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(bytes, 'garbage!'), 0, bytes, offset);
  } finally {
    closeSync(fd);
  }
}

/** 64 KB (16 pages) from the middle of the records table's leaves. */
export function overwriteMiddleOfRecords(path: string): void {
  const pages = leafPages(path, ['records']);
  if (pages.length < 64) throw new Error(`only ${pages.length} leaf pages of records: fill the store more`);
  overwrite(path, (pages[Math.floor(pages.length / 2)]! - 1) * PAGE, 16 * PAGE);
}
