/**
 * Bounded concurrency of password checks (docs/reliability.md#login-throttling). An
 * scrypt check holds a core for about a tenth of a second, so a flood of wrong
 * passwords from many addresses, each under its failure limit, would otherwise queue
 * thousands of checks in front of a partner's login. Here at most one check per core
 * runs at once, each source has one running and a few waiting, and waiting checks go
 * in order of standing: pairs that logged in before, then sources without failures,
 * then the rest. Past the bounds a check is refused at once (429, retry in a second)
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
  const slots = availableParallelism();
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

  /** Runs `check` when a slot is free for it; refuses with 429 past the bounds. */
  async run<T>(source: string, account: string | undefined, standing: Standing, check: () => Promise<T>): Promise<T> {
    // A known pair has its own place, so a guesser behind the same address cannot take it.
    const holder = standing === 'known' ? `${source} ${account ?? ''}` : source;
    if ((this.held.get(holder) ?? 0) >= this.limits.perSource) {
      throw new TooManyRequestsError(RETRY_AFTER_SECONDS, `Too many password checks from this address at once; retry in ${RETRY_AFTER_SECONDS} s.`);
    }
    this.held.set(holder, (this.held.get(holder) ?? 0) + 1);
    try {
      if (this.runningHolders.size >= this.limits.slots || this.runningHolders.has(holder)) await this.wait(holder, ORDER.indexOf(standing));
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

  private wait(holder: string, lane: number): Promise<void> {
    if (this.waitingCount >= this.limits.maxWaiting && !this.dropWorseThan(lane)) {
      return Promise.reject(busy());
    }
    return new Promise<void>((start, refuse) => {
      this.waiting[lane]!.push({ holder, start, refuse });
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
