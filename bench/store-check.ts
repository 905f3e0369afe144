/**
 * Scenario "store check" (issue 14): the damage checks of a SQLite store
 * (docs/reliability.md#damaged-stores), timed on a given file: `quick` (PRAGMA
 * quick_check, the start-up check) and `full` (`accord store check`:
 * integrity_check, then the stored texts), each in the worker thread the server
 * uses, with the longest event-loop pause of this process meanwhile (what a
 * serving server feels). With --open DIR, also the start of the store in that
 * data directory: how long opening takes before serving, and when the first
 * change is let through (after the check). --open writes the marker and the
 * store's origin: give it a copy. With --scatter N, what each check finds: N
 * times, a copy of the file gets 1, 5 or 50 overwrites of 16 random bytes at
 * random places past the first page (use a small store: the full check runs
 * 3 × N times).
 *
 *   node dist/bench/store-check.js --file PATH [--runs 3] [--open DATA_DIR] [--scatter N]
 */

import { randomBytes, randomInt } from 'node:crypto';
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { checkSqliteStore, openStore } from '../src/store/index';
import type { IntegrityDepth } from '../src/store/sqlite/integrity';

const { values } = parseArgs({ options: { file: { type: 'string' }, runs: { type: 'string', default: '3' }, open: { type: 'string' }, scatter: { type: 'string' } } });

const PAGE = 4096;
const OVERWRITE_BYTES = 16;

function seconds(from: bigint): number {
  return Number(process.hrtime.bigint() - from) / 1e9;
}

async function timeCheck(file: string, depth: IntegrityDepth): Promise<void> {
  const times: number[] = [];
  let pauseMs = 0;
  let outcome = '';
  for (let run = 0; run < Number(values.runs); run++) {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const start = process.hrtime.bigint();
    const report = await checkSqliteStore(file, depth);
    times.push(seconds(start));
    delay.disable();
    pauseMs = Math.max(pauseMs, delay.max / 1e6);
    outcome = report.problems.length === 0 ? 'no damage' : `${report.problems.length} problems`;
  }
  console.log(`${depth}, ${values.runs} runs: ${times.map((t) => `${t.toFixed(2)} s`).join(', ')} (${outcome}); longest event-loop pause ${pauseMs.toFixed(0)} ms`);
}

async function timeOpen(dataDir: string): Promise<void> {
  const start = process.hrtime.bigint();
  const store = await openStore(
    { backend: 'sqlite', data_dir: dataDir, sqlite: { file: 'accord.db', synchronous: 'FULL', cache_mb: 32, check_on_start: 'quick', check_wait_seconds: 1 }, mongodb: { database: 'accord' } },
    { damaged: (d) => console.log(`damaged: ${d.firstError}`), checkFailed: (r) => console.log(`check failed: ${r}`) },
  );
  const opened = seconds(start);
  await store.markSeeded();
  console.log(`open with check_on_start quick, check_wait_seconds 1: serving after ${opened.toFixed(2)} s, first change let through after ${seconds(start).toFixed(2)} s`);
  await store.close();
}

async function scatter(file: string, trials: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'accord-scatter-'));
  const copy = join(dir, 'accord.db');
  try {
    for (const overwrites of [1, 5, 50]) {
      const found = { quick: 0, full: 0 };
      for (let trial = 0; trial < trials; trial++) {
        copyFileSync(file, copy);
        const size = statSync(copy).size;
        const fd = openSync(copy, 'r+');
        for (let i = 0; i < overwrites; i++) writeSync(fd, randomBytes(OVERWRITE_BYTES), 0, OVERWRITE_BYTES, randomInt(PAGE, size - OVERWRITE_BYTES));
        closeSync(fd);
        for (const depth of ['quick', 'full'] as const) if ((await checkSqliteStore(copy, depth)).problems.length > 0) found[depth]++;
      }
      console.log(`${overwrites} overwrites of ${OVERWRITE_BYTES} random bytes: quick found damage in ${found.quick} of ${trials} copies, full in ${found.full}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (values.file === undefined) throw new Error('--file PATH is required');
  console.log(`${values.file}: ${statSync(values.file).size.toLocaleString('en-US')} bytes`);
  if (values.scatter !== undefined) {
    await scatter(values.file, Number(values.scatter));
    return;
  }
  await timeCheck(values.file, 'quick');
  await timeCheck(values.file, 'full');
  if (values.open !== undefined) await timeOpen(values.open);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
