/**
 * Caps on open connections (docs/reliability.md#connections): in total, through Node's
 * `maxConnections` (checked as a connection is accepted, before a byte is read), and
 * per client address, counted here from the socket's own address. A connection over a
 * cap is closed at once, without an answer: a 503 would cost a TLS handshake on HTTPS,
 * and on plain HTTP closing with the request unread resets the connection, which
 * often discards the answer anyway. Refusals are reported in summaries, not one by one,
 * since they come in floods.
 */

import { readFileSync } from 'node:fs';
import type { Server, Socket } from 'node:net';

export interface ConnectionCaps {
  total: number;
  /** 0: no cap per address. */
  perAddress: number;
}

/** Connections refused since the last summary, by cap. */
export interface Refusals {
  overTotal: number;
  overPerAddress: number;
}

const SUMMARY_INTERVAL_MS = 10_000;

/** Applies the caps to `server`; `report` hears of refusals at most every 10 s. */
export function capConnections(server: Server, caps: ConnectionCaps, report: (refusals: Refusals) => void): void {
  let refusals: Refusals = { overTotal: 0, overPerAddress: 0 };
  let summary: NodeJS.Timeout | undefined;
  const refused = (cap: keyof Refusals) => {
    refusals[cap]++;
    summary ??= setTimeout(() => {
      report(refusals);
      refusals = { overTotal: 0, overPerAddress: 0 };
      summary = undefined;
    }, SUMMARY_INTERVAL_MS).unref();
  };

  server.maxConnections = caps.total;
  server.on('drop', () => refused('overTotal'));
  if (caps.perAddress === 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    // Already gone (the address is read from the closed handle).
    if (address === undefined) return void socket.destroy();
    const count = open.get(address) ?? 0;
    if (count >= caps.perAddress) {
      refused('overPerAddress');
      return void socket.destroy();
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = open.get(address)! - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/** The process's soft limit on open files, where /proc tells it (Linux), else undefined. */
export function openFilesLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line ? Number(line[1]) : undefined;
  } catch {
    return undefined;
  }
}
