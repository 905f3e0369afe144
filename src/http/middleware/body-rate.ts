import type { Express, Request } from 'express';
import { RequestTimeoutError } from '../../errors';

/**
 * The minimum rate of a request body (docs/reliability.md#connections): while the
 * server reads a body, each window must bring at least `minBytesPerSecond × windowSeconds`
 * bytes, or the body is refused (408) and the connection closed. A client sending one
 * byte now and then under a large Content-Length would otherwise hold its socket and its
 * buffers until the request timeout. Windows in which the server itself stopped reading
 * (the socket paused by back-pressure) do not count against the client.
 */
export interface BodyRate {
  minBytesPerSecond: number;
  windowSeconds: number;
}

const LOCALS_KEY = 'accordBodyRate';

/** Sets the rate every body of the app is held to; 0 bytes/s turns the check off. */
export function setBodyRate(app: Express, rate: BodyRate): void {
  app.locals[LOCALS_KEY] = rate;
}

/** Watches the body of `req` until the returned stop is called; `onTooSlow` runs at most once. */
export function watchBodyRate(req: Request, onTooSlow: (error: RequestTimeoutError) => void): () => void {
  const rate = req.app.locals[LOCALS_KEY] as BodyRate | undefined;
  if (rate === undefined || rate.minBytesPerSecond === 0) return () => undefined;
  const socket = req.socket;
  const needed = rate.minBytesPerSecond * rate.windowSeconds;
  let from = socket.bytesRead;
  let paused = socket.isPaused();
  const onPause = () => {
    paused = true;
  };
  const timer = setInterval(() => {
    const received = socket.bytesRead - from;
    from = socket.bytesRead;
    const excused = paused || socket.isPaused();
    paused = socket.isPaused();
    if (!excused && received < needed) {
      stop();
      onTooSlow(new RequestTimeoutError(rate.minBytesPerSecond, rate.windowSeconds));
    }
  }, rate.windowSeconds * 1000);
  timer.unref();
  socket.on('pause', onPause);
  const stop = () => {
    clearInterval(timer);
    socket.off('pause', onPause);
  };
  return stop;
}
