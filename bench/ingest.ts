/**
 * Scenario "ingest" (issue 8): objects/s and request latency of Add Objects.
 *
 * - Growth: one publisher fills the main collection from 0 to the size in
 *   1,000-object envelopes (the prefill); rate of the first and the last tenth
 *   (0→100k and 900k→1M at 1M); read back in strict date_added order.
 * - Matrix: envelopes of 1, 100 and 1,000 objects; 1 publisher and 8 publishers
 *   into one collection (the prefilled one, which holds the size), and 8
 *   publishers into 8 separate new collections of the same store. Each envelope
 *   size works on its own copy of the prefilled store; each repetition posts a
 *   fixed volume, then reads what it posted back (`match[version]=all`):
 *   date_added strictly increasing, each version once.
 * Each part also runs in-process (the twin) on its own copy of the same store.
 *
 *   node dist/bench/ingest.js [--size 10k|100k|1m|10m] [--reps 3]
 */

import { statusProblem, verifyPosted } from './checks';
import { ExpectedVersions } from './expected';
import { envelopeText, type StixObject } from './generator';
import { collectionPath, elapsedSeconds, log, MAIN, PAGE, repCollections, ROOT, runAsScript, runWorkers, SIZES, type BenchEnv, type ServerProcess, type SizeName } from './harness';
import { ensurePrefill, warmUp, type Prefill } from './prefill';
import { percentile, spread, type Figure } from './report';
import { addRss } from './memory';
import { GenerationClock, Twin, twinStatusProblem } from './twin';

interface Layout {
  name: string;
  publishers: number;
  separate: boolean;
}

const LAYOUTS: Layout[] = [
  { name: '1 publisher → main', publishers: 1, separate: false },
  { name: '8 publishers → main', publishers: 8, separate: false },
  { name: '8 publishers → 8 new collections', publishers: 8, separate: true },
];

interface Target {
  root: string;
  collection: string;
}

/** Objects posted per layout and repetition: enough requests for a p99, a few seconds each. */
const VOLUME: Record<number, number> = { 1: 2_000, 100: 20_000, 1000: 24_000 };
const ENVELOPE_SIZES = [1, 100, 1000];

interface Envelope {
  body: Buffer;
  objects: StixObject[];
}

interface BurstResult {
  rate: number;
  p50: number;
  p99: number;
  errors: number;
  problems: string[];
}

export async function ingestScenario(env: BenchEnv, size: SizeName): Promise<void> {
  const prefill = await ensurePrefill(env, size);
  const twinGrowth = env.options.twins && (SIZES[size] <= 1_000_000 || env.options.twinGrowth) ? await growthTwin(env, size) : undefined;
  reportGrowth(env, prefill, twinGrowth);
  for (const [e, envelopeSize] of ENVELOPE_SIZES.entries()) await matrix(env, prefill, e, envelopeSize);
}

function streamFor(e: number, rep: number, layout: number): number {
  return 1 + e * 100 + rep * 10 + layout;
}

/** Pre-generated envelopes of one burst: generation stays out of the timed part. */
function envelopesFor(env: BenchEnv, stream: number, envelopeSize: number): Envelope[] {
  const count = Math.ceil(VOLUME[envelopeSize]! / envelopeSize);
  return Array.from({ length: count }, (_, k) => {
    const objects = [...env.generator.objects(stream, k * envelopeSize, envelopeSize)];
    return { body: Buffer.from(envelopeText(objects)), objects };
  });
}

/** One collection: the prefilled main collection (it holds the size); separate: new, empty ones. */
function targetOf(rep: number, layout: Layout, publisher: number): Target {
  if (!layout.separate) return { root: ROOT, collection: MAIN };
  const c = repCollections(rep);
  return { root: c.root, collection: c.sep[publisher]! };
}

async function matrix(env: BenchEnv, prefill: Prefill, e: number, envelopeSize: number): Promise<void> {
  const reps = env.options.reps;
  const http = new Map<number, BurstResult[]>();
  const twin = new Map<number, BurstResult[]>();
  LAYOUTS.forEach((_, l) => {
    http.set(l, []);
    twin.set(l, []);
  });

  log(`ingest ${prefill.size}: envelopes of ${envelopeSize}, ${reps} repetitions over HTTP`);
  const dataDir = env.copyData(prefill.dataDir, `ingest-${envelopeSize}`);
  const server = await env.startServer(dataDir, `ingest-${envelopeSize}`);
  let memory;
  // Where the main collection ended before each burst: its read-back starts there.
  const main = { last: prefill.lastDateAdded };
  try {
    await warmUp(env, server);
    for (let rep = 1; rep <= reps; rep++) {
      for (const [l, layout] of LAYOUTS.entries()) {
        const envelopes = envelopesFor(env, streamFor(e, rep, l), envelopeSize);
        const result = await httpBurst(server, rep, layout, envelopes, main);
        http.get(l)!.push(result);
        log(`  rep ${rep}, ${layout.name}: ${Math.round(result.rate).toLocaleString('en-US')} objects/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms${result.problems.length ? `; PROBLEMS: ${result.problems.join('; ')}` : ''}`);
      }
    }
    memory = server.memory();
  } finally {
    await server.stop();
    env.removeDir(dataDir);
  }

  if (env.options.twins) {
    const twinDir = env.copyData(prefill.dataDir, `ingest-twin-${envelopeSize}`);
    const inProcess = await Twin.open(env, twinDir);
    try {
      await inProcess.warmUp(env);
      for (let rep = 1; rep <= reps; rep++) {
        for (const [l, layout] of LAYOUTS.entries()) {
          const envelopes = envelopesFor(env, streamFor(e, rep, l), envelopeSize);
          twin.get(l)!.push(await twinBurst(inProcess, rep, layout, envelopes));
        }
      }
    } finally {
      await inProcess.close();
      env.removeDir(twinDir);
    }
    log(`  twin: ${LAYOUTS.map((layout, l) => `${layout.name} ${Math.round(spread(twin.get(l)!.map((r) => r.rate)).median).toLocaleString('en-US')}`).join(', ')} objects/s`);
  }

  for (const [l, layout] of LAYOUTS.entries()) {
    const h = http.get(l)!;
    const t = twin.get(l)!;
    const name = `E=${envelopeSize}, ${layout.name}`;
    const base = { scenario: 'ingest', size: prefill.size };
    const rate: Figure = { ...base, name: `${name}: objects/s`, unit: 'objects/s', http: spread(h.map((r) => r.rate)) };
    if (t.length > 0) rate.twin = spread(t.map((r) => r.rate));
    if (envelopeSize === 1000 && layout.publishers === 1) {
      const ratio = rate.twin ? rate.http!.median / rate.twin.median : NaN;
      rate.target = {
        text: '≥ 10,000 objects/s and ≥ 0.70 × twin',
        met: rate.http!.median >= 10_000 && (rate.twin === undefined || ratio >= 0.7),
      };
    }
    env.report.add(rate);
    const p50: Figure = { ...base, name: `${name}: request p50`, unit: 'ms', http: spread(h.map((r) => r.p50)) };
    const p99: Figure = { ...base, name: `${name}: request p99`, unit: 'ms', http: spread(h.map((r) => r.p99)) };
    if (t.length > 0) {
      p50.twin = spread(t.map((r) => r.p50));
      p99.twin = spread(t.map((r) => r.p99));
    }
    env.report.add(p50);
    env.report.add(p99);
    const problems = h.flatMap((r) => r.problems);
    const errors = h.reduce((sum, r) => sum + r.errors, 0) + t.reduce((sum, r) => sum + r.errors, 0);
    env.report.add({
      ...base,
      name: `${name}: date_added strict, each version once, no errors`,
      unit: 'check',
      text: problems.length === 0 && errors === 0 ? 'ok' : `FAILED (${errors} errors)`,
      target: { text: 'strict order, 0 errors', met: problems.length === 0 && errors === 0 },
      ...(problems.length > 0 ? { note: problems.slice(0, 5).join('; ') } : {}),
    });
  }
  if (memory) addRss(env, prefill.size, `after ingest E=${envelopeSize}`, memory);
}

async function httpBurst(server: ServerProcess, rep: number, layout: Layout, envelopes: Envelope[], main: { last: string }): Promise<BurstResult> {
  const client = server.client('publisher', layout.publishers);
  const expected = new Map<string, { target: Target; versions: ExpectedVersions }>();
  const latencies: number[] = [];
  const problems: string[] = [];
  let errors = 0;
  let next = 0;
  await client.connect(layout.publishers);
  const start = process.hrtime.bigint();
  try {
    await runWorkers(layout.publishers, async (p) => {
      const target = targetOf(rep, layout, p);
      for (let k = next++; k < envelopes.length; k = next++) {
        const envelope = envelopes[k]!;
        try {
          const reply = await client.post(collectionPath(target.root, target.collection), envelope.body);
          latencies.push(reply.ms);
          const problem = statusProblem(reply, envelope.objects.length);
          if (problem !== null) throw new Error(problem);
          let posted = expected.get(target.collection);
          if (!posted) expected.set(target.collection, (posted = { target, versions: new ExpectedVersions() }));
          posted.versions.addAll(envelope.objects);
        } catch (error) {
          errors++;
          if (problems.length < 5) problems.push(`POST envelope ${k} to ${target.collection}: ${(error as Error).message}`);
        }
      }
    });
  } finally {
    client.close();
  }
  const seconds = elapsedSeconds(start);
  const objects = envelopes.reduce((sum, e) => sum + e.objects.length, 0);
  const reader = server.client('consumer', 1, 60_000);
  try {
    for (const [collection, { target, versions }] of expected) {
      const isMain = collection === MAIN;
      const walk = await verifyPosted(reader, target.root, collection, versions, isMain ? main.last : undefined);
      if (isMain && walk.lastDateAdded !== undefined) main.last = walk.lastDateAdded;
      problems.push(...walk.problems.map((p) => `${collection}: ${p}`));
    }
  } finally {
    reader.close();
  }
  return { rate: objects / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, problems };
}

async function twinBurst(twin: Twin, rep: number, layout: Layout, envelopes: Envelope[]): Promise<BurstResult> {
  const latencies: number[] = [];
  const problems: string[] = [];
  let errors = 0;
  let next = 0;
  const start = process.hrtime.bigint();
  await runWorkers(layout.publishers, async (p) => {
    const target = targetOf(rep, layout, p);
    for (let k = next++; k < envelopes.length; k = next++) {
      const envelope = envelopes[k]!;
      const began = process.hrtime.bigint();
      try {
        const status = await twin.post(target.root, target.collection, envelope.body);
        latencies.push(Number(process.hrtime.bigint() - began) / 1e6);
        const problem = twinStatusProblem(status, envelope.objects.length);
        if (problem !== null) throw new Error(problem);
      } catch (error) {
        errors++;
        if (problems.length < 5) problems.push(`twin envelope ${k} to ${target.collection}: ${(error as Error).message}`);
      }
    }
  });
  const seconds = elapsedSeconds(start);
  const objects = envelopes.reduce((sum, e) => sum + e.objects.length, 0);
  return { rate: objects / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, problems };
}

interface TwinGrowth {
  rate: number;
  firstRate: number;
  lastRate: number;
  p50: number;
  p99: number;
}

/** The growth run in-process: the same envelopes into a fresh store; generation time is not counted. */
async function growthTwin(env: BenchEnv, size: SizeName): Promise<TwinGrowth> {
  const objects = SIZES[size];
  log(`ingest ${size}: growth twin (in-process, ${objects.toLocaleString('en-US')} objects)`);
  const dir = env.tempDir(`growth-twin-${size}`);
  const twin = await Twin.open(env, dir);
  const gen = new GenerationClock();
  const envelopes = Math.ceil(objects / PAGE);
  const tenth = Math.max(1, Math.floor(envelopes / 10));
  const latencies: number[] = [];
  let firstEnd = 0;
  let lastStart = 0;
  try {
    await twin.warmUp(env);
    const start = process.hrtime.bigint();
    const worked = () => elapsedSeconds(start) - gen.seconds;
    for (let k = 0; k < envelopes; k++) {
      const count = Math.min(PAGE, objects - k * PAGE);
      const body = gen.time(() => Buffer.from(env.generator.envelope(0, k * PAGE, count)));
      const began = process.hrtime.bigint();
      const status = await twin.post(ROOT, MAIN, body);
      latencies.push(Number(process.hrtime.bigint() - began) / 1e6);
      const problem = twinStatusProblem(status, count);
      if (problem !== null) throw new Error(`growth twin envelope ${k} refused: ${problem}`);
      if (k + 1 === tenth) firstEnd = worked();
      if (k + 1 === envelopes - tenth) lastStart = worked();
    }
    const seconds = worked();
    const result = {
      rate: objects / seconds,
      firstRate: (tenth * PAGE) / firstEnd,
      lastRate: (objects - (envelopes - tenth) * PAGE) / (seconds - lastStart),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
    log(`  twin: ${Math.round(result.rate).toLocaleString('en-US')} objects/s; first tenth ${Math.round(result.firstRate).toLocaleString('en-US')}, last tenth ${Math.round(result.lastRate).toLocaleString('en-US')}`);
    return result;
  } finally {
    await twin.close();
    env.removeDir(dir);
  }
}

const reported = new Set<string>();

/** Growth and store-size figures of a prefill (once per size and run). */
export function reportGrowth(env: BenchEnv, prefill: Prefill, twin?: TwinGrowth): void {
  if (reported.has(prefill.size)) return;
  reported.add(prefill.size);
  const size = prefill.size;
  const objects = prefill.objects;
  const tenth = (objects / 10).toLocaleString('en-US');
  const g = prefill.growth;
  const base = { scenario: 'ingest', size };
  const from = prefill.reused ? ` (kept prefill built ${prefill.builtAt})` : '';
  const with1 = (figure: Figure, value: number | undefined): Figure => (value === undefined ? figure : { ...figure, twin: spread([value]) });
  env.report.add(with1({ ...base, name: `growth 0→${objects.toLocaleString('en-US')}, E=1000, 1 publisher: objects/s`, unit: 'objects/s', http: spread(g.map((r) => r.rate)), note: `whole prefill${from}` }, twin?.rate));
  env.report.add(with1({ ...base, name: `growth: first ${tenth} objects/s`, unit: 'objects/s', http: spread(g.map((r) => r.firstRate)) }, twin?.firstRate));
  env.report.add(with1({ ...base, name: `growth: last ${tenth} objects/s`, unit: 'objects/s', http: spread(g.map((r) => r.lastRate)) }, twin?.lastRate));
  const ratio: Figure = with1(
    { ...base, name: 'growth: last tenth / first tenth', unit: 'ratio', http: spread(g.map((r) => r.lastRate / r.firstRate)) },
    twin ? twin.lastRate / twin.firstRate : undefined,
  );
  if (objects >= 1_000_000) ratio.target = { text: '≥ 0.60', met: ratio.http!.median >= 0.6 };
  env.report.add(ratio);
  env.report.add(with1({ ...base, name: 'growth: envelope p50', unit: 'ms', http: spread(g.map((r) => r.p50)) }, twin?.p50));
  env.report.add(with1({ ...base, name: 'growth: envelope p99', unit: 'ms', http: spread(g.map((r) => r.p99)) }, twin?.p99));
  env.report.add({
    ...base,
    name: 'growth: read back (match[version]=all): strict date_added, exact sequence',
    unit: 'check',
    text: prefill.verifyProblems.length === 0 ? 'ok' : 'FAILED',
    target: { text: 'strict order', met: prefill.verifyProblems.length === 0 },
    note: prefill.verifyProblems.length === 0 ? `manifest read in ${prefill.verifySeconds.toFixed(1)} s` : prefill.verifyProblems.slice(0, 5).join('; '),
  });
}

if (require.main === module) {
  runAsScript('Accord benchmark: ingest', {}, async (env) => {
    for (const size of env.options.sizes) await ingestScenario(env, size);
  });
}
