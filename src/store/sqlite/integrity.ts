/**
 * Finding damage in a SQLite store file (docs/reliability.md#damaged-stores).
 * `quick` is `PRAGMA quick_check`: every page of every table and index is read
 * and its b-tree structure checked (about 2 s for 1M objects, 1.1 GB); `full` is
 * `PRAGMA integrity_check` (indexes against their tables too) and then the
 * stored texts: each record's body is JSON whose id and type are those it is
 * filed under, and entity and status documents are JSON. SQLite keeps no
 * checksums, so bytes changed inside a text that stays valid go unnoticed.
 *
 * The check runs in a worker thread over its own read-only connection, so the
 * server keeps answering meanwhile.
 */

import { Worker } from 'node:worker_threads';

export type IntegrityDepth = 'quick' | 'full';

/** At most this many problems are reported: enough to see what is damaged and where. */
const MAX_PROBLEMS = 100;

/**
 * SQLite result codes that mean the file holds damage, rather than a passing
 * trouble such as a full disk (SQLITE_FULL) or a write error, which may recover:
 * the file is not a database, a page is malformed, or it cannot be read back.
 */
export function isDamageCode(code: string): boolean {
  return code.startsWith('SQLITE_CORRUPT') || ['SQLITE_NOTADB', 'SQLITE_IOERR_READ', 'SQLITE_IOERR_SHORT_READ', 'SQLITE_IOERR_CORRUPTFS'].includes(code);
}

/**
 * The SQLite result code of a better-sqlite3 error, else undefined. Read from the
 * error's fields, not by `instanceof`: the native addon keeps the error class of
 * the first module instance that loaded it, and a test runner loads several, each
 * with its own `Error`.
 */
export function sqliteCodeOf(error: unknown): string | undefined {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === 'SqliteError' && typeof code === 'string' ? code : undefined;
}

/** A check under way: `problems` resolves empty when none was found, and rejects when the check could not run. */
export interface RunningCheck {
  problems: Promise<string[]>;
  /** Ends the check early (the store closes); `problems` then rejects. */
  stop(): Promise<void>;
}

// Plain JavaScript: a worker runs outside the TypeScript build of tests, so it gets code, not a module path.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { path, depth, max } = workerData;
let db;
try {
  db = new Database(path, { readonly: true, fileMustExist: true });
  // Row by row: on some damage SQLite reports its findings and then fails the statement.
  const problems = [];
  try {
    for (const [text] of db.prepare('PRAGMA ' + (depth === 'full' ? 'integrity_check' : 'quick_check') + '(' + max + ')').raw().iterate()) {
      problems.push(...String(text).split('\\n').filter((line) => line !== 'ok' && !line.startsWith('*** in database')));
    }
  } catch (error) {
    if (problems.length === 0) throw error;
    problems.push(String(error.code) + ': ' + String(error.message));
  }
  // "Tree 6" is a b-tree's root page: name its table or index, if the schema is still readable.
  try {
    const names = new Map(db.prepare('SELECT rootpage, name FROM sqlite_schema WHERE rootpage > 0').raw().all());
    for (let i = 0; i < problems.length; i++) problems[i] = problems[i].replace(/^Tree (\\d+)/, (tree, root) => (names.has(Number(root)) ? tree + ' (' + names.get(Number(root)) + ')' : tree));
  } catch {}
  if (depth === 'full' && problems.length === 0) {
    const records = db.prepare("SELECT rid, stix_id FROM records WHERE NOT json_valid(body) OR json_extract(body, '$.id') IS NOT stix_id OR json_extract(body, '$.type') IS NOT type LIMIT ?").raw().all(max);
    for (const [rid, id] of records) problems.push('record ' + rid + ' (' + id + '): its stored text is not valid JSON of the object it is filed as');
    for (const [kind, id] of db.prepare('SELECT kind, id FROM entities WHERE NOT json_valid(doc) OR NOT json_valid(refs) LIMIT ?').raw().all(max)) problems.push(kind + ' ' + id + ': its stored document is not valid JSON');
    for (const [id] of db.prepare('SELECT id FROM statuses WHERE NOT json_valid(doc) LIMIT ?').raw().all(max)) problems.push('status ' + id + ': its stored document is not valid JSON');
  }
  parentPort.postMessage({ problems: problems.slice(0, max) });
} catch (error) {
  parentPort.postMessage({ failure: { code: String(error.code ?? ''), message: String(error.message) } });
} finally {
  if (db) db.close();
}
`;

type WorkerAnswer = { problems: string[] } | { failure: { code: string; message: string } };

/** Starts checking the file at `path`; a damage code raised by the check itself counts as a problem found. */
export function startIntegrityCheck(path: string, depth: IntegrityDepth): RunningCheck {
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { driver: require.resolve('better-sqlite3'), path, depth, max: MAX_PROBLEMS } });
  // A check must never keep a finished command (or test) alive.
  worker.unref();
  const problems = new Promise<string[]>((resolve, reject) => {
    worker.once('message', (answer: WorkerAnswer) => {
      if ('problems' in answer) resolve(answer.problems);
      else if (isDamageCode(answer.failure.code)) resolve([`${answer.failure.code}: ${answer.failure.message}`]);
      else reject(new Error(`${answer.failure.code || 'error'}: ${answer.failure.message}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the check stopped (exit code ${code})`)));
  });
  return {
    problems,
    stop: async () => {
      await worker.terminate();
    },
  };
}
