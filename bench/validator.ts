/**
 * Validator throughput on the ATT&CK bundles of the shared corpus (issue 3,
 * Performance): warm-up, then repeated passes over every object on one core for a
 * few seconds; prints the median objects/s of the runs, Node version and CPU.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/validator.js [--seconds 3] [--runs 5] [--profile strict] [--advice]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/paths';
import { createValidator } from '../src/stix/validator';
import type { Profile } from '../src/stix/issues';

interface Options {
  seconds: number;
  runs: number;
  profile: Profile;
  advice: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { seconds: 3, runs: 5, profile: 'standard', advice: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if (arg === '--seconds' && next) options.seconds = Number(next);
    else if (arg === '--runs' && next) options.runs = Math.max(3, Number(next));
    else if (arg === '--profile' && (next === 'strict' || next === 'standard')) options.profile = next;
    else if (arg === '--advice') options.advice = true;
  }
  return options;
}

function loadAttackObjects(corpusDir: string): unknown[] {
  const dir = join(corpusDir, 'attack');
  if (!existsSync(dir)) throw new Error(`ATT&CK corpus not found at ${dir}`);
  const objects: unknown[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const bundle = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { objects?: unknown[] };
    objects.push(...(bundle.objects ?? []));
  }
  return objects;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const root = projectRoot(__dirname);
  const objects = loadAttackObjects(join(root, '..', 'shared', 'corpus'));
  const compileStart = process.hrtime.bigint();
  const validator = createValidator();
  const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;
  const opts = { profile: options.profile, advice: options.advice };

  let rejected = 0;
  for (let pass = 0; pass < 3; pass++) {
    rejected = 0;
    for (let i = 0; i < objects.length; i++) if (!validator.validateObject(objects[i], { ...opts, index: i }).accepted) rejected++;
  }

  const rates: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    let count = 0;
    const start = process.hrtime.bigint();
    const budget = BigInt(Math.round(options.seconds * 1e9));
    let elapsed = 0n;
    while (elapsed < budget) {
      for (let i = 0; i < objects.length; i++) validator.validateObject(objects[i], { ...opts, index: i });
      count += objects.length;
      elapsed = process.hrtime.bigint() - start;
    }
    rates.push(count / (Number(elapsed) / 1e9));
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`validator benchmark: ${objects.length} ATT&CK objects, profile ${options.profile}, advice ${options.advice ? 'on' : 'off'}`);
  console.log(`node ${process.version} on ${cpu} (${cpus().length} logical CPUs, one used)`);
  console.log(`schemas compiled in ${compileMs.toFixed(0)} ms; rejected objects: ${rejected}`);
  console.log(`runs (objects/s): ${rates.map((r) => Math.round(r).toLocaleString('en-US')).join(', ')}`);
  console.log(`median: ${Math.round(median(rates)).toLocaleString('en-US')} objects/s`);
}

main();
