/**
 * Scenario "large POST" (issue 14, scope 2): how long other clients wait while one
 * publisher's large body is read, scanned, judged and stored.
 *
 * Per repetition, on one server (max_content_length 100 MiB), each into a new, empty collection:
 * - the ingest alone: a 45 MB envelope of 150,000 valid indicators, its time and objects/s;
 * - the same under watch: pollers (Get Objects limit 100 on the warm-up collection, and
 *   /_health, in turn, each with a pause between requests) run before and during another
 *   such envelope; their latency p50/p99/max during the ingest, against before it.
 * Then hostile bodies under the same watch, once per repetition: 80 MB of nested lists
 * inside one object, and one object holding an 80 MB string: time to the answer, the
 * answer, others' p99/max. A server that dies of one is replaced by a fresh one.
 *
 * With `--baseline DIR` (another checkout, built), its server runs beside this build's and
 * every step alternates between the two, so that a shared machine's load falls on both.
 *
 *   node dist/bench/large-post.js [--reps 3] [--baseline /tmp/ingest-base]
 */

import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { envelopeText, type StixObject } from './generator';
import { collectionPath, log, MAIN, processCpuSeconds, PROJECT_ROOT, repCollections, ROOT, runAsScript, sleep, WARM, type BenchEnv, type ServerProcess } from './harness';
import type { Reply } from './http-client';
import { warmUp } from './prefill';
import { percentile, spread, type Figure } from './report';

const OBJECTS = 150_000;
const POLLERS = 4;
/** Each poller's pause between two requests: the watch, not a load of its own. */
const THINK_MS = 20;
/** The pollers' baseline before each watched body. */
const BEFORE_MS = 2_000;
const HOSTILE_BYTES = 80_000_000;
const MAX_CONTENT_LENGTH = 100 * 1024 * 1024;
const P99_TARGET_MS = 250;
/** An indicator of about 300 bytes: what a feed of bare indicators looks like. */
const LEAN_KEYS = ['type', 'spec_version', 'id', 'created', 'modified', 'pattern', 'pattern_type', 'valid_from'];

interface Sample {
  /** When the request was sent, in performance.now() milliseconds. */
  sent: number;
  ms: number;
  ok: boolean;
}

interface Watched {
  /** Undefined when the connection failed (the server died). */
  reply: Reply | undefined;
  ms: number;
  before: Sample[];
  during: Sample[];
}

interface Ingest {
  bytes: number;
  aloneMs: number;
  /** CPU seconds the server used for the ingest alone: less sensitive than time to a shared machine's load. */
  aloneCpu: number;
  watched: Watched;
}

/** One build under test: its checkout and its running server. */
interface Build {
  name: string;
  root: string;
  server: ServerProcess;
  ingests: Ingest[];
  hostile: Map<string, Watched[]>;
}

/** `count` indicators of `stream`, cut to the properties a bare indicator feed carries. */
function leanIndicators(env: BenchEnv, stream: number, count: number): StixObject[] {
  const out: StixObject[] = [];
  for (let serial = 0; out.length < count; serial++) {
    if (serial % 20 >= 8) continue;
    const full = env.generator.objectAt(stream, serial);
    out.push(Object.fromEntries(LEAN_KEYS.map((k) => [k, full[k]])) as StixObject);
  }
  return out;
}

/** One object whose custom property nests about `bytes / 2` lists. */
function nestedBody(bytes: number): Buffer {
  const head = Buffer.from('{"objects":[{"type":"x-deep","spec_version":"2.1","id":"x-deep--6f1c1bde-3e3b-4c2a-9d5e-0c7b2f0a1d11","x_lists":');
  const tail = Buffer.from('}]}');
  const depth = Math.floor((bytes - head.length - tail.length) / 2);
  return Buffer.concat([head, Buffer.alloc(depth, '['), Buffer.alloc(depth, ']'), tail]);
}

/** One indicator whose description is a string of about `bytes`. */
function longStringBody(env: BenchEnv, bytes: number): Buffer {
  const [indicator] = leanIndicators(env, 900, 1);
  const text = JSON.stringify({ objects: [{ ...indicator, description: '' }] });
  const at = text.indexOf('"description":""') + '"description":"'.length;
  return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.alloc(bytes - text.length, 'a'), Buffer.from(text.slice(at))]);
}

/** Pollers that watch the server: each sends a request, waits for it, pauses, and again. */
class Watch {
  readonly samples: Sample[] = [];
  private running = true;
  private readonly done: Promise<void[]>;

  constructor(server: ServerProcess) {
    const page = `${collectionPath(ROOT, WARM)}?limit=100`;
    this.done = Promise.all(
      Array.from({ length: POLLERS }, async (_, p) => {
        const client = server.client('consumer', 1, 300_000);
        try {
          for (let k = p; this.running; k++) {
            const sent = performance.now();
            try {
              const reply = await client.get(k % 2 === 0 ? page : '/_health');
              this.samples.push({ sent, ms: reply.ms, ok: reply.status === 200 });
            } catch {
              // A reset (the server timed the request out, or died) counts as a failed request.
              this.samples.push({ sent, ms: performance.now() - sent, ok: false });
            }
            await sleep(THINK_MS);
          }
        } finally {
          client.close();
        }
      }),
    );
  }

  between(from: number, to: number): Sample[] {
    return this.samples.filter((s) => s.sent >= from && s.sent < to);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

/** Where a body goes: the main collection, or a new, empty one. */
interface Target {
  root: string;
  collection: string;
}

const MAIN_TARGET: Target = { root: ROOT, collection: MAIN };

async function post(server: ServerProcess, body: Buffer, target: Target): Promise<{ reply: Reply; ms: number }> {
  const client = server.client('publisher', 1, 600_000);
  try {
    const started = performance.now();
    const reply = await client.post(collectionPath(target.root, target.collection), body);
    return { reply, ms: performance.now() - started };
  } finally {
    client.close();
  }
}

/** Posts `body` while the pollers watch; their samples before and during it. */
async function watched(server: ServerProcess, body: Buffer, target: Target): Promise<Watched> {
  const watch = new Watch(server);
  await sleep(BEFORE_MS);
  const started = performance.now();
  let answer: { reply: Reply | undefined; ms: number };
  try {
    answer = await post(server, body, target);
  } catch {
    answer = { reply: undefined, ms: performance.now() - started };
  }
  await watch.stop();
  return { ...answer, before: watch.between(started - BEFORE_MS + 500, started), during: watch.between(started, started + answer.ms) };
}

function statusOf(reply: Reply): { status?: string; success_count?: number; failure_count?: number; failures?: Array<{ message?: string }> } | undefined {
  try {
    return JSON.parse(reply.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Why a 45 MB ingest's answer is not 150,000 successes, or null. */
function ingestProblem(reply: Reply | undefined): string | null {
  if (reply === undefined) return 'no answer';
  const status = statusOf(reply);
  if (reply.status === 202 && status?.status === 'complete' && status.success_count === OBJECTS && status.failure_count === 0) return null;
  return `HTTP ${reply.status}: ${reply.body.subarray(0, 300).toString('utf8')}`;
}

/** A hostile body's answer in a few words: the status code and the first failure's rule. */
function answerOf(reply: Reply | undefined): string {
  if (reply === undefined) return 'no answer: the server died';
  if (reply.status !== 202) return `${reply.status} ${reply.body.subarray(0, 100).toString('utf8')}`;
  const status = statusOf(reply);
  const rule = /\[([a-z-]+)\]/.exec(status?.failures?.[0]?.message ?? '')?.[1] ?? 'none';
  return `202, ${status?.failure_count ?? '?'} failure (${rule})`;
}

const latencies = (samples: Sample[]) => samples.map((s) => s.ms);
const worst = (samples: Sample[]) => Math.max(0, ...latencies(samples));

/** Each 45 MB envelope goes into a new, empty collection of the repetition: every repetition starts alike. */
async function ingest(env: BenchEnv, build: Build, rep: number, stream: number): Promise<void> {
  const { root, sep } = repCollections(rep);
  const alone = Buffer.from(envelopeText(leanIndicators(env, stream, OBJECTS)));
  const cpuBefore = processCpuSeconds(build.server.pid);
  const first = await post(build.server, alone, { root, collection: sep[0]! });
  const aloneCpu = processCpuSeconds(build.server.pid) - cpuBefore;
  const problem = ingestProblem(first.reply);
  if (problem !== null) throw new Error(`${build.name}: the 45 MB envelope alone was not stored whole: ${problem}`);
  const second = await watched(build.server, Buffer.from(envelopeText(leanIndicators(env, stream + 1, OBJECTS))), { root, collection: sep[1]! });
  const watchedProblem = ingestProblem(second.reply);
  if (watchedProblem !== null) throw new Error(`${build.name}: the watched 45 MB envelope was not stored whole: ${watchedProblem}`);
  build.ingests.push({ bytes: alone.length, aloneMs: first.ms, aloneCpu, watched: second });
  const others = latencies(second.during);
  log(
    `  ${build.name}: alone ${(first.ms / 1000).toFixed(2)} s (${Math.round(OBJECTS / (first.ms / 1000)).toLocaleString('en-US')} objects/s, server CPU ${aloneCpu.toFixed(1)} s); watched ${(second.ms / 1000).toFixed(2)} s, others (${others.length}, ${second.during.filter((s) => !s.ok).length} failed) p50 ${percentile(others, 50).toFixed(1)} ms, p99 ${percentile(others, 99).toFixed(1)} ms, max ${worst(second.during).toFixed(0)} ms`,
  );
}

async function hostile(build: Build, name: string, body: Buffer, start: (build: Build) => Promise<ServerProcess>): Promise<void> {
  const run = await watched(build.server, body, MAIN_TARGET);
  if (!build.hostile.has(name)) build.hostile.set(name, []);
  build.hostile.get(name)!.push(run);
  log(`  ${build.name}, ${name}: ${answerOf(run.reply)} after ${(run.ms / 1000).toFixed(2)} s; others (${run.during.length}) p99 ${percentile(latencies(run.during), 99).toFixed(1)} ms, max ${worst(run.during).toFixed(0)} ms`);
  if (run.reply === undefined) {
    await build.server.stop();
    build.server = await start(build);
  }
}

function report(env: BenchEnv, build: Build, baseline: Build | undefined): void {
  const add = (name: string, unit: string, runs: number[], extra: Partial<Figure> = {}) =>
    env.report.add({ scenario: 'large-post', size: build.name, name, unit, http: spread(runs), ...extra });
  const rate = (b: Build) => b.ingests.map((i) => OBJECTS / (i.aloneMs / 1000));
  add(`ingest alone, ${(build.ingests[0]!.bytes / 1e6).toFixed(0)} MB envelope of ${OBJECTS.toLocaleString('en-US')}`, 's', build.ingests.map((i) => i.aloneMs / 1000));
  const isCompared = baseline !== undefined && build !== baseline;
  const ratio = isCompared ? spread(rate(build)).median / spread(rate(baseline)).median : undefined;
  add('ingest alone, objects/s', 'objects/s', rate(build), ratio === undefined ? {} : { note: `${ratio.toFixed(2)} × the baseline's`, target: { text: '≥ 0.90 × the baseline', met: ratio >= 0.9 } });
  add('ingest alone, server CPU', 's', build.ingests.map((i) => i.aloneCpu));
  add('ingest watched, objects/s', 'objects/s', build.ingests.map((i) => OBJECTS / (i.watched.ms / 1000)));
  add('others before the ingest, p99', 'ms', build.ingests.map((i) => percentile(latencies(i.watched.before), 99)));
  add('others during the ingest, p50', 'ms', build.ingests.map((i) => percentile(latencies(i.watched.during), 50)));
  const p99 = build.ingests.map((i) => percentile(latencies(i.watched.during), 99));
  add('others during the ingest, p99', 'ms', p99, build === baseline ? {} : { target: { text: `< ${P99_TARGET_MS} ms`, met: Math.max(...p99) < P99_TARGET_MS } });
  add('others during the ingest, max', 'ms', build.ingests.map((i) => worst(i.watched.during)));
  add('others during the ingest, failed requests', 'requests', build.ingests.map((i) => i.watched.during.filter((s) => !s.ok).length));
  for (const [name, runs] of build.hostile) {
    add(`${name}: time to the answer`, 's', runs.map((r) => r.ms / 1000), { note: answerOf(runs[0]!.reply) });
    add(`${name}: others' p99`, 'ms', runs.map((r) => percentile(latencies(r.during), 99)));
    add(`${name}: others' max`, 'ms', runs.map((r) => worst(r.during)));
  }
}

/** `--baseline DIR` is this scenario's own option; the rest go to the shared parser. */
function takeBaseline(): string | undefined {
  const at = process.argv.indexOf('--baseline');
  if (at < 0) return undefined;
  const dir = process.argv[at + 1];
  if (dir === undefined) throw new Error('--baseline needs a directory (a built checkout)');
  process.argv.splice(at, 2);
  return resolve(dir);
}

const baselineRoot = takeBaseline();

runAsScript('Accord large POST benchmark (issue 14)', {}, async (env) => {
  let started = 0;
  const start = async (build: Pick<Build, 'name' | 'root'>) => {
    const server = await env.startServer(env.tempDir('large-post'), `${build.name}-${++started}`, {
      adjust: (config) => {
        config.taxii = { ...config.taxii, max_content_length: MAX_CONTENT_LENGTH };
      },
      ...(build.root !== undefined ? { root: build.root } : {}),
    });
    await warmUp(env, server);
    return server;
  };
  const builds: Build[] = [];
  try {
    for (const [name, root] of [['this build', PROJECT_ROOT], ...(baselineRoot === undefined ? [] : [['baseline', baselineRoot]])] as const) {
      builds.push({ name, root, server: await start({ name, root }), ingests: [], hostile: new Map() });
    }
    const bodies = new Map([
      ['80 MB of nested lists', nestedBody(HOSTILE_BYTES)],
      ['an 80 MB string', longStringBody(env, HOSTILE_BYTES)],
    ]);
    for (let rep = 1; rep <= env.options.reps; rep++) {
      log(`rep ${rep}`);
      // Alternate which build goes first, so that a drift in the machine's load falls on both.
      const order = rep % 2 === 1 ? builds : [...builds].reverse();
      for (const build of order) await ingest(env, build, rep, 10 * rep + 2 * builds.indexOf(build));
      for (const [name, body] of bodies) for (const build of order) await hostile(build, name, body, start);
    }
    for (const build of builds) env.report.note(`${build.name}: server RSS peak ${build.server.memory().peakMiB.toFixed(0)} MiB`);
    for (const build of builds) report(env, build, builds[1]);
    env.report.note(`${POLLERS} pollers, ${THINK_MS} ms between requests; the baseline's figures carry no target`);
  } finally {
    for (const build of builds) await build.server.stop();
  }
});
