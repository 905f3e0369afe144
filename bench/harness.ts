/**
 * Shared machinery of the benchmark scenarios (issue 8): the bench configuration
 * (partnerships, collections, API keys), the REAL server as a child process
 * (`accord serve`, production mode, SQLite in a temp directory, loopback only),
 * data directories, memory and disk readings, and command-line options.
 *
 * Every child process and temporary directory is registered and removed on exit,
 * also when a scenario fails or the run is interrupted.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { newKeyToken } from '../src/identity/api-key-token';
import { hashPassword } from '../src/identity/passwords';
import { StixGenerator } from './generator';
import { TaxiiClient } from './http-client';
import { describeMachine, Report } from './report';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
export const RESULTS_DIR = join(PROJECT_ROOT, 'bench', 'results');

export const SIZES = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000, '10m': 10_000_000 } as const;
export type SizeName = keyof typeof SIZES;

export const PUBLISHER_ORG = 'bench-publisher';
export const CONSUMER_ORG = 'bench-consumer';
/** The server administrator's organisation (admin API calls: retention policies, sweeps). */
const OPERATOR_ORG = 'bench-operator';
/** The partnership holding the prefilled collection. */
export const ROOT = 'bench';
export const MAIN = collectionId(1);
export const WARM = collectionId(2);
/** Partnerships r1..rN each hold 8 new collections for one repetition of the ingest matrix. */
export const MAX_REPS = 5;
export const PAGE = 1000;
/** Objects a retention sweep removes per store write (the server's default). */
export const RETENTION_BATCH = 200;
export const WARMUP_STREAM = 1023;
let warmUps = 0;

/** Each warm-up posts new objects (a copied store already holds the earlier ones). */
export function warmUpOffset(): number {
  return warmUps++ * 10 * PAGE;
}

function collectionId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** The separate collections (`sep1`..`sep8`) of one ingest repetition. */
export function repCollections(rep: number): { root: string; sep: string[] } {
  return { root: `r${rep}`, sep: Array.from({ length: 8 }, (_, i) => collectionId(100 * rep + 10 + i)) };
}

export function collectionPath(root: string, collection: string, tail = 'objects/'): string {
  return `/${root}/collections/${collection}/${tail}`;
}

export interface BenchKey {
  keyId: string;
  token: string;
  secretHash: string;
}

/** A server administrator who signs in with HTTP Basic. */
export interface BenchLogin {
  username: string;
  password: string;
  passwordHash: string;
}

export interface BenchKeys {
  publisher: BenchKey;
  consumer: BenchKey;
  admin: BenchLogin;
}

/** Keys are part of a prefilled store's seed, so they are kept with reusable prefills (an older file gains the admin login). */
async function loadKeys(prefillDir: string | undefined): Promise<BenchKeys> {
  const file = prefillDir ? join(prefillDir, 'keys.json') : undefined;
  const kept = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<BenchKeys>) : {};
  const issue = (): BenchKey => {
    const { keyId, token, secretHash } = newKeyToken();
    return { keyId, token, secretHash };
  };
  const login = async (): Promise<BenchLogin> => {
    const password = randomBytes(18).toString('base64url');
    return { username: 'bench-admin', password, passwordHash: await hashPassword(password) };
  };
  const keys: BenchKeys = { publisher: kept.publisher ?? issue(), consumer: kept.consumer ?? issue(), admin: kept.admin ?? (await login()) };
  if (file && kept.admin === undefined) {
    mkdirSync(prefillDir!, { recursive: true });
    writeFileSync(file, JSON.stringify(keys));
  }
  return keys;
}

export interface BenchOptions {
  sizes: SizeName[];
  reps: number;
  /** Mixed scenario length. */
  seconds: number;
  /** Poll: seconds per phase and repetition. */
  phaseSeconds: number;
  keep: boolean;
  /** Keeps prefilled stores here between runs (and reuses them). */
  prefillDir?: string;
  synchronous: 'FULL' | 'NORMAL';
  /** Also run the in-process growth twin at 10M. */
  twinGrowth: boolean;
  twins: boolean;
}

export function parseOptions(argv: readonly string[], defaults: Partial<BenchOptions> = {}): BenchOptions {
  const options: BenchOptions = {
    sizes: ['10k'],
    reps: 3,
    seconds: 60,
    phaseSeconds: 5,
    keep: false,
    synchronous: 'FULL',
    twinGrowth: false,
    twins: true,
    ...defaults,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = argv[i + 1];
    const take = () => {
      if (value === undefined) throw new Error(`${arg} needs a value`);
      i++;
      return value;
    };
    if (arg === '--size' || arg === '--sizes') {
      options.sizes = take().split(',').map((s) => {
        const name = s.trim().toLowerCase();
        if (!(name in SIZES)) throw new Error(`unknown size ${s}: use 10k, 100k, 1m or 10m`);
        return name as SizeName;
      });
    } else if (arg === '--quick') options.sizes = ['10k'];
    else if (arg === '--reps') options.reps = Math.min(MAX_REPS, Math.max(3, Number(take())));
    else if (arg === '--seconds') options.seconds = Math.max(3, Number(take()));
    else if (arg === '--phase-seconds') options.phaseSeconds = Math.max(1, Number(take()));
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--prefill-dir') options.prefillDir = resolve(take());
    else if (arg === '--synchronous') options.synchronous = take().toUpperCase() === 'NORMAL' ? 'NORMAL' : 'FULL';
    else if (arg === '--twin-growth') options.twinGrowth = true;
    else if (arg === '--no-twins') options.twins = false;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return options;
}

export const USAGE = `options:
  --size 10k|100k|1m|10m[,...]  collection sizes (10m only when asked)
  --quick                       10k only
  --reps N                      repetitions (3 to ${MAX_REPS}, default 3)
  --seconds S                   mixed scenario length (default 60); retention: load before the sweep S/4
  --phase-seconds S             poll: seconds per phase and repetition (default 5)
  --prefill-dir DIR             keep prefilled stores in DIR and reuse them in later runs
  --synchronous FULL|NORMAL     store.sqlite.synchronous of the server (default FULL, the server's default)
  --twin-growth                 also run the in-process growth twin at 10m
  --no-twins                    skip the in-process twins
  --keep                        keep temporary directories (data, server logs)
  --only a,b                    run.js only: validator, ingest, memory, filters, poll, mixed, retention, mongodb`;

// ---------------------------------------------------------------------------
// Cleanup of children and temporary directories, whatever happens.

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let keepTemp = false;

process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (!keepTemp) for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping servers and removing temporary directories`);
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------

export interface MemorySample {
  /** Resident set size now, MiB. */
  rssMiB: number;
  /** Peak resident set size since the process started (VmHWM), MiB. */
  peakMiB: number;
}

export function readMemory(pid: number): MemorySample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (clock ticks of 1/100 s). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Share of one core used by the server and by this bench process between two calls. */
export function cpuMeter(serverPid: number): () => { server: number; bench: number } {
  const start = process.hrtime.bigint();
  const server = processCpuSeconds(serverPid);
  const bench = process.cpuUsage();
  return () => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const used = process.cpuUsage(bench);
    return { server: (processCpuSeconds(serverPid) - server) / seconds, bench: (used.user + used.system) / 1e6 / seconds };
  };
}

/** Bytes of the files in a data directory (the SQLite file, and its -wal and -shm when open). */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const stat = statSync(join(dir, name));
    total += stat.isDirectory() ? dirBytes(join(dir, name)) : stat.size;
  }
  return total;
}

export async function freePort(): Promise<number> {
  return new Promise<number>((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export function elapsedSeconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Runs `count` workers at once and waits for all; the first failure is rethrown after all settle. */
export async function runWorkers(count: number, worker: (index: number) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => worker(i)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export interface ServerProcess {
  port: number;
  pid: number;
  dataDir: string;
  logFile: string;
  memory(): MemorySample;
  /** SIGTERM, wait for a graceful exit (SIGKILL after 30 s); returns the exit code. */
  stop(): Promise<number | null>;
  client(role: 'publisher' | 'consumer', sockets: number, timeoutMs?: number): TaxiiClient;
  /** One connection as the server administrator (HTTP Basic). */
  admin(timeoutMs?: number): TaxiiClient;
}

export class BenchEnv {
  readonly scratch: string;
  readonly generator = new StixGenerator();
  readonly report: Report;

  private constructor(
    readonly options: BenchOptions,
    title: string,
    readonly keys: BenchKeys,
  ) {
    keepTemp = options.keep;
    this.scratch = mkdtempSync(join(tmpdir(), 'accord-bench-'));
    tempDirs.add(this.scratch);
    this.report = new Report(describeMachine(PROJECT_ROOT), { ...options, title });
    if (options.keep) console.log(`temporary files kept in ${this.scratch}`);
  }

  static async create(options: BenchOptions, title: string): Promise<BenchEnv> {
    const server = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'accord.js');
    if (!existsSync(server)) throw new Error(`${server} is missing: build first (npx tsc -p tsconfig.json)`);
    return new BenchEnv(options, title, await loadKeys(options.prefillDir));
  }

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(this.scratch, `${prefix}-`));
    tempDirs.add(dir);
    return dir;
  }

  removeDir(dir: string): void {
    if (this.options.keep) return;
    rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
  }

  /** Copies a stopped store's files (database, -wal, -shm) into a fresh directory. */
  copyData(from: string, prefix: string): string {
    const dir = this.tempDir(prefix);
    for (const name of readdirSync(from)) copyFileSync(join(from, name), join(dir, name));
    return dir;
  }

  /** The configuration document of both the server and the in-process twin. */
  configDocument(dataDir: string, port = 0): Record<string, unknown> {
    const rep = (n: number) => {
      const c = repCollections(n);
      return {
        path: c.root,
        title: `Ingest repetition ${n}`,
        kind: 'working_group',
        members: [
          { organisation: PUBLISHER_ORG, role: 'publisher' },
          { organisation: CONSUMER_ORG, role: 'consumer' },
        ],
        collections: c.sep.map((id, i) => ({ id, alias: `sep${i + 1}`, title: `Publisher ${i + 1} alone` })),
      };
    };
    const key = (k: BenchKey, label: string) => ({ id: k.keyId, secret_hash: k.secretHash, label });
    return {
      server: { host: '127.0.0.1', port, shutdown_timeout_seconds: 10 },
      store: { backend: 'sqlite', data_dir: dataDir, sqlite: { synchronous: this.options.synchronous } },
      log: { level: 'error' },
      // Sweeps run only when a scenario asks (retention).
      retention: { sweep_interval_minutes: 0, batch_size: RETENTION_BATCH },
      taxii: {
        discovery: { title: 'Accord benchmark', default: ROOT },
        max_page_size: PAGE,
        default_page_size: PAGE,
        // 1,000-object envelopes are about 0.6 MB; leave room for larger objects.
        max_content_length: 16 * 1024 * 1024,
      },
      seed: {
        organisations: [
          {
            id: OPERATOR_ORG,
            name: 'Benchmark operator',
            users: [{ username: this.keys.admin.username, password_hash: this.keys.admin.passwordHash, admin: true }],
          },
          // The feed's objects name their vendors' identities (docs/taxii.md#provenance): the publisher relays them.
          { id: PUBLISHER_ORG, name: 'Benchmark publisher', api_keys: [key(this.keys.publisher, 'bench publishers')], relays: [{ identity_id: '*' }] },
          { id: CONSUMER_ORG, name: 'Benchmark consumer', api_keys: [key(this.keys.consumer, 'bench consumers')] },
        ],
        partnerships: [
          {
            path: ROOT,
            title: 'Benchmark partnership',
            kind: 'regional_operation',
            members: [
              { organisation: PUBLISHER_ORG, role: 'publisher' },
              { organisation: CONSUMER_ORG, role: 'consumer' },
            ],
            collections: [
              { id: MAIN, alias: 'main', title: 'Prefilled collection' },
              { id: WARM, alias: 'warm', title: 'Warm-up' },
            ],
          },
          ...Array.from({ length: MAX_REPS }, (_, i) => rep(i + 1)),
        ],
      },
    };
  }

  /**
   * Starts `node dist/src/cli/accord.js serve` on a data directory and waits for /_health;
   * `adjust` may change the configuration document first; `root` is the checkout whose build runs
   * (another one to compare builds, e.g. bench/audit-ingest.ts).
   */
  async startServer(dataDir: string, label: string, options: { adjust?: (config: Record<string, any>) => void; root?: string } = {}): Promise<ServerProcess> {
    const { adjust, root = PROJECT_ROOT } = options;
    const port = await freePort();
    const dir = this.tempDir(`server-${label}`);
    const configFile = join(dir, 'accord.yaml');
    const config = this.configDocument(dataDir, port);
    adjust?.(config);
    // JSON is YAML: the file is read by the server's own loader.
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    const logFile = join(dir, 'server.log');
    const log = openSync(logFile, 'a');
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!/^(ACCORD_|MONGODB_URI$|HOST$|PORT$)/.test(name)) env[name] = value;
    }
    env.NODE_ENV = 'production';
    env.PORT = String(port);
    const child = spawn(process.execPath, [join(root, 'dist', 'src', 'cli', 'accord.js'), 'serve', '--config', configFile], {
      cwd: root,
      env,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    children.add(child);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const tail = () => readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited at start-up (${child.exitCode ?? child.signalCode}):\n${tail()}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the server did not answer /_health within 120 s:\n${tail()}`);
      }
      if (await healthy(port)) break;
      await sleep(100);
    }
    const pid = child.pid!;
    const keys = this.keys;
    return {
      port,
      pid,
      dataDir,
      logFile,
      memory: () => readMemory(pid),
      client: (role, sockets, timeoutMs) => new TaxiiClient(port, `Bearer ${keys[role].token}`, sockets, timeoutMs),
      admin: (timeoutMs) => new TaxiiClient(port, `Basic ${Buffer.from(`${keys.admin.username}:${keys.admin.password}`).toString('base64')}`, 1, timeoutMs),
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        const code = await exited;
        clearTimeout(timer);
        children.delete(child);
        if (code !== 0) console.log(`  server exited with ${code}; log:\n${tail()}`);
        return code;
      },
    };
  }
}

async function healthy(port: number): Promise<boolean> {
  const client = new TaxiiClient(port, 'Bearer none', 1, 2_000);
  try {
    return (await client.get('/_health')).status === 200;
  } catch {
    return false;
  } finally {
    client.close();
  }
}

/** Runs a scenario's main as a script: options, environment, report, exit code. */
export function runAsScript(title: string, defaults: Partial<BenchOptions>, body: (env: BenchEnv) => Promise<void>): void {
  let env: BenchEnv | undefined;
  (async () => {
    env = await BenchEnv.create(parseOptions(process.argv.slice(2), defaults), title);
    await body(env);
    env.report.finish(RESULTS_DIR, title);
  })().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      if (env && env.report.figures.length > 0) env.report.finish(RESULTS_DIR, `${title} (FAILED)`);
      process.exit(1);
    },
  );
}

export function log(message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  console.log(`[${time}] ${message}`);
}
