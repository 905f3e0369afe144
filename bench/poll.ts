/**
 * Scenario "poll" (issue 8): 64 concurrent consumers page through the prefilled
 * collection with `limit=1000` and `next`, resuming every 5 pages with
 * `added_after` = X-TAXII-Date-Added-Last, in three phases: a window of up to
 * 50,000 objects at the start, in the middle and at the end of the collection
 * (each consumer starts at its own page of the window and wraps around). Figures:
 * objects/s served, page p50/p99 per phase, errors with a 10 s client timeout.
 * The twin runs the same consumers in-process.
 *
 *   node dist/bench/poll.js [--size 10k|100k|1m|10m] [--reps 3] [--phase-seconds 5]
 */

import { consume, httpReader, PollStats, twinReader, type PageReader, type Session } from './consumers';
import { cpuMeter, log, MAIN, PAGE, ROOT, runAsScript, runWorkers, type BenchEnv, type SizeName } from './harness';
import { afterPosition, ensurePrefill, type Prefill } from './prefill';
import { percentile, spread, type Figure } from './report';
import { addRss } from './memory';
import { Twin } from './twin';

export const CONSUMERS = 64;
const WINDOW_PAGES = 50;
const RESUME_EVERY = 5;

export interface Phase {
  name: string;
  firstPage: number;
  pages: number;
}

export interface PhaseResult {
  /** Share of a core used by the server and the bench process (HTTP only). */
  cpu?: { server: number; bench: number };
  rate: number;
  objects: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
  problems: string[];
  /** First page over a new connection, opened once a second during the phase. */
  probe?: { latencies: number[]; errors: number; problems: string[] };
}

/** Once a second until the deadline: a new client reads one page over a fresh connection. */
async function probeLoop(deadline: bigint, once: () => Promise<number>, stats: PollStats): Promise<void> {
  while (process.hrtime.bigint() < deadline - 1_000_000_000n) {
    await new Promise((done) => setTimeout(done, 1000));
    try {
      stats.latencies.push(await once());
    } catch (error) {
      stats.error((error as Error).message);
    }
  }
}

const pct = (share: number | undefined) => (share === undefined || !Number.isFinite(share) ? '-' : `${Math.round(share * 100)}%`);

/** A window of up to 50 pages at the start, in the middle and at the end of the main collection. */
export function phasesOf(prefill: Pick<Prefill, 'objects'>): Phase[] {
  const total = Math.floor(prefill.objects / PAGE);
  const pages = Math.min(total, WINDOW_PAGES);
  return [
    { name: 'start', firstPage: 0, pages },
    { name: 'middle', firstPage: Math.floor((total - pages) / 2), pages },
    { name: 'end', firstPage: total - pages, pages },
  ];
}

/** `CONSUMERS` consumers round and round one phase's window for `seconds`. */
export async function runPhase(
  prefill: Pick<Prefill, 'bounds'>,
  phase: Phase,
  seconds: number,
  reader: (consumer: number) => PageReader,
  probe?: (query: string) => Promise<number>,
): Promise<PhaseResult> {
  const stats = new PollStats();
  const probeStats = new PollStats();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  const after = afterPosition(prefill, phase.firstPage * PAGE);
  const probing = probe ? probeLoop(deadline, () => probe(`limit=${PAGE}${after ? `&added_after=${after}` : ''}`), probeStats) : Promise.resolve();
  await runWorkers(CONSUMERS, async (c) => {
    // Staggered starts, then round and round the window.
    let next: Session = { page: phase.firstPage + Math.floor((c * phase.pages) / CONSUMERS), pages: 0 };
    next.pages = phase.firstPage + phase.pages - next.page;
    await consume({
      read: reader(c),
      afterPage: (page) => afterPosition(prefill, page * PAGE),
      nextSession: () => {
        const session = next;
        next = { page: phase.firstPage, pages: phase.pages };
        return session;
      },
      resumeEvery: RESUME_EVERY,
      deadline,
      stats,
    });
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  await probing;
  const result: PhaseResult = {
    rate: stats.objects / elapsed,
    objects: stats.objects,
    seconds: elapsed,
    p50: percentile(stats.latencies, 50),
    p99: percentile(stats.latencies, 99),
    errors: stats.errors,
    problems: stats.problems,
  };
  if (probe) result.probe = { latencies: probeStats.latencies, errors: probeStats.errors, problems: probeStats.problems };
  return result;
}

export async function pollScenario(env: BenchEnv, size: SizeName): Promise<void> {
  const prefill = await ensurePrefill(env, size);
  const phases = phasesOf(prefill);
  const reps = env.options.reps;
  const seconds = env.options.phaseSeconds;
  const http: PhaseResult[][] = [];
  const twin: PhaseResult[][] = [];

  log(`poll ${size}: ${CONSUMERS} consumers, ${phases.map((p) => `${p.name} pages ${p.firstPage}-${p.firstPage + p.pages - 1}`).join(', ')}; ${seconds} s per phase, ${reps} repetitions`);
  // Reads only (and audit rows): the prefilled store itself is served.
  const server = await env.startServer(prefill.dataDir, `poll-${size}`);
  let memory;
  try {
    const warm = server.client('consumer', 1);
    for (let i = 0; i < 20; i++) await warm.get(`/${ROOT}/collections/${MAIN}/objects/?limit=${PAGE}`);
    warm.close();
    for (let rep = 1; rep <= reps; rep++) {
      const results: PhaseResult[] = [];
      for (const phase of phases) {
        // A fresh pool per phase: no socket is reused after sitting idle.
        const client = server.client('consumer', CONSUMERS);
        try {
          await client.connect(CONSUMERS);
          const probe = async (query: string) => {
            const fresh = server.client('consumer', 1);
            try {
              const started = process.hrtime.bigint();
              await httpReader(fresh, ROOT, MAIN)(query);
              return Number(process.hrtime.bigint() - started) / 1e6;
            } finally {
              fresh.close();
            }
          };
          const cpu = cpuMeter(server.pid);
          const result = await runPhase(prefill, phase, seconds, () => httpReader(client, ROOT, MAIN), probe);
          result.cpu = cpu();
          results.push(result);
        } finally {
          client.close();
        }
        const r = results[results.length - 1]!;
        log(`  rep ${rep} ${phase.name}: ${Math.round(r.rate).toLocaleString('en-US')} objects/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors}${r.problems.length ? ` (${r.problems[0]})` : ''}; CPU server ${pct(r.cpu?.server)}, bench ${pct(r.cpu?.bench)}`);
      }
      http.push(results);
    }
    memory = server.memory();
  } finally {
    await server.stop();
  }

  if (env.options.twins) {
    const inProcess = await Twin.open(env, prefill.dataDir);
    try {
      for (let i = 0; i < 20; i++) await inProcess.read('objects', ROOT, MAIN, `limit=${PAGE}`);
      for (let rep = 1; rep <= reps; rep++) {
        const results: PhaseResult[] = [];
        for (const phase of phases) results.push(await runPhase(prefill, phase, Math.max(2, seconds / 2), () => twinReader(inProcess, ROOT, MAIN)));
        twin.push(results);
      }
    } finally {
      await inProcess.close();
    }
    log(`  twin: ${phases.map((p, i) => `${p.name} ${Math.round(spread(twin.map((r) => r[i]!.rate)).median).toLocaleString('en-US')}`).join(', ')} objects/s`);
  }

  const base = { scenario: 'poll', size };
  const totalRate = (results: PhaseResult[]) => results.reduce((s, r) => s + r.objects, 0) / results.reduce((s, r) => s + r.seconds, 0);
  const rate: Figure = { ...base, name: `${CONSUMERS} consumers, limit=1000, next + added_after: objects/s served`, unit: 'objects/s', http: spread(http.map(totalRate)) };
  if (twin.length > 0) rate.twin = spread(twin.map(totalRate));
  rate.target = { text: '≥ 150,000 objects/s', met: rate.http!.median >= 150_000 };
  const cpus = http.flat();
  rate.note = `CPU (share of one core, median of phases): server ${pct(spread(cpus.map((r) => r.cpu?.server ?? NaN)).median)}, bench client ${pct(spread(cpus.map((r) => r.cpu?.bench ?? NaN)).median)}`;
  env.report.add(rate);
  phases.forEach((phase, i) => {
    const at = `${phase.name} (objects ${(phase.firstPage * PAGE).toLocaleString('en-US')}–${((phase.firstPage + phase.pages) * PAGE).toLocaleString('en-US')})`;
    for (const [metric, pick] of [
      ['objects/s', (r: PhaseResult) => r.rate],
      ['page p50', (r: PhaseResult) => r.p50],
      ['page p99', (r: PhaseResult) => r.p99],
    ] as const) {
      const figure: Figure = { ...base, name: `${at}: ${metric}`, unit: metric === 'objects/s' ? 'objects/s' : 'ms', http: spread(http.map((r) => pick(r[i]!))) };
      if (twin.length > 0) figure.twin = spread(twin.map((r) => pick(r[i]!)));
      env.report.add(figure);
    }
  });
  const ratio: Figure = { ...base, name: 'page p99 at the end / page p99 at the start', unit: 'ratio', http: spread(http.map((r) => r[2]!.p99 / r[0]!.p99)) };
  if (prefill.objects >= 1_000_000) ratio.target = { text: '≤ 1.5', met: ratio.http!.median <= 1.5 };
  env.report.add(ratio);
  const probes = http.flat().flatMap((r) => r.probe?.latencies ?? []);
  const probeErrors = http.flat().reduce((s, r) => s + (r.probe?.errors ?? 0), 0);
  const probeProblems = http.flat().flatMap((r) => r.probe?.problems ?? []);
  env.report.add({
    ...base,
    name: 'fresh connection under load: first page p50 (max in note)',
    unit: 'ms',
    http: spread(http.map((r) => percentile(r.flatMap((p) => p.probe?.latencies ?? []), 50))),
    note: `${probes.length} probes, max ${Math.max(0, ...probes).toFixed(0)} ms, ${probeErrors} errors${probeProblems.length ? `: ${probeProblems[0]}` : ''}`,
    target: { text: '0 errors (10 s timeout)', met: probeErrors === 0 },
  });
  const errors = http.flat().reduce((s, r) => s + r.errors, 0);
  const problems = http.flat().flatMap((r) => r.problems);
  env.report.add({
    ...base,
    name: 'errors (10 s client timeout)',
    unit: 'count',
    text: String(errors),
    target: { text: '0', met: errors === 0 },
    ...(problems.length > 0 ? { note: problems.slice(0, 3).join('; ') } : {}),
  });
  if (memory) addRss(env, size, 'after poll', memory);
}

if (require.main === module) {
  runAsScript('Accord benchmark: poll', {}, async (env) => {
    for (const size of env.options.sizes) await pollScenario(env, size);
  });
}
