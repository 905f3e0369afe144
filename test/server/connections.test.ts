/**
 * Connection caps and timeouts on the real listener (docs/reliability.md#connections),
 * over raw sockets. Other client addresses come from 127.0.0.x: all of 127/8 is
 * loopback on Linux. Timeouts are configured small; the tests assert what happens,
 * never how long it took.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../../src/config/load';
import { startServer, type RunningServer } from '../../src/server';
import { PASSWORD, RW, standardConfig, TAXII } from '../support/harness';
import { indicator } from '../support/stix';

interface Connection {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
}

let dir: string;
let running: RunningServer | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'accord-connections-'));
});
afterEach(async () => {
  await running?.shutdown();
  running = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(server: Record<string, unknown>): Promise<number> {
  running = await startServer(buildConfig(standardConfig(dir, { server: { host: '127.0.0.1', port: 0, ...server } }), 'test'));
  return Number(new URL(running.url).port);
}

function open(port: number, from: string): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: from });
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    // A reset is a close too: what matters is what was received before it.
    socket.on('error', () => undefined);
    const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Sends GET /_health and tells what came back: the status line, or nothing when the server closed the connection unanswered. */
async function probe(port: number, from: string): Promise<string> {
  const { socket, closed } = await open(port, from);
  socket.write('GET /_health HTTP/1.1\r\nHost: accord\r\nConnection: close\r\n\r\n');
  return (await closed).split('\r\n', 1)[0]!;
}

/** Keeps probing until the server answers (it notices a closed connection on its next turn); the last probe's answer. */
async function probeUntilServed(port: number, from: string): Promise<string> {
  let answer = '';
  for (let attempt = 0; attempt < 50 && answer === ''; attempt++) {
    answer = await probe(port, from);
    if (answer === '') await new Promise((r) => setTimeout(r, 20));
  }
  return answer;
}

const basic = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;

test('when one address holds as many connections as its cap, then its next connection is closed unanswered while another address is served', async () => {
  const port = await start({ max_connections_per_address: 3, headers_timeout_seconds: 60 });
  const held = [await open(port, '127.0.0.2'), await open(port, '127.0.0.2'), await open(port, '127.0.0.2')];
  expect(await probe(port, '127.0.0.2')).toBe('');
  expect(await probe(port, '127.0.0.3')).toBe('HTTP/1.1 200 OK');
  // A freed place is given again.
  held[0]!.socket.destroy();
  expect(await probeUntilServed(port, '127.0.0.2')).toBe('HTTP/1.1 200 OK');
  for (const c of held) c.socket.destroy();
});

test('when connections from all addresses reach the total cap, then the next one is closed unanswered until one ends', async () => {
  const port = await start({ max_connections: 4, headers_timeout_seconds: 60 });
  const held = [];
  for (let i = 2; i < 6; i++) held.push(await open(port, `127.0.0.${i}`));
  expect(await probe(port, '127.0.0.9')).toBe('');
  held[0]!.socket.destroy();
  expect(await probeUntilServed(port, '127.0.0.9')).toBe('HTTP/1.1 200 OK');
  for (const c of held) c.socket.destroy();
});

test('when Accord sits behind a trusted proxy, then the per-address cap does not apply to the proxy', async () => {
  const port = await start({ max_connections_per_address: 2, trust_proxy: true, headers_timeout_seconds: 60 });
  const held = [await open(port, '127.0.0.2'), await open(port, '127.0.0.2')];
  expect(await probe(port, '127.0.0.2')).toBe('HTTP/1.1 200 OK');
  for (const c of held) c.socket.destroy();
});

test('when a client does not finish its headers within the header timeout, then the connection is closed with 408', async () => {
  const port = await start({ headers_timeout_seconds: 1 });
  const partial = await open(port, '127.0.0.2');
  partial.socket.write('GET /_health HTTP/1.1\r\nHost: accord\r\n');
  const silent = await open(port, '127.0.0.2');
  expect((await partial.closed).split('\r\n', 1)[0]).toBe('HTTP/1.1 408 Request Timeout');
  expect((await silent.closed).split('\r\n', 1)[0]).toBe('HTTP/1.1 408 Request Timeout');
});

test('when a body trickles in slower than the minimum rate, then it is refused with 408 and the connection closed', async () => {
  const port = await start({ body_min_bytes_per_second: 1000, body_rate_window_seconds: 1 });
  const { socket, closed } = await open(port, '127.0.0.2');
  socket.write(
    `POST /api1/collections/${RW}/objects/ HTTP/1.1\r\nHost: accord\r\nAuthorization: ${basic}\r\nContent-Type: ${TAXII}\r\nAccept: ${TAXII}\r\nContent-Length: 100000\r\n\r\n{"objects":[`,
  );
  const drip = setInterval(() => socket.writable && socket.write('          '), 200);
  try {
    const answer = await closed;
    expect(answer.split('\r\n', 1)[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error_code: 'request_timeout', http_status: '408' });
  } finally {
    clearInterval(drip);
  }
});

test('when a body arrives in pieces but above the minimum rate over each window, then it is accepted', async () => {
  const port = await start({ body_min_bytes_per_second: 1000, body_rate_window_seconds: 1 });
  const body = Buffer.from(`{"objects":[${JSON.stringify(indicator())}${' '.repeat(60_000)}]}`);
  const { socket, closed } = await open(port, '127.0.0.2');
  socket.write(
    `POST /api1/collections/${RW}/objects/ HTTP/1.1\r\nHost: accord\r\nAuthorization: ${basic}\r\nContent-Type: ${TAXII}\r\nAccept: ${TAXII}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
  );
  // About 25 KB/s in 2.5 KB pieces: over two windows, with pauses between pieces.
  for (let at = 0; at < body.length; at += 2500) {
    socket.write(body.subarray(at, at + 2500));
    await new Promise((r) => setTimeout(r, 100));
  }
  expect((await closed).split('\r\n', 1)[0]).toBe('HTTP/1.1 202 Accepted');
});

test('when a refused request still has a large body to send, then the answer closes the connection instead of waiting for the body', async () => {
  const port = await start({});
  const { socket, closed } = await open(port, '127.0.0.2');
  socket.write(`POST /api1/collections/${RW}/objects/ HTTP/1.1\r\nHost: accord\r\nContent-Type: ${TAXII}\r\nContent-Length: 1000000\r\n\r\n{"objects":[`);
  const answer = await closed;
  expect(answer.split('\r\n', 1)[0]).toBe('HTTP/1.1 401 Unauthorized');
  expect(answer).toMatch(/\r\nConnection: close\r\n/i);
});
