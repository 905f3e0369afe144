import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { MicroClock } from '../../store/clock';

/** Gives every request an id (echoed as X-Request-Id and used as the error_id) and its arrival time. */
export function requestContext(clock: MicroClock): RequestHandler {
  return (req, res, next) => {
    req.accord = { id: randomUUID(), receivedAt: clock() };
    res.setHeader('X-Request-Id', req.accord.id);
    // Responses describe per-caller, changing data (docs/taxii.md#response-headers).
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
