/**
 * The retention scenario's figures (issue 13): the sweep's rate and duration
 * beside its twin's, what the load saw before and during each sweep, and the
 * checks. The bar for a stall: the longest page during a sweep may exceed the
 * longest page before it by at most one page interval, defined as the pollers'
 * median page time before the sweep.
 */

import { RETENTION_BATCH, type BenchEnv, type SizeName } from './harness';
import { percentile, spread, type Figure } from './report';
import type { ExpectedSweep, SweptCollection } from './retention-checks';
import type { Window, WindowFigures } from './retention-load';

interface CpuShare {
  server: number;
  bench: number;
}

/** One poller's pages, nothing else running (or only a sweep). */
export interface LightPolling {
  pages: WindowFigures;
  errors: number;
  problems: string[];
}

/** One sweep under load, and the same load just before it. */
export interface LoadedSweep {
  swept: SweptCollection[];
  /** Wall clock, µs since the epoch: the request, and when the load stopped. */
  startedAt: number;
  loadStoppedAt: number;
  /** From the request to the answer. */
  sweepSeconds: number;
  /** Of the sweep under load (all of it, unless the load stopped first). */
  loadedSeconds: number;
  before: Window;
  pages: { before: WindowFigures; during: WindowFigures };
  posts: { before: WindowFigures; during: WindowFigures };
  silence: { before: number; during: number };
  errors: number;
  problems: string[];
  cpu: { before: CpuShare; during: CpuShare };
  peakBefore: number;
  /** The rest of a sweep that outlasted the load, with one poller. */
  rest?: LightPolling;
}

export interface HttpRun {
  preview: SweptCollection[];
  /** One poller before any sweep: the baseline of `first.rest`. */
  light: LightPolling;
  /** The sweep that removes the expired objects. */
  first: LoadedSweep;
  /** A sweep right after, with nothing left to remove. */
  second: LoadedSweep;
  /** Objects of the first sweep whose tombstone was left while the load ran. */
  removedUnderLoad: number;
  /** Milliseconds from one batch's first tombstone to the next batch's, under load. */
  batchGaps: number[];
  /** From the first sweep's request to its last tombstone, by the server's clock. */
  tombstoneSeconds: number;
  peakAfter: number;
  rssAfter: number;
  checks: string[];
}

export interface TwinRun {
  seconds: number;
  objects: number;
  /** Event-loop turns of the first sweep: each holds one batch without a break. */
  turnsMs: number[];
  secondSeconds: number;
  problems: string[];
}

export interface Shape {
  pollers: number;
  publishers: number;
  previewLimit: number;
}

export function report(env: BenchEnv, size: SizeName, expected: ExpectedSweep, http: HttpRun, twin: TwinRun | undefined, shape: Shape): void {
  const base = { scenario: 'retention', size };
  const add = (name: string, unit: string, value: number, extra: Partial<Figure> = {}) => env.report.add({ ...base, name, unit, http: spread([value]), ...extra });
  const beside = (figure: Figure, twinValue: number | undefined) => {
    if (twinValue === undefined) return;
    figure.twin = spread([twinValue]);
    figure.ratio = figure.http!.median / twinValue;
  };
  const { first, second } = http;
  const removed = first.swept.reduce((n, c) => n + c.objects, 0);
  const records = first.swept.reduce((n, c) => n + c.records, 0);
  const finished = http.removedUnderLoad === removed;

  const rate = add(`sweep under load (${shape.pollers} pollers, ${shape.publishers} publishers): objects removed/s`, 'objects/s', http.removedUnderLoad / first.loadedSeconds, {
    note: `${http.removedUnderLoad} of ${removed} objects removed in ${first.loadedSeconds.toFixed(2)} s under load; batch ${RETENTION_BATCH}; the twin sweeps without load`,
  });
  beside(rate, twin && twin.objects / twin.seconds);
  const duration = add(
    `sweep duration, ${removed.toLocaleString('en-US')} of ${expected.versions.size.toLocaleString('en-US')} objects (${records.toLocaleString('en-US')} records)${finished ? '' : `; load stopped after ${first.loadedSeconds.toFixed(0)} s`}`,
    's',
    first.sweepSeconds,
    { note: `request to answer; request to last tombstone ${http.tombstoneSeconds.toFixed(2)} s (server clock)` },
  );
  beside(duration, twin?.seconds);
  if (!finished) {
    const rest = removed - http.removedUnderLoad;
    const alone = first.sweepSeconds - first.loadedSeconds;
    add('sweep after the load stopped: objects removed/s', 'objects/s', rest / alone, { note: `${rest} objects in ${alone.toFixed(1)} s` });
  }
  const batches = add(`from one sweep batch (${RETENTION_BATCH} objects) to the next, under load: median`, 'ms', percentile(http.batchGaps, 50), {
    note: `max ${fmt(Math.max(...http.batchGaps))} ms over ${http.batchGaps.length} intervals; the sweep yields one event-loop turn per batch; twin: one turn, without load`,
  });
  beside(batches, twin && percentile(twin.turnsMs, 50));
  if (twin) {
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    // The last tick comes after the sweep has answered.
    const turns = twin.turnsMs.slice(0, -1);
    env.report.add({
      ...base,
      name: 'twin: a sweep turn (one batch, event loop held), first ten → last ten (mean), longest',
      unit: 'ms',
      text: `${fmt(mean(turns.slice(0, 10)))} → ${fmt(mean(turns.slice(-10)))}, ${fmt(Math.max(...turns))}`,
      note: `${turns.length} turns`,
    });
  }
  const previewIds = http.preview.reduce((n, c) => n + c.objects, 0);
  const previewProblems = http.checks.filter((p) => p.startsWith('the preview'));
  env.report.add({
    ...base,
    name: `preview (limit ${shape.previewLimit.toLocaleString('en-US')}) = the first ids the sweep removed`,
    unit: 'check',
    text: previewProblems.length === 0 ? `yes (${previewIds})` : 'NO',
    target: { text: 'agrees', met: previewProblems.length === 0 },
    ...(previewProblems.length > 0 ? { note: previewProblems.join('; ') } : {}),
  });

  const interval = first.pages.before.p50;
  for (const [label, key] of [
    ['p50', 'p50'],
    ['p99', 'p99'],
    ['max', 'max'],
    ['longest gap between 2 pages of one poller', 'longestClientGap'],
  ] as const) {
    add(`poller page ${label}, before the sweep${key === 'p50' ? ' (= the page interval)' : ''}`, 'ms', first.pages.before[key]);
    const during = add(`poller page ${label}, during the sweep${finished ? '' : ' (under load)'}`, 'ms', first.pages.during[key]);
    if (key === 'max' || key === 'longestClientGap') {
      const bar = first.pages.before[key] + interval;
      during.target = { text: `≤ before + page interval = ${bar.toFixed(0)} ms`, met: first.pages.during[key] <= bar };
    }
  }
  for (const key of ['p50', 'p99', 'max'] as const) {
    add(`publisher post (1,000 objects) ${key}, before → during the sweep`, 'ms', first.posts.during[key], { text: `${fmt(first.posts.before[key])} → ${fmt(first.posts.during[key])}` });
  }
  add('longest time no request completed (any client), before → during', 'ms', first.silence.during, { text: `${fmt(first.silence.before)} → ${fmt(first.silence.during)}` });
  add('requests (pages + posts), before → during', 'count', first.pages.during.requests + first.posts.during.requests, {
    text: `${first.pages.before.requests} + ${first.posts.before.requests} → ${first.pages.during.requests} + ${first.posts.during.requests}`,
    note: `CPU (share of one core) before: server ${pct(first.cpu.before.server)}, bench ${pct(first.cpu.before.bench)}; during: server ${pct(first.cpu.during.server)}, bench ${pct(first.cpu.during.bench)}; before window ${((first.before.to - first.before.from) / 1000).toFixed(1)} s`,
  });

  const rest = first.rest;
  // A sweep that ended within the poller's first page leaves nothing to compare.
  if (rest && rest.pages.requests > 0) {
    const light = http.light.pages;
    add('one poller alone, no sweep: page p50 (= its page interval)', 'ms', light.p50, { text: `${fmt(light.p50)} (max ${fmt(light.max)})` });
    const lightBar = light.max + light.p50;
    add('one poller during the rest of the sweep (load stopped): page max', 'ms', rest.pages.max, {
      text: `${fmt(rest.pages.max)} (p50 ${fmt(rest.pages.p50)}, p99 ${fmt(rest.pages.p99)})`,
      note: `${rest.pages.requests} pages; longest gap between two pages ${fmt(rest.pages.longestClientGap)} ms`,
      target: { text: `≤ max alone + its page interval = ${lightBar.toFixed(0)} ms`, met: rest.pages.max <= lightBar },
    });
  }
  const again = add('second sweep, nothing left to remove (what every later sweep pays): duration', 's', second.sweepSeconds);
  beside(again, twin?.secondSeconds);
  const bar = second.pages.before.max + second.pages.before.p50;
  add('poller page max, before → during the second sweep', 'ms', second.pages.during.max, {
    text: `${fmt(second.pages.before.max)} → ${fmt(second.pages.during.max)}`,
    target: { text: `≤ before + page interval (${fmt(second.pages.before.p50)}) = ${bar.toFixed(0)} ms`, met: second.pages.during.max <= bar },
  });
  add('longest time no request completed, before → during the second sweep', 'ms', second.silence.during, { text: `${fmt(second.silence.before)} → ${fmt(second.silence.during)}` });

  const errors = first.errors + second.errors + http.light.errors + (rest?.errors ?? 0);
  const problems = [...first.problems, ...second.problems, ...http.light.problems, ...(rest?.problems ?? [])];
  env.report.add({
    ...base,
    name: 'errors of pollers and publishers (10 s client timeout)',
    unit: 'count',
    text: String(errors),
    target: { text: '0', met: errors === 0 },
    ...(problems.length > 0 ? { note: problems.slice(0, 3).join('; ') } : {}),
  });
  const storeProblems = [...http.checks.filter((p) => !p.startsWith('the preview')), ...(twin?.problems ?? [])];
  env.report.add({
    ...base,
    name: 'after: expired gone, all else there; tombstones once each (retention)',
    unit: 'check',
    text: storeProblems.length === 0 ? 'yes' : 'NO',
    target: { text: 'exactly the expired removed', met: storeProblems.length === 0 },
    ...(storeProblems.length > 0 ? { note: storeProblems.slice(0, 5).join('; ') } : {}),
  });
  add('server RSS peak (VmHWM), before → after the sweeps', 'MiB', http.peakAfter, {
    text: `${first.peakBefore.toFixed(0)} → ${http.peakAfter.toFixed(0)}`,
    note: `RSS after the sweeps ${http.rssAfter.toFixed(0)} MiB`,
    target: { text: 'peak < 250 MiB', met: http.peakAfter < 250 },
  });
}

const fmt = (ms: number) => (Number.isFinite(ms) ? (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)) : '-');
const pct = (share: number) => `${Math.round(share * 100)}%`;
