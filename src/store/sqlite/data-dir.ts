/**
 * A SQLite store in its data directory (docs/reliability.md#damaged-stores). Beside
 * the database file, a marker (`accord.store` for `accord.db`) says that a store was
 * created here and names its id: a missing, empty or foreign database file is then
 * refused instead of being taken for a new store (and seeded with the demo's
 * credentials). The start-up check is given a short time before serving (a larger
 * file goes on being checked while the server answers).
 */

import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { StoreDamagedError } from '../../errors';
import type { StoreOrigin } from '../contract';
import { startIntegrityCheck, type IntegrityDepth, type RunningCheck } from './integrity';
import { readOriginOf } from './origin';
import { SqliteStore, type SqliteOptions } from './sqlite-store';

const HELP = 'docs/reliability.md#damaged-stores';

/** What start-up reads of a marker (it also names the file, for whoever reads it). */
interface Marker {
  store_id: string;
  created_at: string;
}

/** The marker of a database file: its name with `.store` for the extension. */
function markerPathOf(path: string): string {
  const named = join(dirname(path), `${basename(path, extname(path))}.store`);
  return named === path ? `${path}.store` : named;
}

export interface OpenedSqlite {
  store: SqliteStore;
  /** The start-up check, when it was still running after its time before serving. */
  check?: RunningCheck;
}

/**
 * The start-up check: how deep, and how long start-up waits for it before serving
 * (a store checked within that time is refused at start when damaged; a larger one
 * is served while its check goes on, changes waiting for it).
 */
export interface StartCheck {
  depth: IntegrityDepth | 'off';
  waitMs: number;
}

/** Opens the store of a data directory, or refuses (StoreDamagedError) with what to do. */
export async function openInDataDir(options: SqliteOptions, startCheck: StartCheck): Promise<OpenedSqlite> {
  const { path } = options;
  const markerPath = markerPathOf(path);
  const marker = readMarker(markerPath);
  const size = sizeOf(path);
  const held = marker ? `, but ${markerPath} says store ${marker.store_id} was created here on ${marker.created_at}` : '';
  if (size === undefined && marker) {
    throw refusal(`The store file ${path} is missing${held}. Restore the file from a backup; or, to start a new empty store on purpose, remove ${markerPath}`);
  }
  if (size === 0) {
    const fresh = marker ? `remove ${path} and ${markerPath}` : `remove ${path}`;
    throw refusal(`The store file ${path} is empty (0 bytes)${held}. If it held data, restore it from a backup; to start a new empty store on purpose, ${fresh}`);
  }
  const store = SqliteStore.open(options);
  let check: RunningCheck | undefined;
  try {
    const origin = await store.origin();
    if (marker && marker.store_id !== origin.id) {
      throw refusal(
        `The store file ${path} holds store ${origin.id} (created ${origin.createdAt})${held}: the file is not the store this directory held. ` +
          `Restore the right file; or, if this one is the store to serve, remove ${markerPath}`,
      );
    }
    if (!marker) writeMarker(markerPath, origin, basename(path));
    const { depth, waitMs } = startCheck;
    check = depth === 'off' ? undefined : startIntegrityCheck(path, depth);
    const problems = check ? await within(check.problems, waitMs) : [];
    if (problems === undefined) return check ? { store, check } : { store };
    if (problems.length > 0) {
      throw refusal(
        `The store file ${path} is damaged: the start-up check (${depth}) found ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}, the first: ${problems[0]}. ` +
          'Restore the file from a backup; `accord store check` lists what is damaged',
      );
    }
    return { store };
  } catch (error) {
    await check?.stop();
    await store.close();
    throw error;
  }
}

/** What `accord store check` found: lines saying what was checked, and the problems (none: no damage found). */
export interface CheckReport {
  notes: string[];
  problems: string[];
}

/** Checks a store file and its marker without changing either (the server may be running on it). */
export async function checkStoreFile(path: string, depth: IntegrityDepth): Promise<CheckReport> {
  const notes: string[] = [];
  const markerPath = markerPathOf(path);
  let marker: Marker | undefined;
  try {
    marker = readMarker(markerPath);
  } catch (error) {
    return { notes, problems: [(error as Error).message] };
  }
  const size = sizeOf(path);
  if (size === undefined || size === 0) {
    const what = size === undefined ? 'missing' : 'empty (0 bytes)';
    const held = marker ? `; ${markerPath} says store ${marker.store_id} was created here on ${marker.created_at}` : '';
    return { notes, problems: [`The store file ${path} is ${what}${held}.`] };
  }
  notes.push(`${path}: ${size.toLocaleString('en')} bytes; ${depth === 'full' ? 'PRAGMA integrity_check, then the stored texts' : 'PRAGMA quick_check'}.`);
  const problems = await startIntegrityCheck(path, depth).problems;
  if (problems.length > 0) return { notes, problems };
  const origin = readOriginOf(path);
  if (!marker) notes.push(`Store ${origin.id}, created ${origin.createdAt}; no marker yet (${markerPath} is written when the server first opens it).`);
  else if (marker.store_id === origin.id) notes.push(`Store ${origin.id}, created ${origin.createdAt}; ${markerPath} names the same store.`);
  else problems.push(`${path} holds store ${origin.id || '(none: written before origins were recorded)'}, but ${markerPath} names store ${marker.store_id} (created ${marker.created_at}).`);
  return { notes, problems };
}

/** The check's outcome if it comes within `ms`; undefined when it is still running or could not run (the guard reports that). */
async function within(problems: Promise<string[]>, ms: number): Promise<string[] | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([problems.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

function refusal(message: string): StoreDamagedError {
  return new StoreDamagedError(`${message} (${HELP}).`);
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function readMarker(path: string): Marker | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const marker = JSON.parse(text) as Partial<Marker>;
    if (typeof marker.store_id === 'string' && typeof marker.created_at === 'string') return { store_id: marker.store_id, created_at: marker.created_at };
  } catch {
    // Reported below with what to do.
  }
  throw refusal(`${path} is not a store marker Accord can read. Restore it; or, if the database file beside it is the store to serve, remove it`);
}

/** Written once, when a store is first opened here; a rename, so that a crash never leaves half a marker. */
function writeMarker(path: string, origin: StoreOrigin, file: string): void {
  const marker: Marker & { file: string; about: string } = {
    store_id: origin.id,
    created_at: origin.createdAt,
    file,
    about: `Accord created a store in this directory: it refuses to start when ${file} is missing, empty or another store (${HELP}).`,
  };
  writeFileSync(`${path}.tmp`, `${JSON.stringify(marker, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
