/**
 * Login and connection floods against the built server (issue 14, items 3 and 6;
 * docs/reliability.md#login-throttling and #connections). Sources are 127.0.0.x
 * addresses (all of 127/8 is loopback on Linux), so the server sees each as a client.
 *
 * Login flood: fresh valid logins (each a user never seen before, so the password is
 * really checked, one at a time from an address without failures) are timed alone,
 * then while 40 addresses send wrong passwords for made-up user names, each stopping
 * one short of its per-source limit (29 of 30 by default), 4 at a time, and retrying a
 * check the server refused to queue after its Retry-After (1 s; --busy-retry-ms 100 for
 * an attacker who ignores it, which turns the flood into one of cheap requests). Figures: median, p99 and max of the fresh login, alone and during the
 * flood, and what the flood got.
 *
 * Connection flood: one address opens thousands of half-open requests (headers never
 * finished); a new client from another address then asks for /_health, repeatedly, and
 * the time to its answer is printed, with how many of the flood's connections the
 * server kept and its memory.
 *
 *   node dist/bench/login-flood.js [--sources 40] [--per-source 29] [--sockets 4] [--busy-retry-ms 1000]
 *     [--half-open 5000] [--scrypt-n 32768] [--accord path/to/dist/src/cli/accord.js]
 *
 * --accord runs another build (for a before/after comparison: such a build may not
 * know auth.scrypt, so --scrypt-n is left out for it).
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { newKeyToken, type NewKeyToken } from '../src/identity/api-key-token';
import { hashPassword } from '../src/identity/passwords';
import { freePort, log, PROJECT_ROOT, readMemory, sleep } from './harness';
import { percentile } from './report';

const TAXII = 'application/taxii+json;version=2.1';
const PASSWORD = 'a partner password';
const FRESH_USERS = 600;
const BASELINE_LOGINS = 25;
const LOGIN_GAP_MS = 100;
const PROBES = 20;
const FLOOD_MAX_MS = 10 * 60_000;

interface Options {
  sources: number;
  perSource: number;
  halfOpen: number;
  busyRetryMs: number;
  sockets: number;
  scryptN?: number;
  accord: string;
}

function parse(argv: readonly string[]): Options {
  const options: Options = { sources: 40, perSource: 29, halfOpen: 5000, busyRetryMs: 1000, sockets: 4, accord: join(PROJECT_ROOT, 'dist', 'src', 'cli', 'accord.js') };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i]!, argv[i + 1]];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--sources') options.sources = Math.min(200, Number(value));
    else if (name === '--per-source') options.perSource = Number(value);
    else if (name === '--half-open') options.halfOpen = Number(value);
    else if (name === '--scrypt-n') options.scryptN = Number(value);
    else if (name === '--busy-retry-ms') options.busyRetryMs = Number(value);
    else if (name === '--sockets') options.sockets = Number(value);
    else if (name === '--accord') options.accord = resolve(value);
    else throw new Error(`unknown option ${name}`);
  }
  return options;
}

interface Server {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

async function startServer(options: Options, dir: string, key: NewKeyToken): Promise<Server> {
  const port = await freePort();
  const cost = { N: options.scryptN ?? 32768, r: 8, p: 1 };
  const hash = await hashPassword(PASSWORD, cost);
  const config = {
    server: { host: '127.0.0.1', port },
    store: { data_dir: join(dir, 'data') },
    log: { level: 'warn' },
    ...(options.scryptN !== undefined ? { auth: { scrypt: { n: options.scryptN } } } : {}),
    seed: {
      organisations: [
        {
          id: 'partner',
          name: 'Partner',
          users: Array.from({ length: FRESH_USERS }, (_, i) => ({ username: `analyst${i}`, password_hash: hash })),
          api_keys: [{ id: key.keyId, secret_hash: key.secretHash }],
        },
      ],
      partnerships: [],
    },
  };
  const file = join(dir, 'accord.yaml');
  writeFileSync(file, JSON.stringify(config));
  const logFile = join(dir, 'server.log');
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const name of Object.keys(env)) if (/^(ACCORD_|MONGODB_URI$|HOST$|PORT$)/.test(name)) delete env[name];
  const child: ChildProcess = spawn(process.execPath, [options.accord, 'serve', '--config', file], { env, stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] });
  process.on('exit', () => child.kill('SIGKILL'));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`the server exited:\n${readFileSync(logFile, 'utf8')}`);
    if (tries > 600) throw new Error('the server did not start within 60 s');
    if ((await get(port, '/_health', {}).catch(() => undefined))?.status === 200) break;
    await sleep(100);
  }
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Answer {
  status: number;
  ms: number;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string>, from?: string, agent?: Agent): Promise<Answer> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const req = request(
      { host: '127.0.0.1', port, path, headers: { Accept: TAXII, ...headers }, ...(from ? { localAddress: from } : {}), ...(agent ? { agent } : { agent: false }) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => done({ status: res.statusCode!, ms: Number(process.hrtime.bigint() - started) / 1e6, body }));
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
    req.on('error', fail);
    req.end();
  });
}

const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

class FreshLogins {
  private next = 0;
  /** Refused logins: status and seconds since `since`. */
  readonly refused: Array<{ status: number; at: number }> = [];
  since = Date.now();

  constructor(private readonly port: number) {}

  /** One login of a user never seen before, over a new connection, from an address without failures: its time, or undefined when refused. */
  async once(): Promise<number | undefined> {
    const user = `analyst${this.next++ % FRESH_USERS}`;
    const answer = await get(this.port, '/taxii2/', basic(user, PASSWORD), '127.0.0.200');
    if (answer.status === 200) return answer.ms;
    this.refused.push({ status: answer.status, at: (Date.now() - this.since) / 1000 });
    return undefined;
  }

  refusals(): string {
    return this.refused.length === 0 ? 'none' : this.refused.map((r) => `${r.status} at ${r.at.toFixed(1)} s`).join(', ');
  }
}

/** The flood's first seconds, while its addresses are still new (their first checks rank with a partner's). */
const FLOOD_START_MS = 10_000;

function summary(ms: readonly number[]): string {
  if (ms.length === 0) return 'n=0';
  const fmt = (v: number) => `${Math.round(v)} ms`;
  return `n=${ms.length} median ${fmt(percentile(ms, 50))}, p99 ${fmt(percentile(ms, 99))}, max ${fmt(Math.max(...ms))}`;
}

interface FloodCounts {
  failures: number;
  busy: number;
  locked: number;
  errors: number;
}

/** One flooding address: wrong passwords for made-up names until it has `limit` failures; a refusal to check is retried after `busyRetryMs`. */
async function floodFrom(port: number, address: string, limit: number, options: Options, counts: FloodCounts): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.sockets, localAddress: address });
  const until = Date.now() + FLOOD_MAX_MS;
  let failures = 0;
  let inFlight = 0;
  const worker = async () => {
    // Never more in flight than failures left: the source stays under its limit.
    while (failures + inFlight < limit && Date.now() < until) {
      inFlight++;
      try {
        const answer = await get(port, '/taxii2/', basic(`guess-${randomBytes(4).toString('hex')}`, randomBytes(8).toString('hex')), address, agent);
        if (answer.status === 401) {
          failures++;
          counts.failures++;
        } else if (answer.status === 429 && answer.body.includes('failed logins')) {
          counts.locked++;
          return;
        } else if (answer.status === 429) {
          counts.busy++;
          await sleep(options.busyRetryMs);
        } else counts.errors++;
      } catch {
        counts.errors++;
      } finally {
        inFlight--;
      }
    }
  };
  await Promise.all(Array.from({ length: options.sockets }, worker));
  agent.destroy();
}

async function loginFlood(port: number, options: Options, token: string): Promise<void> {
  const fresh = new FreshLogins(port);
  await fresh.once();
  const alone: number[] = [];
  for (let i = 0; i < BASELINE_LOGINS; i++) {
    const ms = await fresh.once();
    if (ms !== undefined) alone.push(ms);
    await sleep(LOGIN_GAP_MS);
  }
  log(`fresh valid login, alone:        ${summary(alone)}; refused: ${fresh.refusals()}`);

  const counts: FloodCounts = { failures: 0, busy: 0, locked: 0, errors: 0 };
  const started = Date.now();
  fresh.since = started;
  let flooding = true;
  const flood = Promise.all(Array.from({ length: options.sources }, (_, i) => floodFrom(port, `127.0.0.${10 + i}`, options.perSource, options, counts))).then(() => {
    flooding = false;
  });
  await sleep(500);
  const during: number[] = [];
  const early: number[] = [];
  const keyed: number[] = [];
  const keyRefused: number[] = [];
  for (let logins = 0; flooding && logins < FRESH_USERS - BASELINE_LOGINS - 1; logins++) {
    const ms = await fresh.once();
    if (ms !== undefined) (Date.now() - started < FLOOD_START_MS ? early : during).push(ms);
    // A partner's API key from one of the flooding addresses.
    const answer = await get(port, '/taxii2/', { Authorization: `Bearer ${token}` }, '127.0.0.10');
    if (answer.status === 200) keyed.push(answer.ms);
    else keyRefused.push(answer.status);
    await sleep(LOGIN_GAP_MS);
  }
  await flood;
  const seconds = (Date.now() - started) / 1000;
  log(`fresh valid login, flood's first ${FLOOD_START_MS / 1000} s: ${summary(early)}`);
  log(`fresh valid login, rest of flood: ${summary(during)}; refused (s since the flood began): ${fresh.refusals()}`);
  log(`API key from a flooding address:  ${summary(keyed)}; refused: ${keyRefused.length === 0 ? 'none' : keyRefused.join(', ')}`);
  log(
    `flood (${options.sockets} at a time per address, busy retried after ${options.busyRetryMs} ms): ${options.sources} addresses × ${options.perSource} wrong passwords in ${seconds.toFixed(1)} s (${(counts.failures / seconds).toFixed(1)} checks/s); ` +
      `401: ${counts.failures}, 429 busy (not checked): ${counts.busy}, 429 locked: ${counts.locked}, errors: ${counts.errors}`,
  );
}

async function connectionFlood(server: Server, options: Options): Promise<void> {
  const before = readMemory(server.pid).rssMiB;
  const sockets: Socket[] = [];
  let open = 0;
  let refused = 0;
  const openOne = () =>
    new Promise<void>((done) => {
      const socket = connect({ port: server.port, host: '127.0.0.1', localAddress: '127.0.0.50' });
      socket.on('error', () => undefined);
      // Read what the server sends (its 408), or the socket never sees the end.
      socket.resume();
      socket.once('connect', () => {
        open++;
        socket.write('GET /taxii2/ HTTP/1.1\r\nHost: accord\r\nX-Slow: ');
        done();
      });
      socket.once('close', () => {
        open--;
        refused++;
        done();
      });
      sockets.push(socket);
    });
  const started = Date.now();
  for (let i = 0; i < options.halfOpen; i += 500) await Promise.all(Array.from({ length: Math.min(500, options.halfOpen - i) }, openOne));
  log(`connection flood: ${options.halfOpen} half-open requests from 127.0.0.50 in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await sleep(500);
  const probes: number[] = [];
  const failed: string[] = [];
  for (let i = 0; i < PROBES; i++) {
    try {
      const answer = await get(server.port, '/_health', {}, '127.0.0.60');
      if (answer.status === 200) probes.push(answer.ms);
      else failed.push(String(answer.status));
    } catch (error) {
      failed.push((error as Error).message);
    }
  }
  log(`new client from 127.0.0.60 during the flood: ${probes.length > 0 ? summary(probes) : 'never answered'}; failed: ${failed.length === 0 ? 'none' : failed.join(', ')}`);
  log(`flood connections still open: ${open} of ${options.halfOpen} (closed by the server: ${refused}); server RSS ${before.toFixed(0)} → ${readMemory(server.pid).rssMiB.toFixed(0)} MiB`);
  const waited = Date.now();
  while (open > 0 && Date.now() - waited < 120_000) await sleep(250);
  log(`the rest were closed ${((Date.now() - waited) / 1000 + 0.5).toFixed(1)} s after the probes (header timeout)${open > 0 ? `; ${open} still open after 120 s` : ''}`);
  for (const socket of sockets) socket.destroy();
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'accord-login-flood-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const key = newKeyToken();
  log(`starting ${options.accord}${options.scryptN ? ` with auth.scrypt.n ${options.scryptN}` : ''}`);
  const server = await startServer(options, dir, key);
  try {
    await loginFlood(server.port, options, key.token);
    await connectionFlood(server, options);
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
