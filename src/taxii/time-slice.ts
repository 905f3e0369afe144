/**
 * Time slices of one long request (docs/reliability.md#responsiveness): it works
 * for a slice, then lets the event loop answer everyone else before going on.
 */

import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Milliseconds of work between two yields: short next to the 250 ms others may wait. */
export const SLICE_MS = 10;

export class TimeSlice {
  private started = performance.now();

  constructor(private readonly ms = SLICE_MS) {}

  /** This slice has had its time: the caller should `await pause()` at its next safe point. */
  isSpent(): boolean {
    return performance.now() - this.started >= this.ms;
  }

  /**
   * Lets other clients run, then starts a new slice. Two turns: a request that arrived
   * during the slice is read in the first and may be deferred to the turn after it (the
   * read gate admits page reads that way while objects are being added), so it is answered
   * before this request goes on, not after its next slice.
   */
  async pause(): Promise<void> {
    await nextTurn();
    await nextTurn();
    this.started = performance.now();
  }
}
