/** Microseconds since the epoch: the wall clock at start-up plus a monotonic elapsed time. */
export function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

export type MicroClock = () => number;
