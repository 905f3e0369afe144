/**
 * Figures of a benchmark run: per-repetition values summarised as median and
 * spread (min–max), the in-process twin beside them, the machine and the
 * versions; printed as a table and saved as JSON in bench/results/.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export interface Figure {
  scenario: string;
  /** Collection size the figure was measured at, or '-' when it does not apply. */
  size: string;
  name: string;
  unit: string;
  http?: Spread;
  /** The same work in-process, without HTTP. */
  twin?: Spread;
  /** http/twin of the medians (for rates below 1 means HTTP costs; for latencies above 1). */
  ratio?: number;
  /** A pass/fail or text outcome (checks), printed in place of a number. */
  text?: string;
  target?: { text: string; met: boolean };
  note?: string;
}

export function spread(runs: readonly number[]): Spread {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length === 0 ? NaN : sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN, runs: [...runs] };
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  accordVersion: string;
  gitCommit: string;
}

export function describeMachine(projectRoot: string): Machine {
  let gitCommit = 'unknown';
  try {
    // Read-only: rev-parse never touches the index or the working tree.
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    // Not a git checkout (a tarball): the version alone identifies the code.
  }
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version?: string };
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${release()}`,
    accordVersion: pkg.version ?? 'unknown',
    gitCommit,
  };
}

export function formatNumber(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '-';
  if (unit === 'ms') return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  if (unit === 'x' || unit === 'ratio') return value.toFixed(2);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(1);
}

function cells(figure: Figure): string[] {
  const { http, twin, unit } = figure;
  const median = figure.text ?? (http ? formatNumber(http.median, unit) : '-');
  const range = http && http.runs.length > 1 ? `${formatNumber(http.min, unit)}–${formatNumber(http.max, unit)}` : '';
  const runs = http ? String(http.runs.length) : '';
  const target = figure.target ? `${figure.target.met ? 'met' : 'NOT MET'}: ${figure.target.text}` : '';
  return [
    figure.scenario,
    figure.size,
    figure.name,
    unit,
    median,
    range,
    runs,
    twin ? formatNumber(twin.median, unit) : '',
    figure.ratio !== undefined ? figure.ratio.toFixed(2) : '',
    target,
  ];
}

const HEADER = ['scenario', 'size', 'figure', 'unit', 'median', 'spread (min–max)', 'n', 'twin median', 'HTTP/twin', 'target'];

export function formatTable(figures: readonly Figure[]): string {
  const rows = [HEADER, ...figures.map(cells)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const numeric = new Set([4, 5, 6, 7, 8]);
  const line = (row: string[]) =>
    row
      .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export class Report {
  readonly figures: Figure[] = [];
  readonly notes: string[] = [];
  readonly started = new Date();

  constructor(readonly machine: Machine, readonly options: Record<string, unknown>) {}

  add(figure: Figure): Figure {
    if (figure.http && figure.twin && figure.ratio === undefined && figure.twin.median !== 0) figure.ratio = figure.http.median / figure.twin.median;
    this.figures.push(figure);
    return figure;
  }

  note(text: string): void {
    this.notes.push(text);
    console.log(`  note: ${text}`);
  }

  /** Prints the table and saves the JSON; returns the JSON file's path. */
  finish(resultsDir: string, title: string): string {
    const finished = new Date();
    const seconds = (finished.getTime() - this.started.getTime()) / 1000;
    const m = this.machine;
    console.log(`\n${title}`);
    console.log(`machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}`);
    console.log(`Accord ${m.accordVersion}, commit ${m.gitCommit.slice(0, 12)}; took ${formatDuration(seconds)}\n`);
    console.log(formatTable(this.figures));
    const unmet = this.figures.filter((f) => f.target && !f.target.met);
    if (this.notes.length > 0) console.log(`\nnotes:\n${this.notes.map((n) => `- ${n}`).join('\n')}`);
    console.log(`\ntargets: ${this.figures.filter((f) => f.target?.met).length} met, ${unmet.length} not met`);
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `${this.started.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify({ title, started: this.started.toISOString(), finished: finished.toISOString(), seconds, machine: m, options: this.options, figures: this.figures, notes: this.notes }, null, 2) + '\n',
    );
    console.log(`results: ${file}`);
    return file;
  }
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}
