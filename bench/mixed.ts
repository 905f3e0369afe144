/**
 * Scenario "mixed" (issue 8): 8 publishers (1,000-object envelopes) and 64
 * consumers at once on the prefilled collection, for 60 s (--seconds), after a
 * phase of the 8 publishers alone (a quarter of that). Each phase is cut into 3
 * equal windows: the median and spread are over the windows. Figures: ingest and
 * serve rates, latencies, errors (must be 0, 10 s client timeout), and the ingest
 * rate under mixed load as a ratio of ingest alone (target ≥ 0.5). Afterwards
 * every posted version is read back once, in strict date_added order. The twin
 * runs the same publishers and consumers in-process (a third of the time).
 *
 *   node dist/bench/mixed.js [--size 10k|100k|1m|10m] [--seconds 60]
 */

import { statusProblem, verifyPosted } from './checks';
import { consume, httpReader, PollStats, twinReader, type PageReader } from './consumers';
import { ExpectedVersions } from './expected';
import { mulberry32 } from './generator';
import { collectionPath, cpuMeter, log, MAIN, PAGE, ROOT, runAsScript, runWorkers, type BenchEnv, type SizeName } from './harness';
import { afterPosition, ensurePrefill, warmUp, type Prefill } from './prefill';
import { percentile, spread, type Figure } from './report';
import { addRss } from './memory';
import { Twin, twinStatusProblem } from './twin';

const PUBLISHERS = 8;
const CONSUMERS = 64;
const WINDOWS = 3;
const SESSION_PAGES = 10;
const RESUME_EVERY = 5;
const FIRST_STREAM = 500;

/** Posts one envelope; resolves with the request latency, throws on any failure. */
type Poster = (body: Buffer, count: number) => Promise<number>;

/** Per-window counters of one phase. */
class Windows {
  readonly ingested = new Array<number>(WINDOWS).fill(0);
  readonly served = new Array<number>(WINDOWS).fill(0);
  /** Seconds of test-data generation on the bench thread (subtracted for the twin). */
  readonly generation = new Array<number>(WINDOWS).fill(0);
  readonly start = process.hrtime.bigint();

  constructor(readonly seconds: number) {}

  get deadline(): bigint {
    return this.start + BigInt(Math.round(this.seconds * 1e9));
  }

  /** Counts an amount in the current window; completions after the deadline are not counted. */
  count(counts: number[], amount: number): void {
    if (process.hrtime.bigint() <= this.deadline) counts[this.index()]! += amount;
  }

  index(): number {
    const elapsed = Number(process.hrtime.bigint() - this.start) / 1e9;
    return Math.min(WINDOWS - 1, Math.floor((elapsed / this.seconds) * WINDOWS));
  }

  rates(counts: number[], subtractGeneration: boolean): number[] {
    const each = this.seconds / WINDOWS;
    return counts.map((n, i) => n / (each - (subtractGeneration ? this.generation[i]! : 0)));
  }
}

interface PhaseOutcome {
  windows: Windows;
  publishLatencies: number[];
  pageLatencies: number[];
  publishErrors: number;
  consumerErrors: number;
  problems: string[];
}

class Publishers {
  /** Next serial of each publisher's stream, kept across phases. */
  private readonly serials = new Array<number>(PUBLISHERS).fill(0);
  readonly expected = new ExpectedVersions();

  constructor(private readonly env: BenchEnv) {}

  async run(post: Poster, windows: Windows, outcome: PhaseOutcome, subtractGeneration: boolean): Promise<void> {
    const generate = (p: number) => {
      const start = process.hrtime.bigint();
      const serial = this.serials[p]!;
      this.serials[p] = serial + PAGE;
      const objects = [...this.env.generator.objects(FIRST_STREAM + p, serial, PAGE)];
      const body = Buffer.from(`{"objects":[${objects.map((o) => JSON.stringify(o)).join(',')}]}`);
      if (subtractGeneration) windows.generation[windows.index()]! += Number(process.hrtime.bigint() - start) / 1e9;
      return { objects, body };
    };
    await runWorkers(PUBLISHERS, async (p) => {
      let next = generate(p);
      while (process.hrtime.bigint() < windows.deadline) {
        const envelope = next;
        const pending = post(envelope.body, envelope.objects.length);
        // Generated while the server works (over HTTP, on the other core).
        next = generate(p);
        try {
          outcome.publishLatencies.push(await pending);
          windows.count(windows.ingested, envelope.objects.length);
          this.expected.addAll(envelope.objects);
        } catch (error) {
          outcome.publishErrors++;
          if (outcome.problems.length < 5) outcome.problems.push(`publisher ${p}: ${(error as Error).message}`);
        }
      }
      // The generated but unposted envelope is dropped: its serials are never reused.
    });
  }
}

async function runConsumers(prefill: Prefill, reader: (c: number) => PageReader, windows: Windows, outcome: PhaseOutcome): Promise<void> {
  const stats = new PollStats();
  const pages = Math.floor(prefill.objects / PAGE);
  await runWorkers(CONSUMERS, async (c) => {
    const random = mulberry32(0xc0ffee + c);
    await consume({
      read: reader(c),
      afterPage: (page) => afterPosition(prefill, page * PAGE),
      nextSession: () => ({ page: Math.floor(random() * pages), pages: SESSION_PAGES }),
      resumeEvery: RESUME_EVERY,
      deadline: windows.deadline,
      stats,
      onPage: (count) => {
        windows.count(windows.served, count);
      },
    });
  });
  outcome.pageLatencies.push(...stats.latencies);
  outcome.consumerErrors += stats.errors;
  outcome.problems.push(...stats.problems.slice(0, 5 - Math.min(5, outcome.problems.length)));
}

function newOutcome(seconds: number): PhaseOutcome {
  return { windows: new Windows(seconds), publishLatencies: [], pageLatencies: [], publishErrors: 0, consumerErrors: 0, problems: [] };
}

interface MixedRun {
  alone: PhaseOutcome;
  mixed: PhaseOutcome;
}

export async function mixedScenario(env: BenchEnv, size: SizeName): Promise<void> {
  const prefill = await ensurePrefill(env, size);
  const seconds = env.options.seconds;
  const aloneSeconds = Math.max(6, seconds / 4);
  log(`mixed ${size}: ${PUBLISHERS} publishers alone for ${aloneSeconds} s, then with ${CONSUMERS} consumers for ${seconds} s`);

  const dataDir = env.copyData(prefill.dataDir, `mixed-${size}`);
  const server = await env.startServer(dataDir, `mixed-${size}`);
  const publishers = new Publishers(env);
  let http: MixedRun;
  let memory;
  let verifyProblems: string[] = [];
  let cpuNote = '';
  try {
    await warmUp(env, server);
    const pubClient = server.client('publisher', PUBLISHERS);
    const conClient = server.client('consumer', CONSUMERS);
    try {
      await pubClient.connect(PUBLISHERS);
      const post: Poster = async (body, count) => {
        const reply = await pubClient.post(collectionPath(ROOT, MAIN), body);
        const problem = statusProblem(reply, count);
        if (problem !== null) throw new Error(problem);
        return reply.ms;
      };
      const alone = newOutcome(aloneSeconds);
      await publishers.run(post, alone.windows, alone, false);
      // Connected now, not before: the server closes connections idle for 5 s.
      await conClient.connect(CONSUMERS);
      const mixed = newOutcome(seconds);
      const cpu = cpuMeter(server.pid);
      await Promise.all([publishers.run(post, mixed.windows, mixed, false), runConsumers(prefill, () => httpReader(conClient, ROOT, MAIN), mixed.windows, mixed)]);
      const used = cpu();
      cpuNote = `CPU during the mixed phase (share of one core): server ${Math.round(used.server * 100)}%, bench client ${Math.round(used.bench * 100)}%`;
      log(`  ${cpuNote}`);
      http = { alone, mixed };
    } finally {
      pubClient.close();
      conClient.close();
    }
    memory = server.memory();
    const reader = server.client('consumer', 1, 60_000);
    try {
      const walk = await verifyPosted(reader, ROOT, MAIN, publishers.expected, prefill.lastDateAdded);
      verifyProblems = walk.problems;
      log(`  read back ${walk.count.toLocaleString('en-US')} posted versions in ${walk.seconds.toFixed(1)} s: ${walk.problems.length === 0 ? 'strict order, each once' : walk.problems.join('; ')}`);
    } finally {
      reader.close();
    }
  } finally {
    await server.stop();
    env.removeDir(dataDir);
  }
  logRun('HTTP', http);

  let twin: MixedRun | undefined;
  if (env.options.twins) {
    const twinDir = env.copyData(prefill.dataDir, `mixed-twin-${size}`);
    const inProcess = await Twin.open(env, twinDir);
    try {
      await inProcess.warmUp(env);
      const twinPublishers = new Publishers(env);
      const post: Poster = async (body, count) => {
        const started = process.hrtime.bigint();
        const problem = twinStatusProblem(await inProcess.post(ROOT, MAIN, body), count);
        if (problem !== null) throw new Error(problem);
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      const alone = newOutcome(Math.max(3, aloneSeconds / 2));
      await twinPublishers.run(post, alone.windows, alone, true);
      const mixed = newOutcome(Math.max(6, seconds / 3));
      await Promise.all([twinPublishers.run(post, mixed.windows, mixed, true), runConsumers(prefill, () => twinReader(inProcess, ROOT, MAIN), mixed.windows, mixed)]);
      twin = { alone, mixed };
    } finally {
      await inProcess.close();
      env.removeDir(twinDir);
    }
    logRun('twin', twin);
  }

  report(env, size, http, twin, verifyProblems, memory, cpuNote);
}

function logRun(label: string, run: MixedRun): void {
  const fmt = (values: number[]) => values.map((v) => Math.round(v).toLocaleString('en-US')).join(' / ');
  const sub = label === 'twin';
  log(
    `  ${label}: ingest alone ${fmt(run.alone.windows.rates(run.alone.windows.ingested, sub))}; mixed: ingest ${fmt(run.mixed.windows.rates(run.mixed.windows.ingested, sub))}, served ${fmt(run.mixed.windows.rates(run.mixed.windows.served, sub))} objects/s; errors ${run.mixed.publishErrors + run.mixed.consumerErrors + run.alone.publishErrors}${run.mixed.problems.length ? ` (${run.mixed.problems[0]})` : ''}`,
  );
}

function report(
  env: BenchEnv,
  size: SizeName,
  http: MixedRun,
  twin: MixedRun | undefined,
  verifyProblems: string[],
  memory: { rssMiB: number; peakMiB: number } | undefined,
  cpuNote: string,
): void {
  const base = { scenario: 'mixed', size };
  const rates = (run: MixedRun, phase: 'alone' | 'mixed', what: 'ingested' | 'served', sub: boolean) => run[phase].windows.rates(run[phase].windows[what], sub);
  const add = (name: string, unit: string, h: number[], t: number[] | undefined, extra: Partial<Figure> = {}) => {
    const figure: Figure = { ...base, name, unit, http: spread(h), ...extra };
    if (t) figure.twin = spread(t);
    return env.report.add(figure);
  };
  add(`ingest alone, ${PUBLISHERS} publishers, E=1000: objects/s`, 'objects/s', rates(http, 'alone', 'ingested', false), twin && rates(twin, 'alone', 'ingested', true));
  add(`ingest under mixed load: objects/s`, 'objects/s', rates(http, 'mixed', 'ingested', false), twin && rates(twin, 'mixed', 'ingested', true));
  add(`served under mixed load, ${CONSUMERS} consumers: objects/s`, 'objects/s', rates(http, 'mixed', 'served', false), twin && rates(twin, 'mixed', 'served', true), { note: cpuNote });
  const alone = spread(rates(http, 'alone', 'ingested', false)).median;
  const ratio = rates(http, 'mixed', 'ingested', false).map((r) => r / alone);
  const twinAlone = twin ? spread(rates(twin, 'alone', 'ingested', true)).median : NaN;
  add('ingest under mixed load / ingest alone', 'ratio', ratio, twin && rates(twin, 'mixed', 'ingested', true).map((r) => r / twinAlone), {
    target: { text: '≥ 0.50 (publishers not starved)', met: spread(ratio).median >= 0.5 },
  });
  const percentiles = (run: MixedRun, which: 'publishLatencies' | 'pageLatencies', p: number) => [percentile(run.mixed[which], p)];
  add('publisher request p50 (mixed)', 'ms', percentiles(http, 'publishLatencies', 50), twin && percentiles(twin, 'publishLatencies', 50));
  add('publisher request p99 (mixed)', 'ms', percentiles(http, 'publishLatencies', 99), twin && percentiles(twin, 'publishLatencies', 99));
  add('consumer page p50 (mixed)', 'ms', percentiles(http, 'pageLatencies', 50), twin && percentiles(twin, 'pageLatencies', 50));
  add('consumer page p99 (mixed)', 'ms', percentiles(http, 'pageLatencies', 99), twin && percentiles(twin, 'pageLatencies', 99));
  const errors = http.alone.publishErrors + http.mixed.publishErrors + http.mixed.consumerErrors;
  const problems = [...http.alone.problems, ...http.mixed.problems, ...verifyProblems];
  env.report.add({
    ...base,
    name: 'errors (10 s client timeout); read back: strict date_added, each version once',
    unit: 'count',
    text: `${errors}${verifyProblems.length ? ', read-back FAILED' : ''}`,
    target: { text: '0 errors, strict order', met: errors === 0 && verifyProblems.length === 0 },
    ...(problems.length > 0 ? { note: problems.slice(0, 3).join('; ') } : {}),
  });
  if (memory) addRss(env, size, 'after mixed', memory);
}

if (require.main === module) {
  runAsScript('Accord benchmark: mixed', {}, async (env) => {
    for (const size of env.options.sizes) await mixedScenario(env, size);
  });
}
