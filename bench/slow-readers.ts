/**
 * Scenario "slow readers" (issue 14; docs/reliability.md#memory): the server with
 * the default taxii limits (page budget, per-object limit, max_content_length), a
 * publisher posts the largest object the configuration allows (an artifact whose
 * payload_bin fills taxii.max_object_size), then 12 consumers read it over and
 * over for --seconds, half by Get Objects and half by Get an Object, each at about
 * 2.5 MB/s (the socket is paused whenever a reader is ahead of its rate), while a
 * probe asks /_health every 100 ms. Then the same again while a publisher posts
 * one envelope of max_content_length bytes of generated objects: the worst case
 * of the memory formula, one body in flight beside the readers.
 * Figures: the server's RSS (at rest, peak during the post, peak in each phase,
 * VmHWM over the whole run: the target), the probe's latency (p99, max) and
 * failures, the reads completed and whether every body was the posted object
 * byte for byte.
 *
 *   node dist/bench/slow-readers.js [--seconds 20]
 */

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { CONFIG_SCHEMA } from '../src/config/schema';
import { envelopeText, type StixObject } from './generator';
import { collectionPath, log, MAIN, readMemory, ROOT, runAsScript, sleep, WARM, type BenchEnv, type ServerProcess } from './harness';
import { TAXII } from './http-client';
import { percentile, spread } from './report';

const READERS = 12;
const READ_RATE = 2.5e6;
const PROBE_EVERY_MS = 100;
const SAMPLE_EVERY_MS = 50;
const RSS_TARGET_MIB = 400;
/** `{"objects":[` and `]}` around the object. */
const ENVELOPE_BYTES = 14;

const DEFAULTS = CONFIG_SCHEMA.properties.taxii.properties;

/** An artifact whose JSON text is exactly `size` bytes: random payload_bin, padded with spaces inside the object. */
function artifactOfSize(size: number): string {
  const head = `{"type":"artifact","spec_version":"2.1","id":"artifact--${randomUUID()}","mime_type":"application/octet-stream","payload_bin":"`;
  const room = size - head.length - 2;
  const base64 = randomBytes(Math.floor(room / 4) * 3).toString('base64');
  return `{${' '.repeat(room - base64.length)}${head.slice(1)}${base64}"}`;
}

/** Samples the server's RSS until stopped; returns the highest value seen, in MiB. */
function rssSampler(pid: number): { stop(): number } {
  let peak = readMemory(pid).rssMiB;
  const timer = setInterval(() => {
    peak = Math.max(peak, readMemory(pid).rssMiB);
  }, SAMPLE_EVERY_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, readMemory(pid).rssMiB);
    },
  };
}

interface ReadResult {
  bytes: number;
  intact: boolean;
}

/** One GET read at about READ_RATE: the response is paused whenever it is ahead. */
function readThrottled(port: number, path: string, authorization: string, expectedHash: string): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Authorization: authorization, Accept: TAXII } }, (res) => {
      const started = performance.now();
      const hash = createHash('sha256');
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
        const ahead = (bytes / READ_RATE) * 1000 - (performance.now() - started);
        if (ahead > 1) {
          res.pause();
          setTimeout(() => res.resume(), ahead);
        }
      });
      res.on('end', () => resolve({ bytes, intact: res.statusCode === 200 && hash.digest('hex') === expectedHash }));
      res.on('error', reject);
    });
    req.setTimeout(120_000, () => req.destroy(new Error('no answer within 120 s')));
    req.on('error', reject);
    req.end();
  });
}

/** Asks /_health every PROBE_EVERY_MS (without waiting for the previous answer) until stopped. */
function healthProbe(port: number): { stop(): Promise<{ latencies: number[]; failures: number }> } {
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  let failures = 0;
  const probe = () => {
    const started = performance.now();
    const done = new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/_health' }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - started);
          else failures++;
          resolve();
        });
      });
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end();
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };
  const timer = setInterval(probe, PROBE_EVERY_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(pending);
      return { latencies, failures };
    },
  };
}

interface Phase {
  rssPeak: number;
  latencies: number[];
  failures: number;
  reads: ReadResult[];
  /** The post beside the readers, when there was one. */
  ingest?: { status: number; seconds: number };
}

/** READERS readers for --seconds, a health probe, and optionally one post at the start. */
async function readPhase(env: BenchEnv, server: ServerProcess, paths: string[], expectedHash: string, post?: Buffer): Promise<Phase> {
  const authorization = `Bearer ${env.keys.consumer.token}`;
  const sampler = rssSampler(server.pid);
  const probe = healthProbe(server.port);
  const deadline = performance.now() + env.options.seconds * 1000;
  const reads: ReadResult[] = [];
  let ingest: Phase['ingest'];
  const posting = (async () => {
    if (post === undefined) return;
    // The readers are under way first.
    await sleep(2000);
    const publisher = server.client('publisher', 1, 600_000);
    const started = performance.now();
    const reply = await publisher.post(collectionPath(ROOT, WARM), post);
    ingest = { status: reply.status, seconds: (performance.now() - started) / 1000 };
    publisher.close();
  })();
  await Promise.all([
    posting,
    ...Array.from({ length: READERS }, async (_, i) => {
      // Staggered starts: readers at every point of the object at once.
      await sleep((i * 4000) / READERS);
      while (performance.now() < deadline) reads.push(await readThrottled(server.port, paths[i % 2]!, authorization, expectedHash));
    }),
  ]);
  const { latencies, failures } = await probe.stop();
  const phase: Phase = { rssPeak: sampler.stop(), latencies, failures, reads };
  if (ingest !== undefined) phase.ingest = ingest;
  return phase;
}

/** Generated objects filling an envelope of at most `limit` bytes. */
function fullEnvelope(env: BenchEnv, limit: number): Buffer {
  const objects: StixObject[] = [];
  let size = ENVELOPE_BYTES;
  for (let serial = 0; ; serial++) {
    const obj = env.generator.objectAt(900, serial);
    const bytes = Buffer.byteLength(JSON.stringify(obj)) + 1;
    if (size + bytes > limit) break;
    objects.push(obj);
    size += bytes;
  }
  return Buffer.from(envelopeText(objects));
}

export async function slowReadersScenario(env: BenchEnv): Promise<void> {
  const dataDir = env.tempDir('slow-readers');
  // The taxii limits at their defaults: the bench harness sets a max_content_length of its own.
  const server: ServerProcess = await env.startServer(dataDir, 'slow-readers', { adjust: (config) => {
    delete config.taxii.max_content_length;
  } });
  try {
    const maxContentLength = DEFAULTS.max_content_length.default;
    const size = Math.min(DEFAULTS.max_object_size.default, maxContentLength - ENVELOPE_BYTES);
    const text = artifactOfSize(size);
    const id = /"id":"([^"]+)"/.exec(text)![1]!;
    const atRest = readMemory(server.pid).rssMiB;
    log(`slow readers: posting one ${(size / 2 ** 20).toFixed(2)} MiB artifact (max_object_size ${DEFAULTS.max_object_size.default}, max_content_length ${maxContentLength}, page budget ${DEFAULTS.page_budget_bytes.default})`);

    const ingest = rssSampler(server.pid);
    const publisher = server.client('publisher', 1, 120_000);
    const posted = await publisher.post(collectionPath(ROOT, MAIN), Buffer.from(`{"objects":[${text}]}`));
    publisher.close();
    const ingestPeak = ingest.stop();
    const status = JSON.parse(posted.body.toString('utf8')) as { success_count?: number };
    if (posted.status !== 202 || status.success_count !== 1) throw new Error(`the artifact was not stored: ${posted.status} ${posted.body.toString('utf8').slice(0, 500)}`);
    const afterIngest = readMemory(server.pid).rssMiB;

    const expectedHash = createHash('sha256').update(`{"more":false,"objects":[${text}]}`).digest('hex');
    const paths = [collectionPath(ROOT, MAIN), collectionPath(ROOT, MAIN, `objects/${id}/`)];
    log(`  ${READERS} readers at ${READ_RATE / 1e6} MB/s each for ${env.options.seconds} s, /_health every ${PROBE_EVERY_MS} ms`);
    const alone = await readPhase(env, server, paths, expectedHash);
    const envelope = fullEnvelope(env, maxContentLength);
    log(`  again, while one ${(envelope.length / 2 ** 20).toFixed(2)} MiB envelope is posted`);
    const beside = await readPhase(env, server, paths, expectedHash, envelope);
    await sleep(1000);
    const memory = server.memory();

    const add = (name: string, unit: string, value: number, note?: string, target?: { text: string; met: boolean }) =>
      env.report.add({ scenario: 'slow-readers', size: '-', name, unit, http: spread([value]), ...(note !== undefined ? { note } : {}), ...(target !== undefined ? { target } : {}) });
    const reads = (phase: Phase, label: string) => {
      const intact = phase.reads.filter((r) => r.intact).length;
      const megabytes = phase.reads.reduce((sum, r) => sum + r.bytes, 0) / 1e6;
      env.report.add({
        scenario: 'slow-readers',
        size: '-',
        name: `reads complete and byte for byte${label}`,
        unit: '',
        text: `${intact}/${phase.reads.length}`,
        note: `${megabytes.toFixed(0)} MB read, ${(megabytes / env.options.seconds).toFixed(1)} MB/s in all`,
        target: { text: 'all', met: intact === phase.reads.length && phase.reads.length >= READERS },
      });
    };
    add('server RSS at rest', 'MiB', atRest);
    add('server RSS peak while the object is posted', 'MiB', ingestPeak, `${afterIngest.toFixed(0)} MiB after`);
    add(`server RSS peak, ${READERS} slow readers`, 'MiB', alone.rssPeak);
    add('/_health p99, slow readers', 'ms', percentile(alone.latencies, 99), `${alone.latencies.length} probes answered, ${alone.failures} failed`);
    add('/_health max, slow readers', 'ms', Math.max(...alone.latencies), undefined, { text: 'every probe answered within 1 s', met: alone.failures === 0 && Math.max(...alone.latencies) < 1000 });
    reads(alone, '');
    const post = beside.ingest === undefined ? 'no post' : `post ${beside.ingest.status} in ${beside.ingest.seconds.toFixed(1)} s`;
    add(`server RSS peak, ${READERS} slow readers and a full envelope`, 'MiB', beside.rssPeak, `${(envelope.length / 2 ** 20).toFixed(1)} MiB envelope, ${post}`);
    add('/_health p99, readers and envelope', 'ms', percentile(beside.latencies, 99), `${beside.latencies.length} answered, ${beside.failures} failed (the post's own pauses are issue 14 item 2)`);
    add('/_health max, readers and envelope', 'ms', Math.max(...beside.latencies));
    reads(beside, ', beside the envelope');
    add('server VmHWM over the whole run', 'MiB', memory.peakMiB, `${memory.rssMiB.toFixed(0)} MiB at the end`, { text: `< ${RSS_TARGET_MIB} MiB`, met: memory.peakMiB < RSS_TARGET_MIB });
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  runAsScript('Accord benchmark: slow readers', { seconds: 20 }, slowReadersScenario);
}
