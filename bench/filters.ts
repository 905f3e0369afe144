/**
 * Scenario "filters" (issue 8): latency of filtered reads on the prefilled
 * collection, one client, requests in sequence: `match[type]`, `match[id]` with
 * 1 and with 100 ids, `match[version]=all`, manifest pages, a versions page, one
 * object, and a plain page at the end of the collection. Each answer's item count
 * is checked. The twin runs the same reads in-process.
 *
 *   node dist/bench/filters.js [--size 10k|100k|1m|10m] [--reps 3]
 */

import { BLOCK, type StixGenerator } from './generator';
import { collectionPath, log, MAIN, PAGE, ROOT, runAsScript, type BenchEnv, type SizeName } from './harness';
import { afterPosition, ensurePrefill, PREFILL_STREAM, type Prefill } from './prefill';
import { percentile, spread, type Figure } from './report';
import { addRss } from './memory';
import { Twin, type ReadKind } from './twin';

const REQUESTS = 20;

interface FilterQuery {
  name: string;
  kind: ReadKind;
  query: string;
  objectId?: string;
  /** Items the answer must hold. */
  expect: number;
}

/** An indicator with three versions near the middle: first indicator of an even block. */
function threeVersionIndicator(generator: StixGenerator, objects: number): string {
  const blocks = Math.floor(objects / BLOCK);
  const block = Math.max(0, 2 * Math.floor(blocks / 4));
  return generator.objectAt(PREFILL_STREAM, block * BLOCK).id;
}

function queriesFor(env: BenchEnv, prefill: Prefill): FilterQuery[] {
  const n = prefill.objects;
  const middle = afterPosition(prefill, Math.floor(n / 2 / PAGE) * PAGE);
  const end = afterPosition(prefill, n - PAGE);
  const at = (after: string | undefined) => (after ? `&added_after=${after}` : '');
  const id = threeVersionIndicator(env.generator, n);
  // 100 distinct indicators spread over the collection (slots 0-7 of their blocks).
  const ids = Array.from({ length: 100 }, (_, i) => env.generator.objectAt(PREFILL_STREAM, Math.floor((i * n) / 100 / BLOCK) * BLOCK + (i % 8)).id);
  const identitiesAfterMiddle = Math.min(PAGE, Math.ceil((n - Math.floor(n / 2 / PAGE) * PAGE) / BLOCK));
  return [
    { name: 'match[type]=malware, first page', kind: 'objects', query: `match[type]=malware&limit=${PAGE}`, expect: Math.min(PAGE, 2 * Math.floor(n / BLOCK)) },
    { name: 'match[type]=identity, from the middle', kind: 'objects', query: `match[type]=identity&limit=${PAGE}${at(middle)}`, expect: identitiesAfterMiddle },
    { name: 'match[id], 1 id (latest version)', kind: 'objects', query: `match[id]=${id}`, expect: 1 },
    { name: 'match[id], 100 ids', kind: 'objects', query: `match[id]=${ids.join(',')}&limit=${PAGE}`, expect: 100 },
    { name: 'match[version]=all, first page', kind: 'objects', query: `match[version]=all&limit=${PAGE}`, expect: PAGE },
    { name: 'match[version]=all, from the middle', kind: 'objects', query: `match[version]=all&limit=${PAGE}${at(middle)}`, expect: PAGE },
    { name: 'manifest page, start', kind: 'manifest', query: `limit=${PAGE}`, expect: PAGE },
    { name: 'manifest page, from the middle', kind: 'manifest', query: `limit=${PAGE}${at(middle)}`, expect: PAGE },
    { name: 'versions page of one object', kind: 'versions', query: '', objectId: id, expect: 3 },
    { name: 'one object', kind: 'object', query: '', objectId: id, expect: 1 },
    // The default match[version]=last drops the 2 objects per block revised within the block.
    { name: 'objects page at the end (last 1,000)', kind: 'objects', query: `limit=${PAGE}${at(end)}`, expect: PAGE - (2 * PAGE) / BLOCK },
  ];
}

function pathOf(q: FilterQuery): string {
  const tail =
    q.kind === 'manifest' ? 'manifest/' : q.kind === 'objects' ? 'objects/' : q.kind === 'object' ? `objects/${q.objectId}/` : `objects/${q.objectId}/versions/`;
  return `${collectionPath(ROOT, MAIN, tail)}${q.query ? `?${q.query}` : ''}`;
}

interface QueryRun {
  p50: number;
  p99: number;
  problems: string[];
}

async function measure(count: number, once: () => Promise<{ ms: number; items: number }>, expect: number): Promise<QueryRun> {
  const latencies: number[] = [];
  const problems: string[] = [];
  for (let i = 0; i < count; i++) {
    try {
      const { ms, items } = await once();
      latencies.push(ms);
      if (items !== expect && problems.length < 3) problems.push(`${items} items, expected ${expect}`);
    } catch (error) {
      if (problems.length < 3) problems.push((error as Error).message);
    }
  }
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), problems };
}

export async function filtersScenario(env: BenchEnv, size: SizeName): Promise<void> {
  const prefill = await ensurePrefill(env, size);
  const queries = queriesFor(env, prefill);
  const reps = env.options.reps;
  const http = queries.map((): QueryRun[] => []);
  const twin = queries.map((): QueryRun[] => []);

  log(`filters ${size}: ${queries.length} queries × ${REQUESTS} requests × ${reps} repetitions`);
  const server = await env.startServer(prefill.dataDir, `filters-${size}`);
  let memory;
  try {
    const client = server.client('consumer', 1);
    const once = (q: FilterQuery) => async () => {
      const reply = await client.get(pathOf(q));
      if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${reply.body.subarray(0, 200).toString('utf8')}`);
      const parsed = JSON.parse(reply.body.toString('utf8')) as { objects?: unknown[]; versions?: unknown[] };
      return { ms: reply.ms, items: (parsed.objects ?? parsed.versions ?? []).length };
    };
    try {
      for (const q of queries) await measure(2, once(q), q.expect);
      for (let rep = 0; rep < reps; rep++) for (const [i, q] of queries.entries()) http[i]!.push(await measure(REQUESTS, once(q), q.expect));
    } finally {
      client.close();
    }
    memory = server.memory();
  } finally {
    await server.stop();
  }
  if (env.options.twins) {
    const inProcess = await Twin.open(env, prefill.dataDir);
    try {
      const once = (q: FilterQuery) => async () => {
        const started = process.hrtime.bigint();
        const listing = await inProcess.read(q.kind, ROOT, MAIN, q.query, q.objectId);
        return { ms: Number(process.hrtime.bigint() - started) / 1e6, items: listing.count };
      };
      for (const q of queries) await measure(2, once(q), q.expect);
      for (let rep = 0; rep < reps; rep++) for (const [i, q] of queries.entries()) twin[i]!.push(await measure(REQUESTS, once(q), q.expect));
    } finally {
      await inProcess.close();
    }
  }

  for (const [i, q] of queries.entries()) {
    const h = http[i]!;
    const t = twin[i]!;
    const problems = [...h, ...t].flatMap((r) => r.problems);
    for (const metric of ['p50', 'p99'] as const) {
      const figure: Figure = { scenario: 'filters', size, name: `${q.name}: ${metric}`, unit: 'ms', http: spread(h.map((r) => r[metric])) };
      if (t.length > 0) figure.twin = spread(t.map((r) => r[metric]));
      if (problems.length > 0) {
        figure.note = `WRONG ANSWERS: ${problems.slice(0, 2).join('; ')}`;
        figure.target = { text: 'expected item count', met: false };
      }
      env.report.add(figure);
    }
    log(`  ${q.name}: p50 ${spread(h.map((r) => r.p50)).median.toFixed(1)} ms${t.length ? ` (twin ${spread(t.map((r) => r.p50)).median.toFixed(1)} ms)` : ''}${problems.length ? `; PROBLEMS: ${problems[0]}` : ''}`);
  }
  if (memory) addRss(env, size, 'after filters', memory);
}

if (require.main === module) {
  runAsScript('Accord benchmark: filters', {}, async (env) => {
    for (const size of env.options.sizes) await filtersScenario(env, size);
  });
}
