/**
 * Bounded concurrency of password checks (docs/reliability.md#login-throttling). An
 * scrypt check holds a core for about a tenth of a second, so a flood of wrong
 * passwords from many addresses, each under its failure limit, would otherwise queue
 * thousands of checks in front of a partner's login. Here checks run on all cores but
 * one, each source has one running and a few waiting, and waiting checks go
 * in order of standing: pairs that logged in before, then sources without failures
 * (their first check only), then the rest. Past the bounds a check is refused at once (429, retry in a second)
 * rather than left waiting without end; a better-standing check takes the place of
 * the newest waiting one of the worst standing.
 */

import { availableParallelism } from 'node:os';
import { TooManyRequestsError } from '../errors';
import type { Standing } from './login-throttle';

export interface CheckLimits {
  /** Checks running at once. */
  slots: number;
  /** Checks of one source (or of one known pair) running or waiting at once. */
  perSource: number;
  /** Checks waiting at once, all sources together. */
  maxWaiting: number;
}

const ORDER: readonly Standing[] = ['known', 'clean', 'suspect'];
const RETRY_AFTER_SECONDS = 1;

function defaultLimits(): CheckLimits {
  // One core stays with the event loop, which answers everything else (and the checks' requests).
  const slots = Math.max(1, availableParallelism() - 1);
  // The last in line waits about 16 checks (2 s here): longer, and clients give up while their checks still wait.
  return { slots, perSource: 4, maxWaiting: 16 * slots };
}

interface Waiter {
  holder: string;
  start(): void;
  refuse(error: Error): void;
}

export class PasswordChecks {
  private readonly waiting: Waiter[][] = ORDER.map(() => []);
  private readonly held = new Map<string, number>();
  private readonly runningHolders = new Set<string>();
  private waitingCount = 0;

  constructor(private readonly limits: CheckLimits = defaultLimits()) {}

  /** Runs `check` when a slot is free for it; refuses with 429 past the bounds, or when `abandoned` fires while it waits. */
  async run<T>(source: string, account: string | undefined, standing: Standing, check: () => Promise<T>, abandoned?: AbortSignal): Promise<T> {
    // A known pair has its own place, so a guesser behind the same address cannot take it.
    const holder = standing === 'known' ? `${source} ${account ?? ''}` : source;
    const held = this.held.get(holder) ?? 0;
    if (held >= this.limits.perSource) {
      throw new TooManyRequestsError(RETRY_AFTER_SECONDS, `Too many password checks from this address at once; retry in ${RETRY_AFTER_SECONDS} s.`);
    }
    // A source without failures yet, but with checks already here, is a burst: only its first goes ahead of suspects.
    const lane = standing === 'clean' && held > 0 ? ORDER.indexOf('suspect') : ORDER.indexOf(standing);
    this.held.set(holder, held + 1);
    try {
      if (this.runningHolders.size >= this.limits.slots || this.runningHolders.has(holder)) await this.wait(holder, lane, abandoned);
      this.runningHolders.add(holder);
      try {
        return await check();
      } finally {
        this.runningHolders.delete(holder);
        this.startNext();
      }
    } finally {
      const left = this.held.get(holder)! - 1;
      if (left === 0) this.held.delete(holder);
      else this.held.set(holder, left);
    }
  }

  private wait(holder: string, lane: number, abandoned: AbortSignal | undefined): Promise<void> {
    if (abandoned?.aborted || (this.waitingCount >= this.limits.maxWaiting && !this.dropWorseThan(lane))) {
      return Promise.reject(busy());
    }
    return new Promise<void>((start, refuse) => {
      // A client that left no longer needs its check: its place goes to the next.
      const leave = () => {
        const line = this.waiting[lane]!;
        const at = line.indexOf(waiter);
        if (at < 0) return;
        line.splice(at, 1);
        this.waitingCount--;
        refuse(busy());
      };
      const waiter: Waiter = {
        holder,
        start: () => {
          abandoned?.removeEventListener('abort', leave);
          start();
        },
        refuse: (error) => {
          abandoned?.removeEventListener('abort', leave);
          refuse(error);
        },
      };
      abandoned?.addEventListener('abort', leave, { once: true });
      this.waiting[lane]!.push(waiter);
      this.waitingCount++;
    });
  }

  /** Refuses the newest waiting check of the worst standing below `lane`; false when there is none. */
  private dropWorseThan(lane: number): boolean {
    for (let worse = ORDER.length - 1; worse > lane; worse--) {
      const dropped = this.waiting[worse]!.pop();
      if (dropped) {
        this.waitingCount--;
        dropped.refuse(busy());
        return true;
      }
    }
    return false;
  }

  /** Starts the first waiting check, best standing first, whose source has none running. */
  private startNext(): void {
    if (this.runningHolders.size >= this.limits.slots) return;
    for (const lane of this.waiting) {
      const next = lane.findIndex((w) => !this.runningHolders.has(w.holder));
      if (next < 0) continue;
      const [waiter] = lane.splice(next, 1);
      this.waitingCount--;
      // Marked running now, so a check finishing in the same turn does not start a second one for it.
      this.runningHolders.add(waiter!.holder);
      waiter!.start();
      return;
    }
  }
}

function busy(): TooManyRequestsError {
  return new TooManyRequestsError(RETRY_AFTER_SECONDS, `The server is checking too many passwords at once; retry in ${RETRY_AFTER_SECONDS} s.`);
}
