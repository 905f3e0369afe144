/**
 * The load a retention sweep runs under (issue 13): pollers paging the prefilled
 * collection as in poll and mixed (`limit=1000`, `next`, resuming with
 * `added_after`), and publishers posting 1,000-object envelopes as in mixed, with
 * every request's start and end kept, so that any stretch of time (before the
 * sweep, during it) can be looked at afterwards: latency percentiles, the longest
 * gap between two completed requests of one client, and the longest time in which
 * no request of any client completed.
 */

import { statusProblem } from './checks';
import { consume, httpReader, PollStats, type ConsumerPlan, type PageReader } from './consumers';
import type { ExpectedVersions } from './expected';
import { mulberry32, type StixGenerator, type StixObject } from './generator';
import { collectionPath, MAIN, PAGE, ROOT, runWorkers, type ServerProcess } from './harness';
import { afterPosition, type Prefill } from './prefill';
import { percentile } from './report';

const SESSION_PAGES = 10;
const RESUME_EVERY = 5;

export type RequestKind = 'page' | 'post';

interface Request {
  kind: RequestKind;
  /** Poller c is client c; publisher p is client POLLERS + p. */
  client: number;
  /** performance.now() at the start and at the end (answer or failure). */
  start: number;
  end: number;
}

/** A stretch of time, in performance.now() milliseconds. */
export interface Window {
  from: number;
  to: number;
}

export interface WindowFigures {
  requests: number;
  p50: number;
  p99: number;
  max: number;
  /** Longest time between two completed requests of one client (kind), overlapping the window. */
  longestClientGap: number;
}

export interface LoadShape {
  pollers: number;
  publishers: number;
  /** First generator stream of the publishers (one stream each). */
  firstStream: number;
}

export class Load {
  private readonly requests: Request[] = [];
  private readonly plans: ConsumerPlan[] = [];
  private readonly pollStats = new PollStats();
  private stopping = false;
  private publishErrors = 0;
  private readonly publishProblems: string[] = [];

  constructor(
    private readonly shape: LoadShape,
    private readonly prefill: Prefill,
    private readonly generator: StixGenerator,
    /** Every version whose post succeeded is added here. */
    private readonly posted: ExpectedVersions,
  ) {}

  get errors(): number {
    return this.pollStats.errors + this.publishErrors;
  }

  get problems(): string[] {
    return [...this.pollStats.problems, ...this.publishProblems].slice(0, 5);
  }

  /** Runs until stop(); resolves when every client has finished its last request. */
  async run(server: ServerProcess): Promise<void> {
    const { pollers, publishers } = this.shape;
    const consumers = server.client('consumer', pollers);
    const publisher = server.client('publisher', publishers);
    try {
      await Promise.all([consumers.connect(pollers), publisher.connect(publishers)]);
      await Promise.all([
        runWorkers(pollers, (c) => this.poll(c, this.timedReader(c, httpReader(consumers, ROOT, MAIN)))),
        runWorkers(publishers, (p) =>
          this.publish(p, async (body, count) => {
            const reply = await publisher.post(collectionPath(ROOT, MAIN), body);
            const problem = statusProblem(reply, count);
            if (problem !== null) throw new Error(problem);
          }),
        ),
      ]);
    } finally {
      consumers.close();
      publisher.close();
    }
  }

  /** Clients send no new request after this. */
  stop(): void {
    this.stopping = true;
    for (const plan of this.plans) plan.deadline = 0n;
  }

  figures(kind: RequestKind, window: Window): WindowFigures {
    const overlapping = this.requests.filter((r) => r.kind === kind && r.start < window.to && r.end > window.from);
    const latencies = overlapping.map((r) => r.end - r.start);
    const ends = new Map<number, number[]>();
    for (const r of this.requests) if (r.kind === kind) (ends.get(r.client) ?? ends.set(r.client, []).get(r.client)!).push(r.end);
    let longestClientGap = 0;
    for (const times of ends.values()) longestClientGap = Math.max(longestClientGap, longestGap(times, window));
    return {
      requests: overlapping.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.length === 0 ? NaN : Math.max(...latencies),
      longestClientGap,
    };
  }

  /** Longest time, overlapping the window, in which no request of any client completed. */
  longestSilence(window: Window): number {
    return longestGap(
      this.requests.map((r) => r.end),
      window,
    );
  }

  private async poll(c: number, read: PageReader): Promise<void> {
    const pages = Math.floor(this.prefill.objects / PAGE);
    const random = mulberry32(0x5eeb + c);
    const plan: ConsumerPlan = {
      read,
      afterPage: (page) => afterPosition(this.prefill, page * PAGE),
      nextSession: () => ({ page: Math.floor(random() * pages), pages: SESSION_PAGES }),
      resumeEvery: RESUME_EVERY,
      deadline: this.stopping ? 0n : BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000n,
      stats: this.pollStats,
    };
    this.plans.push(plan);
    await consume(plan);
  }

  private async publish(p: number, post: (body: Buffer, count: number) => Promise<void>): Promise<void> {
    const stream = this.shape.firstStream + p;
    let serial = 0;
    const generate = () => {
      const objects = [...this.generator.objects(stream, serial, PAGE)];
      serial += PAGE;
      return { objects, body: Buffer.from(`{"objects":[${objects.map((o) => JSON.stringify(o)).join(',')}]}`) };
    };
    let next: { objects: StixObject[]; body: Buffer } = generate();
    const client = this.shape.pollers + p;
    while (!this.stopping) {
      const envelope = next;
      const start = performance.now();
      const pending = post(envelope.body, envelope.objects.length);
      // Generated while the server works on the post (on the other core).
      next = generate();
      try {
        await pending;
        this.posted.addAll(envelope.objects);
      } catch (error) {
        this.publishErrors++;
        if (this.publishProblems.length < 5) this.publishProblems.push(`publisher ${p}: ${(error as Error).message}`);
      } finally {
        this.requests.push({ kind: 'post', client, start, end: performance.now() });
      }
    }
  }

  private timedReader(client: number, read: PageReader): PageReader {
    return async (query) => {
      const start = performance.now();
      try {
        return await read(query);
      } finally {
        this.requests.push({ kind: 'page', client, start, end: performance.now() });
      }
    };
  }
}

/** Longest interval between consecutive times (sorted here) that overlaps the window. */
function longestGap(times: number[], window: Window): number {
  const sorted = Float64Array.from(times).sort();
  let longest = 0;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]! > window.from && sorted[i - 1]! < window.to) longest = Math.max(longest, sorted[i]! - sorted[i - 1]!);
  }
  return longest;
}
