/**
 * Scenario "audit-ingest" (issue 14, docs/reliability.md#audit-trail): the
 * Add Objects rate with this build's audit trail (each change answered once its
 * entry is durable, entries of one event-loop turn in one commit) against
 * another build's (`--baseline DIR`: a checkout built with `npm run build`, e.g.
 * the commit before the durable trail, whose entries were buffered for 50 ms).
 *
 * Both servers run at once on fresh stores of their own (the bench seed) and
 * the same bursts go to each in turn, the order swapped every repetition, so
 * that load from elsewhere on the machine falls on both alike. Layouts: one
 * publisher with envelopes of 1,000, 100 and 10 objects, then 8 publishers with
 * envelopes of 10 and of 1 (where group commit matters). Afterwards every
 * acknowledged POST must have its add_objects entry (by status id) in the trail,
 * read through the admin API.
 *
 *   node dist/bench/audit-ingest.js [--baseline /tmp/audit-base] [--reps 3]
 */

import { statusProblem } from './checks';
import { envelopeText } from './generator';
import { collectionPath, elapsedSeconds, log, MAIN, ROOT, runAsScript, runWorkers, type BenchEnv, type ServerProcess } from './harness';
import { warmUp } from './prefill';
import { percentile, spread, type Figure } from './report';

interface Layout {
  name: string;
  envelope: number;
  publishers: number;
  envelopes: number;
}

const LAYOUTS: Layout[] = [
  { name: 'E=1000, 1 publisher', envelope: 1000, publishers: 1, envelopes: 24 },
  { name: 'E=100, 1 publisher', envelope: 100, publishers: 1, envelopes: 120 },
  { name: 'E=10, 1 publisher', envelope: 10, publishers: 1, envelopes: 500 },
  { name: 'E=10, 8 publishers', envelope: 10, publishers: 8, envelopes: 2000 },
  { name: 'E=1, 8 publishers', envelope: 1, publishers: 8, envelopes: 2000 },
];
/** Streams of the generator: one per layout, repetition and build, none posted twice. */
const FIRST_STREAM = 700;
/** The durable trail's target: at least this share of the baseline's rate. */
const KEPT_SHARE = 0.9;

interface Build {
  name: string;
  root?: string;
  server?: ServerProcess;
  /** Status ids of every acknowledged POST. */
  acknowledged: Set<string>;
  results: Map<string, Burst[]>;
}

interface Burst {
  rate: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: string[];
}

function takeBaseline(argv: string[]): { baseline: string | undefined; rest: string[] } {
  const at = argv.indexOf('--baseline');
  if (at < 0) return { baseline: undefined, rest: argv };
  return { baseline: argv[at + 1], rest: [...argv.slice(0, at), ...argv.slice(at + 2)] };
}

const { baseline, rest } = takeBaseline(process.argv.slice(2));
process.argv.splice(2, process.argv.length - 2, ...rest);

runAsScript('Accord audit trail: ingest with durable audit entries', {}, async (env) => {
  const builds: Build[] = [{ name: 'this build', acknowledged: new Set(), results: new Map() }];
  if (baseline !== undefined) builds.push({ name: 'baseline', root: baseline, acknowledged: new Set(), results: new Map() });
  try {
    for (const build of builds) {
      build.server = await env.startServer(env.tempDir(`audit-${build.name.replace(/ /g, '-')}`), build.name.replace(/ /g, '-'), build.root !== undefined ? { root: build.root } : {});
      await warmUp(env, build.server);
    }
    for (let rep = 1; rep <= env.options.reps; rep++) {
      const order = rep % 2 === 1 ? builds : [...builds].reverse();
      for (const [l, layout] of LAYOUTS.entries()) {
        for (const build of order) {
          const stream = FIRST_STREAM + (l * 10 + rep) * 2 + builds.indexOf(build);
          const burst = await post(env, build, layout, stream);
          build.results.set(layout.name, [...(build.results.get(layout.name) ?? []), burst]);
          log(`  rep ${rep}, ${layout.name}, ${build.name}: ${Math.round(burst.rate).toLocaleString('en-US')} objects/s, ${Math.round(burst.requestsPerSecond)} POST/s, p50 ${burst.p50.toFixed(1)} ms, p99 ${burst.p99.toFixed(1)} ms${burst.errors.length ? `; ERRORS: ${burst.errors.join('; ')}` : ''}`);
        }
      }
    }
    for (const build of builds) report(env, build, builds[1]);
    for (const build of builds) await checkTrail(env, build);
  } finally {
    for (const build of builds) await build.server?.stop();
  }
});

async function post(env: BenchEnv, build: Build, layout: Layout, stream: number): Promise<Burst> {
  const bodies = Array.from({ length: layout.envelopes }, (_, k) => Buffer.from(envelopeText(env.generator.objects(stream, k * layout.envelope, layout.envelope))));
  const client = build.server!.client('publisher', layout.publishers);
  const latencies: number[] = [];
  const errors: string[] = [];
  let next = 0;
  await client.connect(layout.publishers);
  const start = process.hrtime.bigint();
  try {
    await runWorkers(layout.publishers, async () => {
      for (let k = next++; k < bodies.length; k = next++) {
        const reply = await client.post(collectionPath(ROOT, MAIN), bodies[k]!);
        latencies.push(reply.ms);
        const problem = statusProblem(reply, layout.envelope);
        if (problem !== null) {
          if (errors.length < 5) errors.push(`envelope ${k}: ${problem}`);
          continue;
        }
        build.acknowledged.add((JSON.parse(reply.body.toString('utf8')) as { id: string }).id);
      }
    });
  } finally {
    client.close();
  }
  const seconds = elapsedSeconds(start);
  return {
    rate: (layout.envelope * layout.envelopes) / seconds,
    requestsPerSecond: layout.envelopes / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

function report(env: BenchEnv, build: Build, compared: Build | undefined): void {
  for (const layout of LAYOUTS) {
    const bursts = build.results.get(layout.name) ?? [];
    const base = { scenario: 'audit-ingest', size: '-' };
    const rate: Figure = { ...base, name: `${layout.name}, ${build.name}: objects/s`, unit: 'objects/s', http: spread(bursts.map((b) => b.rate)) };
    const other = compared !== undefined && compared !== build ? compared.results.get(layout.name) : undefined;
    if (other !== undefined) {
      // Paired by repetition (the two bursts ran back to back, under the same load elsewhere).
      rate.ratio = spread(bursts.map((b, i) => b.rate / other[i]!.rate)).median;
      rate.target = { text: `≥ ${KEPT_SHARE} × baseline (median of the paired ratios)`, met: rate.ratio >= KEPT_SHARE };
    }
    env.report.add(rate);
    env.report.add({ ...base, name: `${layout.name}, ${build.name}: request p50`, unit: 'ms', http: spread(bursts.map((b) => b.p50)) });
    env.report.add({ ...base, name: `${layout.name}, ${build.name}: request p99`, unit: 'ms', http: spread(bursts.map((b) => b.p99)) });
    const errors = bursts.flatMap((b) => b.errors);
    if (errors.length > 0) env.report.note(`${layout.name}, ${build.name}: ${errors.slice(0, 3).join('; ')}`);
  }
}

/** Every acknowledged POST's add_objects entry, by status id, through the admin API (which writes a buffered trail first). */
async function checkTrail(env: BenchEnv, build: Build): Promise<void> {
  const admin = build.server!.admin(60_000);
  const found = new Set<string>();
  try {
    let after: number | undefined;
    for (;;) {
      const reply = await admin.json('GET', `/admin/audit?limit=1000${after === undefined ? '' : `&after=${after}`}`);
      if (reply.status !== 200) throw new Error(`audit listing answered ${reply.status}`);
      const page = JSON.parse(reply.body.toString('utf8')) as { entries: Array<{ seq: number; operation: string; outcome: number; status_id?: string }>; more: boolean };
      for (const e of page.entries) if (e.operation === 'add_objects' && e.outcome === 202 && e.status_id !== undefined) found.add(e.status_id);
      after = page.entries[page.entries.length - 1]?.seq;
      if (!page.more) break;
    }
  } finally {
    admin.close();
  }
  const missing = [...build.acknowledged].filter((id) => !found.has(id)).length;
  env.report.add({
    scenario: 'audit-ingest',
    size: '-',
    name: `${build.name}: acknowledged POSTs with their audit entry`,
    unit: 'check',
    text: `${build.acknowledged.size - missing} of ${build.acknowledged.size}`,
    target: { text: 'all', met: missing === 0 },
  });
}
