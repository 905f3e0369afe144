/**
 * Scenario "mongodb" (issue 19): the real server on the MongoDB backend, so that
 * an operator with a replica set can reproduce its figures. It runs only when
 * MONGODB_URI names one (a single node started with --replSet is enough);
 * otherwise it prints one line saying it was skipped and why. Each run starts
 * Accord on a fresh database (`accord_bench_…`), dropped at the end (kept with
 * --keep; an interrupted run leaves it, and its name is logged at the start).
 *
 * - Ingest: one publisher fills the main collection to the size in 1,000-object
 *   envelopes through Add Objects; objects/s overall and over the first and last
 *   tenth, request p50/p99; then the collection is read back through its manifest
 *   (strict date_added order, exactly the generated sequence).
 * - Poll: the poll scenario's 64 TAXII 2.1 consumers (`limit=1000`, `next` and
 *   `added_after` resumes) at the start, middle and end: objects/s, page p99.
 * - TAXII 2.0: readers page with `Range: items=a-b` (1,000 items) at the start,
 *   middle and end of the collection: page p50/p99 (each such page also counts
 *   its selection for Content-Range); and the count itself, timed in-process
 *   through the store, over the whole collection and from its middle.
 *
 *   MONGODB_URI='mongodb://localhost:27017/?replicaSet=rs0' node dist/bench/mongodb.js [--size 10k|100k|1m|10m] [--reps 3] [--phase-seconds 5] [--keep]
 */

import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { RecordQuery } from '../src/store/contract';
import { openStoreAt } from '../src/store/index';
import { micros } from './checks';
import { httpReader } from './consumers';
import { collectionPath, log, MAIN, PAGE, ROOT, runAsScript, runWorkers, SIZES, type BenchEnv, type ServerProcess, type SizeName } from './harness';
import { headerText, type TaxiiClient } from './http-client';
import { CONSUMERS, phasesOf, runPhase, type PhaseResult } from './poll';
import { grow, readBack, warmUp } from './prefill';
import { percentile, spread, type Figure } from './report';

const TAXII20 = 'application/vnd.oasis.taxii+json; version=2.0';
const RANGE_READERS = 8;
/** Pages of each TAXII 2.0 window (as the poll scenario's windows). */
const RANGE_WINDOW_PAGES = 50;
const COUNT_CALLS = 5;
/** A TAXII 2.0 page counts the whole selection first: give it time at 10M before calling it an error. */
const RANGE_TIMEOUT_MS = 60_000;

/** Why the scenario cannot run here, or undefined when it can. */
function mongodbSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const uri = env.MONGODB_URI;
  if (uri === undefined || uri.trim() === '') return 'MONGODB_URI is not set (it needs a replica set, e.g. MONGODB_URI=mongodb://localhost:27017/?replicaSet=rs0)';
  return undefined;
}

export async function mongodbScenario(env: BenchEnv, size: SizeName): Promise<void> {
  const skipped = mongodbSkipReason();
  if (skipped !== undefined) {
    log(`mongodb ${size}: skipped, ${skipped}`);
    return;
  }
  const uri = process.env.MONGODB_URI!;
  const objects = SIZES[size];
  const database = `accord_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const dataDir = env.tempDir(`mongodb-${size}`);
  log(`mongodb ${size}: database ${database} (fresh); ${objects.toLocaleString('en-US')} objects over HTTP, one publisher, ${PAGE}-object envelopes`);
  let server: ServerProcess | undefined;
  try {
    server = await env.startServer(dataDir, `mongodb-${size}`, {
      adjust: (config) => {
        config.store = { backend: 'mongodb', data_dir: dataDir, mongodb: { uri, database } };
      },
    });
    const bounds = await ingest(env, server, size, objects);
    await poll(env, server, size, { objects, bounds });
    await ranges(env, server, size);
    await countCost(env, size, uri, database, bounds);
  } finally {
    await server?.stop();
    env.removeDir(dataDir);
    if (env.options.keep) log(`  database ${database} kept (--keep)`);
    else await dropDatabase(uri, database);
  }
}

/** Drops the run's database; a failure is logged, not thrown, so that it never hides the run's own error. */
async function dropDatabase(uri: string, database: string): Promise<void> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.db(database).dropDatabase();
  } catch (error) {
    log(`  could not drop database ${database}: ${(error as Error).message}`);
  } finally {
    await client.close();
  }
}

/** Fills the main collection and reads it back; returns the `added_after` bound of each 1,000-record page. */
async function ingest(env: BenchEnv, server: ServerProcess, size: SizeName, objects: number): Promise<string[]> {
  const base = { scenario: 'mongodb', size };
  await warmUp(env, server);
  const growth = await grow(server, objects, env.generator);
  log(`  ingest: ${Math.round(growth.rate).toLocaleString('en-US')} objects/s; first tenth ${Math.round(growth.firstRate).toLocaleString('en-US')}, last tenth ${Math.round(growth.lastRate).toLocaleString('en-US')}`);
  env.report.add({
    ...base,
    name: 'ingest, 1,000-object envelopes, 1 publisher: objects/s',
    unit: 'objects/s',
    http: spread([growth.rate]),
    note: `request p50 ${growth.p50.toFixed(0)} ms, p99 ${growth.p99.toFixed(0)} ms`,
  });
  env.report.add({ ...base, name: 'ingest: last tenth / first tenth (objects/s)', unit: 'ratio', http: spread([growth.lastRate / growth.firstRate]) });
  const consumer = server.client('consumer', 1, RANGE_TIMEOUT_MS);
  const walk = await readBack(consumer, objects, env.generator);
  consumer.close();
  log(`  read back ${walk.count.toLocaleString('en-US')} records in ${walk.seconds.toFixed(1)} s: ${walk.problems.length === 0 ? 'order strict, sequence exact' : walk.problems.join('; ')}`);
  env.report.add({
    ...base,
    name: 'read back: date_added strict, sequence exact',
    unit: 'check',
    text: walk.problems.length === 0 ? 'ok' : 'FAILED',
    target: { text: 'strict order, exact sequence', met: walk.problems.length === 0 },
    ...(walk.problems.length > 0 ? { note: walk.problems.slice(0, 3).join('; ') } : {}),
  });
  return walk.bounds;
}

/** The poll scenario's consumers and phases, on this server. */
async function poll(env: BenchEnv, server: ServerProcess, size: SizeName, collection: { objects: number; bounds: string[] }): Promise<void> {
  const phases = phasesOf(collection);
  const results: PhaseResult[][] = [];
  for (let rep = 1; rep <= env.options.reps; rep++) {
    const round: PhaseResult[] = [];
    for (const phase of phases) {
      const client = server.client('consumer', CONSUMERS);
      try {
        await client.connect(CONSUMERS);
        round.push(await runPhase(collection, phase, env.options.phaseSeconds, () => httpReader(client, ROOT, MAIN)));
      } finally {
        client.close();
      }
      const r = round[round.length - 1]!;
      log(`  poll rep ${rep} ${phase.name}: ${Math.round(r.rate).toLocaleString('en-US')} objects/s, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors}${r.problems.length ? ` (${r.problems[0]})` : ''}`);
    }
    results.push(round);
  }
  const base = { scenario: 'mongodb', size };
  const totalRate = (round: PhaseResult[]) => round.reduce((s, r) => s + r.objects, 0) / round.reduce((s, r) => s + r.seconds, 0);
  env.report.add({ ...base, name: `poll, ${CONSUMERS} consumers, TAXII 2.1 limit=1000: objects/s served`, unit: 'objects/s', http: spread(results.map(totalRate)) });
  phases.forEach((phase, i) => env.report.add({ ...base, name: `poll page p99 at the ${phase.name}`, unit: 'ms', http: spread(results.map((round) => round[i]!.p99)) }));
  addErrors(env, size, 'poll', results.flat());
}

interface RangeResult {
  latencies: number[];
  errors: number;
  problems: string[];
}

/** One TAXII 2.0 Get Objects with `Range: items=first-(first+999)`; the total from Content-Range. */
async function readRange(client: TaxiiClient, first: number): Promise<{ total: number; ms: number }> {
  const reply = await client.get(collectionPath(ROOT, MAIN), { Accept: TAXII20, Range: `items=${first}-${first + PAGE - 1}` });
  if (reply.status !== 206 && reply.status !== 200) throw new Error(`HTTP ${reply.status} for items=${first}-: ${reply.body.subarray(0, 200).toString('utf8')}`);
  const range = /^items (?:\d+-\d+|\*)\/(\d+)$/.exec(headerText(reply.headers, 'content-range') ?? '');
  if (reply.status === 206 && range === null) throw new Error(`206 without a Content-Range for items=${first}-`);
  return { total: range === null ? Number.NaN : Number(range[1]), ms: reply.ms };
}

/** TAXII 2.0 range paging: readers go page by page through a window at the start, middle and end. */
async function ranges(env: BenchEnv, server: ServerProcess, size: SizeName): Promise<void> {
  const client = server.client('consumer', RANGE_READERS, RANGE_TIMEOUT_MS);
  try {
    const { total } = await readRange(client, 0);
    const span = Math.min(RANGE_WINDOW_PAGES, Math.max(1, Math.floor(total / PAGE)));
    const pages = Math.max(1, Math.ceil(total / PAGE));
    const windows = [
      { name: 'start', firstPage: 0 },
      { name: 'middle', firstPage: Math.floor((pages - span) / 2) },
      { name: 'end', firstPage: Math.max(0, pages - span) },
    ];
    log(`  TAXII 2.0: ${total.toLocaleString('en-US')} objects selected (last versions), ${RANGE_READERS} readers, ${span} pages a window`);
    const results: RangeResult[][] = [];
    for (let rep = 1; rep <= env.options.reps; rep++) {
      const round: RangeResult[] = [];
      for (const window of windows) {
        const result: RangeResult = { latencies: [], errors: 0, problems: [] };
        const deadline = process.hrtime.bigint() + BigInt(Math.round(env.options.phaseSeconds * 1e9));
        await runWorkers(RANGE_READERS, async (reader) => {
          for (let n = Math.floor((reader * span) / RANGE_READERS); process.hrtime.bigint() < deadline; n = (n + 1) % span) {
            try {
              result.latencies.push((await readRange(client, (window.firstPage + n) * PAGE)).ms);
            } catch (error) {
              result.errors++;
              if (result.problems.length < 3) result.problems.push((error as Error).message);
            }
          }
        });
        round.push(result);
        log(`  TAXII 2.0 rep ${rep} ${window.name}: ${result.latencies.length} pages, p50 ${percentile(result.latencies, 50).toFixed(1)} ms, p99 ${percentile(result.latencies, 99).toFixed(1)} ms, errors ${result.errors}`);
      }
      results.push(round);
    }
    const base = { scenario: 'mongodb', size };
    windows.forEach((window, i) => {
      for (const p of [50, 99]) {
        env.report.add({ ...base, name: `TAXII 2.0 Range page (1,000 items) p${p} at the ${window.name}`, unit: 'ms', http: spread(results.map((round) => percentile(round[i]!.latencies, p))) });
      }
    });
    const ratio: Figure = { ...base, name: 'TAXII 2.0 Range page p99 at the end / at the start', unit: 'ratio', http: spread(results.map((round) => percentile(round[2]!.latencies, 99) / percentile(round[0]!.latencies, 99))) };
    if (total >= 1_000_000) ratio.target = { text: '≤ 1.5', met: ratio.http!.median <= 1.5 };
    env.report.add(ratio);
    addErrors(env, size, 'TAXII 2.0 Range', results.flat());
  } finally {
    client.close();
  }
}

/** The count a TAXII 2.0 page makes (last versions, latest spec version), timed through the store beside the running server. */
async function countCost(env: BenchEnv, size: SizeName, uri: string, database: string, bounds: string[]): Promise<void> {
  const store = await openStoreAt({ backend: 'mongodb', uri, database });
  try {
    const whole: RecordQuery = { collectionId: MAIN, versions: { all: false, first: false, last: true, at: [] }, specVersions: 'latest', withBody: false };
    const middle = bounds[Math.floor(bounds.length / 2)];
    const queries: Array<[string, RecordQuery]> = [['the whole collection', whole]];
    if (middle !== undefined) queries.push(['from the middle', { ...whole, after: micros(middle) }]);
    for (const [name, query] of queries) {
      const times: number[] = [];
      let counted = 0;
      for (let i = 0; i < COUNT_CALLS; i++) {
        const started = process.hrtime.bigint();
        counted = await store.countRecords(query);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      log(`  count ${name}: ${counted.toLocaleString('en-US')} objects, median ${spread(times).median.toFixed(1)} ms`);
      env.report.add({ scenario: 'mongodb', size, name: `TAXII 2.0 count (last versions), ${name}, in-process`, unit: 'ms', http: spread(times), note: `${counted.toLocaleString('en-US')} objects; ${COUNT_CALLS} calls` });
    }
  } finally {
    await store.close();
  }
}

function addErrors(env: BenchEnv, size: SizeName, what: string, results: Array<{ errors: number; problems: string[] }>): void {
  const errors = results.reduce((s, r) => s + r.errors, 0);
  const problems = results.flatMap((r) => r.problems);
  env.report.add({
    scenario: 'mongodb',
    size,
    name: `${what}: errors`,
    unit: 'count',
    text: String(errors),
    target: { text: '0', met: errors === 0 },
    ...(problems.length > 0 ? { note: problems.slice(0, 3).join('; ') } : {}),
  });
}

if (require.main === module) {
  const skipped = mongodbSkipReason();
  if (skipped !== undefined) {
    console.log(`Accord benchmark: MongoDB skipped, ${skipped}`);
    process.exit(0);
  }
  runAsScript('Accord benchmark: MongoDB', { sizes: ['1m'] }, async (env) => {
    for (const size of env.options.sizes) await mongodbScenario(env, size);
  });
}
