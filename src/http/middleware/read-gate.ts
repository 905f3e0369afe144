import type { RequestHandler } from 'express';

export interface ReadGate {
  /** Marks a request that writes objects. */
  writer: RequestHandler;
  /** Waits for admission before a page read. */
  reader: RequestHandler;
}

/** How long after the last write the gate stays on: publishers post back to back. */
const WRITE_ACTIVITY_MS = 1000;

/**
 * Keeps publishers from being starved by pollers (issue 8: ingest under mixed load
 * at least half of ingest alone). The server runs on one thread and serves every
 * ready request once per event-loop turn, so 64 consumers paging take most of each
 * turn from 8 publishers, although an envelope costs ten times a page. While
 * objects are being added (or were within the last second), page reads are
 * admitted at most `perTurn` per turn; otherwise they pass straight through.
 */
export function createReadGate(perTurn: number, now: () => number = () => performance.now(), perTurnWhileWriting = perTurn): ReadGate {
  let writers = 0;
  let lastWrite = -Infinity;
  const waiting: Array<() => void> = [];
  let draining = false;

  const writing = () => writers > 0 || now() - lastWrite < WRITE_ACTIVITY_MS;
  // A request adding objects works in time slices and pauses between them
  // (docs/reliability.md#responsiveness): while one is in flight, a turn admits
  // `perTurnWhileWriting`, so that the reads admitted at each pause do not take most of the time.
  const admissible = () => (writers > 0 ? perTurnWhileWriting : writing() ? perTurn : Infinity);
  const drain = () => {
    draining = false;
    const admit = Math.min(admissible(), waiting.length);
    for (const release of waiting.splice(0, admit)) release();
    if (waiting.length > 0) schedule();
  };
  const schedule = () => {
    if (draining) return;
    draining = true;
    setImmediate(drain);
  };

  const writer: RequestHandler = (_req, res, next) => {
    writers++;
    lastWrite = now();
    res.once('close', () => {
      writers--;
      lastWrite = now();
    });
    next();
  };

  const reader: RequestHandler = (_req, _res, next) => {
    if (waiting.length === 0 && !writing()) return next();
    waiting.push(() => next());
    schedule();
  };

  return { writer, reader };
}
