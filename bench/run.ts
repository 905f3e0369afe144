/**
 * The whole benchmark suite (issue 8): validator, then for each size ingest
 * (with the prefill), memory, filters, poll, mixed and retention, each beside its
 * in-process twin, and on MongoDB when MONGODB_URI is set (mongodb.ts; else one line
 * says it was skipped); one table and one JSON file in bench/results/.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/run.js            # 10k and 1m
 *   node dist/bench/run.js --quick                                # 10k only
 *   node dist/bench/run.js --size 10k,1m,10m --seconds 60         # 10m only when asked
 *   node dist/bench/run.js --only ingest,poll                     # a subset
 */

import { filtersScenario } from './filters';
import { log, type BenchEnv, runAsScript, type SizeName } from './harness';
import { ingestScenario } from './ingest';
import { memoryScenario } from './memory';
import { mixedScenario } from './mixed';
import { mongodbScenario } from './mongodb';
import { pollScenario } from './poll';
import { formatDuration } from './report';
import { retentionScenario } from './retention';
import { validatorScenario } from './validator-rate';

const SCENARIOS: Record<string, (env: BenchEnv, size: SizeName) => Promise<void>> = {
  ingest: ingestScenario,
  memory: memoryScenario,
  filters: filtersScenario,
  poll: pollScenario,
  mixed: mixedScenario,
  retention: retentionScenario,
  mongodb: mongodbScenario,
};

/** `--only a,b` is the suite's own option; the rest go to the shared parser. */
function takeOnly(argv: string[]): { only: Set<string> | undefined; rest: string[] } {
  const at = argv.indexOf('--only');
  if (at < 0) return { only: undefined, rest: argv };
  const names = (argv[at + 1] ?? '').split(',').filter(Boolean);
  for (const name of names) if (name !== 'validator' && !(name in SCENARIOS)) throw new Error(`unknown scenario ${name}: ${['validator', ...Object.keys(SCENARIOS)].join(', ')}`);
  return { only: new Set(names), rest: [...argv.slice(0, at), ...argv.slice(at + 2)] };
}

const { only, rest } = takeOnly(process.argv.slice(2));
process.argv.splice(2, process.argv.length - 2, ...rest);

runAsScript('Accord benchmark suite', { sizes: ['10k', '1m'] }, async (env) => {
  const started = process.hrtime.bigint();
  const wanted = (name: string) => only === undefined || only.has(name);
  if (wanted('validator')) await validatorScenario(env);
  for (const size of env.options.sizes) {
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      if (!wanted(name)) continue;
      const begun = process.hrtime.bigint();
      await scenario(env, size);
      log(`${name} ${size} done in ${formatDuration(Number(process.hrtime.bigint() - begun) / 1e9)}`);
    }
  }
  env.report.note(`the whole run took ${formatDuration(Number(process.hrtime.bigint() - started) / 1e9)} (sizes ${env.options.sizes.join(', ')})`);
});
