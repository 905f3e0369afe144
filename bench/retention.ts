/**
 * Scenario "retention" (issue 13): a retention sweep of the prefilled collection
 * while 64 pollers page it and 8 publishers post to it. The collection is
 * prefilled from a feed in which 30% of the objects are indicators whose
 * valid_until is long past (every other indicator is valid for a century); the
 * partnership's policy, set through the admin API, is `indicator_grace_days: 0`
 * (the warm-up collection is on legal hold). The server sweeps only when asked.
 *
 * First the preview (`GET /admin/retention/preview?limit=10000`); then the load
 * alone for a quarter of --seconds, then the sweep (`POST /admin/retention/sweep`)
 * under the same load, which stops when the sweep answers or after --seconds (a
 * longer sweep finishes with one poller, whose page times show the sweep's
 * pauses; its baseline is taken first, alone). Then the same again with a second sweep, which
 * finds nothing left to remove: the cost every later timed sweep pays. Figures:
 * sweep time and objects/s removed; page and post latency p50/p99/max, the
 * longest gap between two completed requests of one client and the longest time
 * in which no request completed, before vs. during each sweep; errors; server RSS
 * peak. Checks: the preview is what the sweep removed first; exactly the expired
 * objects are gone and every other version (prefilled or posted) is there; the
 * tombstone feed lists each removed object once, reason `retention`. The twin
 * runs RetentionSweep itself, twice, on a copy of the same store, without load.
 *
 *   node dist/bench/retention.js [--size 10k|100k|1m|10m] [--seconds 60]
 */

import { ADMIN_ACTIONS } from '../src/admin/index';
import { ExpectedVersions } from './expected';
import { DEFAULT_SEED, StixGenerator } from './generator';
import { cpuMeter, log, RETENTION_BATCH, ROOT, runAsScript, sleep, WARM, type BenchEnv, type ServerProcess, type SizeName } from './harness';
import type { TaxiiClient } from './http-client';
import { ensurePrefill, warmUp, type Prefill, type PrefillFeed } from './prefill';
import { answerProblems, checkRemaining, checkTombstones, expectedSweep, type ExpectedSweep, type SweptCollection } from './retention-checks';
import { Load, type Window } from './retention-load';
import { report, type HttpRun, type LightPolling, type LoadedSweep, type TwinRun } from './retention-report';
import { Twin } from './twin';

const EXPIRED_SHARE = 0.3;
const POLLERS = 64;
const PUBLISHERS = 8;
/** Publishers of the k-th load post streams FIRST_STREAM + 10k onwards: never a version posted before. */
const FIRST_STREAM = 600;
/** The most ids the preview gives per collection. */
const PREVIEW_LIMIT = 10_000;
const RAMP_MS = 1000;
/** One poller alone: page times short enough to show a sweep's pauses. */
const LIGHT = { pollers: 1, publishers: 0, firstStream: 0 };
const LIGHT_SECONDS = 5;
const POLICY = { indicator_grace_days: 0 };
const SWEEP_TIMEOUT_MS = 3 * 3600_000;

const FEED: PrefillFeed = { name: 'expiring', generator: new StixGenerator(DEFAULT_SEED, { expiredObjectShare: EXPIRED_SHARE }) };
/** What the publishers post: indicators that never expire, so the sweep's share stays what the prefill set. */
const LIVE = new StixGenerator(DEFAULT_SEED, { expiredObjectShare: 0 });

export async function retentionScenario(env: BenchEnv, size: SizeName): Promise<void> {
  const prefill = await ensurePrefill(env, size, FEED);
  const expected = expectedSweep(prefill, FEED.generator, Date.now());
  log(
    `retention ${size}: ${expected.expired.length.toLocaleString('en-US')} of ${expected.versions.size.toLocaleString('en-US')} objects expired (${expected.expiredRecords.toLocaleString('en-US')} records); ${POLLERS} pollers and ${PUBLISHERS} publishers, sweep on demand`,
  );
  const http = await runOverHttp(env, prefill, expected);
  const twin = env.options.twins ? await runTwin(env, prefill, expected) : undefined;
  report(env, size, expected, http, twin, { pollers: POLLERS, publishers: PUBLISHERS, previewLimit: PREVIEW_LIMIT });
}

async function runOverHttp(env: BenchEnv, prefill: Prefill, expected: ExpectedSweep): Promise<HttpRun> {
  const dataDir = env.copyData(prefill.dataDir, `retention-${prefill.size}`);
  const server = await env.startServer(dataDir, `retention-${prefill.size}`);
  try {
    await warmUp(env, server);
    const admin = server.admin(60_000);
    let preview: SweptCollection[];
    try {
      await adminCall(admin, 'PATCH', `/admin/partnerships/${ROOT}`, { retention: POLICY });
      await adminCall(admin, 'PATCH', `/admin/partnerships/${ROOT}/collections/${WARM}`, { retention: { legal_hold: true } });
      preview = (await adminCall(admin, 'GET', `/admin/retention/preview?limit=${PREVIEW_LIMIT}`)).collections;
    } finally {
      admin.close();
    }
    const posted = new ExpectedVersions();
    const light = await lightBaseline(server, prefill, posted);
    const first = await sweepUnderLoad(env, server, prefill, posted, 0);
    const second = await sweepUnderLoad(env, server, prefill, posted, 1);
    const memory = server.memory();

    const checks = [...answerProblems('the preview', preview, expected, PREVIEW_LIMIT), ...answerProblems('the sweep', first.swept, expected)];
    if (second.swept.length > 0) checks.push(`the second sweep removed ${second.swept.reduce((n, c) => n + c.objects, 0)} objects`);
    const reader = server.client('consumer', 1, 60_000);
    try {
      const tombstones = await checkTombstones(reader, expected);
      checks.push(...tombstones.problems);
      const readBack = await checkRemaining(reader, expected, posted);
      checks.push(...readBack.problems);
      log(`  checked ${tombstones.removedAt.length.toLocaleString('en-US')} tombstones and read back ${readBack.records.toLocaleString('en-US')} records in ${readBack.seconds.toFixed(1)} s: ${checks.length === 0 ? 'as expected' : checks.join('; ')}`);
      const removedUnderLoad = tombstones.removedAt.filter((t) => t <= first.loadStoppedAt).length;
      const last = tombstones.removedAt[tombstones.removedAt.length - 1];
      return {
        preview,
        light,
        first,
        second,
        removedUnderLoad,
        batchGaps: batchIntervals(tombstones.removedAt.slice(0, removedUnderLoad)),
        tombstoneSeconds: last === undefined ? NaN : (last - first.startedAt) / 1e6,
        peakAfter: memory.peakMiB,
        rssAfter: memory.rssMiB,
        checks,
      };
    } finally {
      reader.close();
    }
  } finally {
    await server.stop();
    env.removeDir(dataDir);
  }
}

/** The load alone for a while, then a sweep under it; the load stops when the sweep answers or after --seconds. */
async function sweepUnderLoad(env: BenchEnv, server: ServerProcess, prefill: Prefill, posted: ExpectedVersions, k: number): Promise<LoadedSweep> {
  const load = new Load({ pollers: POLLERS, publishers: PUBLISHERS, firstStream: FIRST_STREAM + 10 * k }, prefill, LIVE, posted);
  const running = load.run(server);
  await sleep(RAMP_MS);
  const before: Window = { from: performance.now(), to: 0 };
  let cpu = cpuMeter(server.pid);
  await sleep(Math.max(5, env.options.seconds / 4) * 1000);
  const cpuBefore = cpu();
  const peakBefore = server.memory().peakMiB;
  // A fresh connection: the load's own would have been idle.
  const sweeper = server.admin(SWEEP_TIMEOUT_MS);
  const during: Window = { from: performance.now(), to: 0 };
  before.to = during.from;
  const startedAt = Date.now() * 1000;
  cpu = cpuMeter(server.pid);
  let sweptAt = NaN;
  const sweeping = adminCall(sweeper, 'POST', '/admin/retention/sweep', {}).finally(() => {
    sweptAt = performance.now();
    sweeper.close();
  });
  const loadSeconds = Math.max(10, env.options.seconds);
  let cap: NodeJS.Timeout | undefined;
  await Promise.race([sweeping.catch(() => undefined), new Promise((done) => (cap = setTimeout(done, loadSeconds * 1000)))]);
  clearTimeout(cap);
  during.to = performance.now();
  const loadStoppedAt = Date.now() * 1000;
  load.stop();
  const cpuDuring = cpu();
  await running;
  let rest: LoadedSweep['rest'];
  if (Number.isNaN(sweptAt)) {
    log(`  the load stopped after ${loadSeconds} s; the sweep goes on with one poller`);
    const light = new Load(LIGHT, prefill, LIVE, posted);
    const polling = light.run(server);
    const window: Window = { from: performance.now(), to: 0 };
    await sweeping.catch(() => undefined);
    window.to = performance.now();
    light.stop();
    await polling;
    rest = { pages: light.figures('page', window), errors: light.errors, problems: light.problems };
  }
  const swept = (await sweeping).collections;
  const sweepSeconds = (sweptAt - during.from) / 1000;
  const objects = swept.reduce((n, c) => n + c.objects, 0);
  log(`  sweep ${k + 1}: ${objects.toLocaleString('en-US')} objects in ${sweepSeconds.toFixed(1)} s; load errors ${load.errors}${load.problems.length ? ` (${load.problems[0]})` : ''}`);
  return {
    swept,
    startedAt,
    loadStoppedAt,
    sweepSeconds,
    loadedSeconds: (during.to - during.from) / 1000,
    before,
    pages: { before: load.figures('page', before), during: load.figures('page', during) },
    posts: { before: load.figures('post', before), during: load.figures('post', during) },
    silence: { before: load.longestSilence(before), during: load.longestSilence(during) },
    errors: load.errors,
    problems: load.problems,
    cpu: { before: cpuBefore, during: cpuDuring },
    peakBefore,
    ...(rest ? { rest } : {}),
  };
}

/** One poller for a few seconds, nothing else: its page times without a sweep. */
async function lightBaseline(server: ServerProcess, prefill: Prefill, posted: ExpectedVersions): Promise<LightPolling> {
  const load = new Load(LIGHT, prefill, LIVE, posted);
  const running = load.run(server);
  await sleep(RAMP_MS);
  const window: Window = { from: performance.now(), to: 0 };
  await sleep(LIGHT_SECONDS * 1000);
  window.to = performance.now();
  load.stop();
  await running;
  return { pages: load.figures('page', window), errors: load.errors, problems: load.problems };
}

async function runTwin(env: BenchEnv, prefill: Prefill, expected: ExpectedSweep): Promise<TwinRun> {
  const dataDir = env.copyData(prefill.dataDir, `retention-twin-${prefill.size}`);
  const twin = await Twin.open(env, dataDir);
  try {
    const { admin, retention } = twin.runtime;
    const action = (name: string) => ADMIN_ACTIONS.find((a) => a.name === name)!;
    await admin.perform(action('partnerships.update'), 'cli', { partnership: ROOT, retention: POLICY });
    await admin.perform(action('collections.update'), 'cli', { partnership: ROOT, collectionId: WARM, retention: { legal_hold: true } });
    const turnsMs: number[] = [];
    let ticking = true;
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      turnsMs.push(now - last);
      last = now;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const start = performance.now();
    let swept: SweptCollection[];
    try {
      swept = await retention.run();
    } finally {
      ticking = false;
    }
    const seconds = (performance.now() - start) / 1000;
    const again = performance.now();
    const more = await retention.run();
    const secondSeconds = (performance.now() - again) / 1000;
    const problems = answerProblems('the twin sweep', swept, expected);
    if (more.length > 0) problems.push('the twin second sweep removed objects');
    const objects = swept.reduce((n, c) => n + c.objects, 0);
    log(`  twin: ${objects.toLocaleString('en-US')} objects in ${seconds.toFixed(1)} s, then nothing in ${(secondSeconds * 1000).toFixed(0)} ms${problems.length ? `; ${problems.join('; ')}` : ''}`);
    return { seconds, objects, turnsMs, secondSeconds, problems };
  } finally {
    await twin.close();
    env.removeDir(dataDir);
  }
}

/** An admin API call that must succeed; its JSON answer. */
async function adminCall(client: TaxiiClient, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<{ collections: SweptCollection[] }> {
  const reply = await client.json(method, path, body);
  if (reply.status !== 200) throw new Error(`${method} ${path}: HTTP ${reply.status}: ${reply.body.subarray(0, 300).toString('utf8')}`);
  return JSON.parse(reply.body.toString('utf8')) as { collections: SweptCollection[] };
}

/** A batch leaves RETENTION_BATCH tombstones in one write: the gaps between the first of each (µs times in, ms out). */
function batchIntervals(removedAt: number[]): number[] {
  const gaps: number[] = [];
  for (let i = RETENTION_BATCH; i < removedAt.length; i += RETENTION_BATCH) gaps.push((removedAt[i]! - removedAt[i - RETENTION_BATCH]!) / 1000);
  return gaps;
}

if (require.main === module) {
  runAsScript('Accord benchmark: retention', {}, async (env) => {
    for (const size of env.options.sizes) await retentionScenario(env, size);
  });
}
