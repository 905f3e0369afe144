/**
 * Scenario "validator" (issue 8): objects/s of the STIX validator alone, one
 * core, for comparison with ingest: on the synthetic feed (the objects ingest
 * posts, judged in lists of 1,000 as Add Objects does), and on the ATT&CK corpus
 * by running bench/validator.js (skipped when ../shared/corpus is absent).
 *
 *   node dist/bench/validator-rate.js [--reps 3]
 */

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createValidator } from '../src/stix/validator';
import { log, PAGE, PROJECT_ROOT, runAsScript, type BenchEnv } from './harness';
import { spread } from './report';

const SAMPLE = 20_000;
const SECONDS = 2;

export async function validatorScenario(env: BenchEnv): Promise<void> {
  const objects = [...env.generator.objects(0, 0, SAMPLE)];
  const validator = createValidator();
  const batches: unknown[][] = [];
  for (let i = 0; i < objects.length; i += PAGE) batches.push(objects.slice(i, i + PAGE));
  let rejected = 0;
  const pass = () => {
    rejected = 0;
    for (const batch of batches) for (const verdict of validator.validateObjects(batch, { profile: 'standard', advice: false })) if (!verdict.accepted) rejected++;
  };
  pass();
  pass();
  const rates: number[] = [];
  for (let run = 0; run < env.options.reps; run++) {
    const start = process.hrtime.bigint();
    let count = 0;
    let seconds = 0;
    while (seconds < SECONDS) {
      pass();
      count += objects.length;
      seconds = Number(process.hrtime.bigint() - start) / 1e9;
    }
    rates.push(count / seconds);
  }
  log(`validator, synthetic feed: ${rates.map((r) => Math.round(r).toLocaleString('en-US')).join(', ')} objects/s; rejected ${rejected}`);
  env.report.add({
    scenario: 'validator',
    size: '-',
    name: `validator alone, synthetic feed (${SAMPLE.toLocaleString('en-US')} objects, lists of ${PAGE}), one core: objects/s`,
    unit: 'objects/s',
    http: spread(rates),
    note: `in-process; rejected ${rejected}`,
  });

  const script = join(PROJECT_ROOT, 'dist', 'bench', 'validator.js');
  const corpus = join(PROJECT_ROOT, '..', 'shared', 'corpus', 'attack');
  if (!existsSync(corpus)) {
    env.report.note(`validator on the ATT&CK corpus skipped: ${corpus} is absent`);
    return;
  }
  const run = spawnSync(process.execPath, [script, '--runs', String(env.options.reps), '--seconds', String(SECONDS)], { encoding: 'utf8', timeout: 300_000 });
  const runsLine = /runs \(objects\/s\): (.+)/.exec(run.stdout ?? '');
  const countLine = /validator benchmark: (\d+) ATT&CK objects/.exec(run.stdout ?? '');
  if (run.status !== 0 || !runsLine) {
    env.report.note(`bench/validator.js failed (${run.status}): ${(run.stderr ?? '').slice(0, 300)}`);
    return;
  }
  const attack = runsLine[1]!.split(', ').map((v) => Number(v.replace(/[^0-9.]/g, '')));
  log(`validator, ATT&CK corpus: ${runsLine[1]} objects/s`);
  env.report.add({
    scenario: 'validator',
    size: '-',
    name: `validator alone, ATT&CK corpus (${countLine?.[1] ?? '?'} objects), one core: objects/s`,
    unit: 'objects/s',
    http: spread(attack),
    note: 'node dist/bench/validator.js',
  });
}

if (require.main === module) {
  runAsScript('Accord benchmark: validator', {}, validatorScenario);
}
