/**
 * Prefilling the main collection to a size, once per size and run: one
 * publisher posts the synthetic feed (stream 0) in 1,000-object envelopes over
 * HTTP into a fresh store. This is also the ingest growth measurement (rate of
 * the first and of the last tenth). The collection is then read back through its
 * manifest: strict date_added order and exactly the generated sequence. The
 * stopped store is reused (copied when a scenario writes) by poll, filters,
 * memory and mixed. With --prefill-dir it is kept and reused across runs.
 */

import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { statusProblem, walkManifest, type WalkResult } from './checks';
import { DEFAULT_SEED, versionOf, type StixGenerator } from './generator';
import { collectionPath, dirBytes, warmUpOffset, WARMUP_STREAM, elapsedSeconds, log, MAIN, PAGE, ROOT, SIZES, WARM, type BenchEnv, type MemorySample, type ServerProcess, type SizeName } from './harness';
import type { TaxiiClient } from './http-client';
import { percentile } from './report';

/** Bump when the generator or the prefill procedure changes: kept prefills are then rebuilt. */
const PREFILL_FORMAT = 2;
export const PREFILL_STREAM = 0;

/**
 * Another feed than the plain one every scenario reads (the retention scenario's
 * has expired indicators): its stores are built, cached and kept apart.
 */
export interface PrefillFeed {
  /** Suffix of the kept directory (`1m-<name>`). */
  name: string;
  generator: StixGenerator;
}

export interface GrowthRun {
  seconds: number;
  rate: number;
  /** Objects/s over the first tenth of the size (0 → 100k for 1M). */
  firstRate: number;
  /** Objects/s over the last tenth (900k → 1M for 1M). */
  lastRate: number;
  p50: number;
  p99: number;
}

export interface Prefill {
  format: number;
  seed: number;
  size: SizeName;
  /** The feed's name; absent for the plain feed. */
  feed?: string;
  objects: number;
  dataDir: string;
  /** bounds[k]: `added_after` that starts page k + 1 of the main collection (1,000 objects a page). */
  bounds: string[];
  lastDateAdded: string;
  growth: GrowthRun[];
  verifyProblems: string[];
  verifySeconds: number;
  diskBytes: number;
  /** Records in the store: the size plus the warm-up collection's. */
  storedObjects: number;
  rssAfter: MemorySample;
  /** When the store was built (a kept prefill may come from an earlier run). */
  builtAt: string;
  reused?: boolean;
}

const cache = new Map<string, Prefill>();

/** `added_after` for reading the main collection from object `position` (a multiple of 1,000); undefined for the start. */
export function afterPosition(prefill: Pick<Prefill, 'bounds'>, position: number): string | undefined {
  if (position <= 0) return undefined;
  return prefill.bounds[Math.floor(position / PAGE) - 1];
}

export async function ensurePrefill(env: BenchEnv, size: SizeName, feed?: PrefillFeed): Promise<Prefill> {
  const key = feed ? `${size}-${feed.name}` : size;
  const cached = cache.get(key);
  if (cached) return cached;
  const keptDir = env.options.prefillDir ? join(env.options.prefillDir, key) : undefined;
  if (keptDir && existsSync(join(keptDir, 'prefill.json'))) {
    const kept = JSON.parse(readFileSync(join(keptDir, 'prefill.json'), 'utf8')) as Prefill;
    if (kept.format === PREFILL_FORMAT && kept.seed === DEFAULT_SEED && kept.objects === SIZES[size] && kept.feed === feed?.name) {
      kept.dataDir = join(keptDir, 'data');
      kept.reused = true;
      log(`prefill ${size}: reusing ${kept.dataDir} (built ${kept.builtAt})`);
      cache.set(key, kept);
      return kept;
    }
  }
  // Repeated builds measure ingest growth, reported for the plain feed only.
  const runs = feed === undefined && SIZES[size] <= 100_000 ? env.options.reps : 1;
  const generator = feed?.generator ?? env.generator;
  const growth: GrowthRun[] = [];
  let last: Omit<Prefill, 'growth'> | undefined;
  for (let run = 1; run <= runs; run++) {
    if (last) env.removeDir(last.dataDir);
    const dataDir = env.tempDir(`prefill-${size}`);
    const built = await buildOnce(env, size, dataDir, `${run}/${runs}`, generator);
    growth.push(built.growth);
    last = built.prefill;
  }
  let prefill: Prefill = { ...last!, growth };
  if (feed) prefill.feed = feed.name;
  if (keptDir) {
    mkdirSync(keptDir, { recursive: true });
    moveDir(prefill.dataDir, join(keptDir, 'data'));
    prefill = { ...prefill, dataDir: join(keptDir, 'data') };
    writeFileSync(join(keptDir, 'prefill.json'), JSON.stringify(prefill));
  }
  cache.set(key, prefill);
  return prefill;
}

/** rename, or copy and remove across file systems. */
function moveDir(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    cpSync(from, to, { recursive: true });
    rmSync(from, { recursive: true, force: true });
  }
}

async function buildOnce(
  env: BenchEnv,
  size: SizeName,
  dataDir: string,
  label: string,
  generator: StixGenerator,
): Promise<{ prefill: Omit<Prefill, 'growth'>; growth: GrowthRun }> {
  const objects = SIZES[size];
  log(`prefill ${size} (run ${label}): ${objects.toLocaleString('en-US')} objects over HTTP, one publisher, ${PAGE}-object envelopes`);
  const server = await env.startServer(dataDir, `prefill-${size}`);
  try {
    const warmed = await warmUp(env, server);
    const growth = await grow(server, objects, generator);
    log(`  ${Math.round(growth.rate).toLocaleString('en-US')} objects/s; first tenth ${Math.round(growth.firstRate).toLocaleString('en-US')}, last tenth ${Math.round(growth.lastRate).toLocaleString('en-US')}`);
    const rssAfter = server.memory();
    const consumer = server.client('consumer', 1, 60_000);
    const walk = await readBack(consumer, objects, generator);
    consumer.close();
    log(`  read back ${walk.count.toLocaleString('en-US')} records in ${walk.seconds.toFixed(1)} s: ${walk.problems.length === 0 ? 'order strict, sequence exact' : walk.problems.join('; ')}`);
    await server.stop();
    return {
      growth,
      prefill: {
        format: PREFILL_FORMAT,
        seed: DEFAULT_SEED,
        size,
        objects,
        dataDir,
        bounds: walk.bounds,
        lastDateAdded: walk.lastDateAdded ?? '',
        verifyProblems: walk.problems,
        verifySeconds: walk.seconds,
        diskBytes: dirBytes(dataDir),
        storedObjects: objects + warmed,
        rssAfter,
        builtAt: new Date().toISOString(),
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Reads the main collection back through its manifest: strict date_added order and exactly the generated sequence of `objects`. */
export async function readBack(consumer: TaxiiClient, objects: number, generator: StixGenerator): Promise<WalkResult> {
  const expected = generator.objects(PREFILL_STREAM, 0, objects);
  const walk = await walkManifest(consumer, ROOT, MAIN, (record, index) => {
    const next = expected.next();
    if (next.done) return `${record.id} beyond the ${objects} posted objects`;
    const obj = next.value;
    const version = versionOf(obj);
    if (record.id !== obj.id || (version !== null && record.version !== version)) {
      return `expected ${obj.id} version ${version ?? '(assigned)'} at position ${index}, found ${record.id} version ${record.version}`;
    }
    return null;
  });
  if (walk.count !== objects) walk.problems.push(`read back ${walk.count} records, posted ${objects}`);
  return walk;
}

/** A few requests on another collection so that the timed part runs on warm code. */
export async function warmUp(env: BenchEnv, server: ServerProcess): Promise<number> {
  const publisher = server.client('publisher', 1);
  const consumer = server.client('consumer', 1);
  const offset = warmUpOffset();
  try {
    for (let i = 0; i < 4; i++) {
      const reply = await publisher.post(collectionPath(ROOT, WARM), Buffer.from(env.generator.envelope(WARMUP_STREAM, offset + i * PAGE, PAGE)));
      const problem = statusProblem(reply, PAGE);
      if (problem !== null) throw new Error(`warm-up post refused: ${problem}`);
    }
    for (let i = 0; i < 20; i++) {
      const reply = await publisher.post(collectionPath(ROOT, WARM), Buffer.from(env.generator.envelope(WARMUP_STREAM, offset + 5 * PAGE + i, 1)));
      const problem = statusProblem(reply, 1);
      if (problem !== null) throw new Error(`warm-up post refused: ${problem}`);
    }
    for (let i = 0; i < 10; i++) await consumer.get(`${collectionPath(ROOT, WARM)}?limit=${PAGE}`);
    return 4 * PAGE + 20;
  } finally {
    publisher.close();
    consumer.close();
  }
}

/** One publisher fills the main collection with `objects` generated objects (stream 0) in 1,000-object envelopes; rates of the whole and of the first and last tenth. */
export async function grow(server: ServerProcess, objects: number, generator: StixGenerator): Promise<GrowthRun> {
  const client = server.client('publisher', 1, 60_000);
  const envelopes = Math.ceil(objects / PAGE);
  const tenth = Math.max(1, Math.floor(envelopes / 10));
  const latencies: number[] = [];
  const start = process.hrtime.bigint();
  let firstEnd = 0;
  let lastStart = 0;
  const body = (k: number) => Buffer.from(generator.envelope(PREFILL_STREAM, k * PAGE, Math.min(PAGE, objects - k * PAGE)));
  let next = body(0);
  let lastReport = Date.now();
  try {
    for (let k = 0; k < envelopes; k++) {
      const count = Math.min(PAGE, objects - k * PAGE);
      const pending = client.post(collectionPath(ROOT, MAIN), next);
      // The next envelope is generated while the server works on this one.
      if (k + 1 < envelopes) next = body(k + 1);
      const reply = await pending;
      const problem = statusProblem(reply, count);
      if (problem !== null) throw new Error(`prefill envelope ${k} (objects ${k * PAGE}..) refused: ${problem}`);
      latencies.push(reply.ms);
      const now = elapsedSeconds(start);
      if (k + 1 === tenth) firstEnd = now;
      if (k + 1 === envelopes - tenth) lastStart = now;
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        log(`  ${((k + 1) * PAGE).toLocaleString('en-US')} objects, ${Math.round(((k + 1) * PAGE) / now).toLocaleString('en-US')} objects/s so far, server RSS ${server.memory().rssMiB.toFixed(0)} MiB`);
      }
    }
  } finally {
    client.close();
  }
  const seconds = elapsedSeconds(start);
  const tenthObjects = tenth * PAGE;
  return {
    seconds,
    rate: objects / seconds,
    firstRate: tenthObjects / firstEnd,
    lastRate: (objects - (envelopes - tenth) * PAGE) / (seconds - lastStart),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}
