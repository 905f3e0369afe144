/**
 * Scenario "store check" (issue 14): the damage checks of a SQLite store
 * (docs/reliability.md#damaged-stores), timed on a given file: `quick` (PRAGMA
 * quick_check, the start-up check) and `full` (`accord store check`:
 * integrity_check, then the stored texts), each in the worker thread the server
 * uses, with the longest event-loop pause of this process meanwhile (what a
 * serving server feels). With --open DIR, also the start of the store in that
 * data directory: how long opening takes before serving, and when the first
 * change is let through (after the check). --open writes the marker and the
 * store's origin: give it a copy.
 *
 *   node dist/bench/store-check.js --file PATH [--runs 3] [--open DATA_DIR]
 */

import { statSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { checkSqliteStore, openStore } from '../src/store/index';
import type { IntegrityDepth } from '../src/store/sqlite/integrity';

const { values } = parseArgs({ options: { file: { type: 'string' }, runs: { type: 'string', default: '3' }, open: { type: 'string' } } });

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
  console.log(`${depth}: ${times.map((t) => `${t.toFixed(2)} s`).join(', ')} (${outcome}); longest event-loop pause ${pauseMs.toFixed(0)} ms`);
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

async function main(): Promise<void> {
  if (values.file === undefined) throw new Error('--file PATH is required');
  console.log(`${values.file}: ${statSync(values.file).size.toLocaleString('en-US')} bytes, ${values.runs} runs each`);
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
