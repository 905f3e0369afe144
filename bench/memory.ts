/**
 * Scenario "memory" (issue 8): the store's size on disk per million objects
 * (after the prefill, server stopped), and the server's resident memory after
 * the prefill, at rest on the prefilled store, and after one consumer has read
 * the whole collection page by page (pages must be streamed from the store, never
 * the whole collection materialised). The other scenarios add the RSS after each
 * of them. The twin reads the same sweep in-process.
 *
 *   node dist/bench/memory.js [--size 10k|100k|1m|10m]
 */

import { httpReader, twinReader, type PageReader } from './consumers';
import { log, MAIN, PAGE, ROOT, runAsScript, type BenchEnv, type MemorySample, type SizeName } from './harness';
import { ensurePrefill, type Prefill } from './prefill';
import { spread, type Figure } from './report';
import { Twin } from './twin';

const reported = new Set<string>();

/** Disk per million and RSS after the prefill (once per size and run). */
export function reportStore(env: BenchEnv, prefill: Prefill): void {
  if (reported.has(prefill.size)) return;
  reported.add(prefill.size);
  const perMillion = (prefill.diskBytes / prefill.storedObjects) * 1_000_000;
  env.report.add({
    scenario: 'memory',
    size: prefill.size,
    name: 'store on disk per million objects',
    unit: 'MB',
    http: spread([perMillion / 1e6]),
    note: `${(prefill.diskBytes / 1e6).toFixed(1)} MB for ${prefill.storedObjects.toLocaleString('en-US')} records of ~572 bytes (size + warm-up), statuses and audit included; server stopped`,
    target: { text: '≤ 1,400 MB (1.4 GB)', met: perMillion <= 1.4e9 },
  });
  addRss(env, prefill.size, 'after prefill', prefill.rssAfter);
}

export function addRss(env: BenchEnv, size: string, when: string, memory: MemorySample): void {
  env.report.add({
    scenario: 'memory',
    size,
    name: `server RSS ${when} (peak in note)`,
    unit: 'MiB',
    http: spread([memory.rssMiB]),
    note: `peak ${memory.peakMiB.toFixed(0)} MiB`,
    target: { text: 'peak < 250 MiB', met: memory.peakMiB < 250 },
  });
}

/** One consumer reads every page of the main collection with `next`; returns objects/s. */
async function sweep(read: PageReader, prefill: Prefill): Promise<{ rate: number; objects: number; errors: string[] }> {
  const start = process.hrtime.bigint();
  const errors: string[] = [];
  let objects = 0;
  let query = `limit=${PAGE}`;
  try {
    for (;;) {
      const page = await read(query);
      objects += page.count;
      if (!page.more || page.next === undefined) break;
      query = `limit=${PAGE}&next=${encodeURIComponent(page.next)}`;
    }
  } catch (error) {
    errors.push((error as Error).message);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (objects < prefill.objects * 0.8) errors.push(`read ${objects} objects of ${prefill.objects}`);
  return { rate: objects / seconds, objects, errors };
}

export async function memoryScenario(env: BenchEnv, size: SizeName): Promise<void> {
  const prefill = await ensurePrefill(env, size);
  reportStore(env, prefill);
  log(`memory ${size}: RSS at rest and after one consumer reads all ${prefill.objects.toLocaleString('en-US')} objects`);
  const server = await env.startServer(prefill.dataDir, `memory-${size}`);
  let result;
  try {
    addRss(env, size, 'at rest on the prefilled store', server.memory());
    const client = server.client('consumer', 1, 60_000);
    try {
      result = await sweep(httpReader(client, ROOT, MAIN), prefill);
    } finally {
      client.close();
    }
    addRss(env, size, 'after one consumer read the whole collection', server.memory());
  } finally {
    await server.stop();
  }
  let twinRate: number | undefined;
  if (env.options.twins) {
    const twin = await Twin.open(env, prefill.dataDir);
    try {
      twinRate = (await sweep(twinReader(twin, ROOT, MAIN), prefill)).rate;
    } finally {
      await twin.close();
    }
  }
  const figure: Figure = {
    scenario: 'memory',
    size,
    name: `one consumer reads the whole collection (limit=${PAGE}, next): objects/s`,
    unit: 'objects/s',
    http: spread([result.rate]),
    note: `${result.objects.toLocaleString('en-US')} objects (default match[version]=last)${result.errors.length ? `; ERRORS: ${result.errors.join('; ')}` : ''}`,
  };
  if (twinRate !== undefined) figure.twin = spread([twinRate]);
  if (result.errors.length > 0) figure.target = { text: 'no errors', met: false };
  env.report.add(figure);
  log(`  sweep: ${Math.round(result.rate).toLocaleString('en-US')} objects/s${twinRate ? ` (twin ${Math.round(twinRate).toLocaleString('en-US')})` : ''}`);
}

if (require.main === module) {
  runAsScript('Accord benchmark: memory', {}, async (env) => {
    for (const size of env.options.sizes) await memoryScenario(env, size);
  });
}
