/**
 * Responses written with back-pressure (docs/reliability.md#memory), through a real
 * listening socket: a reader that takes its time gets the whole body intact, and
 * one that goes away mid-body leaves the server serving the others.
 */

import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { body, PASSWORD, RW, standardConfig, startTestServer, TAXII, type TestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';

const COLL = `/api1/collections/${RW}`;
/** Two-unit characters (4 bytes of UTF-8): a write slice must never cut one in half. */
const WIDE = '\u{1F600}';

let server: TestServer;
let listener: Server;
let port: number;
beforeAll(async () => {
  server = await startTestServer((dir) => {
    const config = standardConfig(dir) as { seed: { partnerships: Array<Record<string, unknown>> } };
    config.seed.partnerships[0]!.max_content_length = 20_000_000;
    return config;
  });
  listener = server.runtime.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listener.once('listening', resolve));
  port = (listener.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
  await server.close();
});

function get(path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const auth = Buffer.from(`alice:${PASSWORD}`).toString('base64');
    httpRequest({ port, host: '127.0.0.1', path, agent: false, headers: { Accept: TAXII, Authorization: `Basic ${auth}` } }, resolve).on('error', reject).end();
  });
}

/** Reads a response one chunk at a time, pausing between chunks, as a slow client would. */
function readSlowly(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      res.pause();
      setTimeout(() => res.resume(), 5);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}

test('when a client reads large objects slowly, then every byte arrives intact, Content-Length included, and no character is cut in two', async () => {
  // Descriptions of 8 MB in four-byte characters, one shifted by a character: a slice boundary falls in a pair in one of them.
  const objects = [indicator({ description: WIDE.repeat(2_000_000) }), indicator({ description: `x${WIDE.repeat(2_000_000)}` })];
  for (const obj of objects) {
    expect((await server.post(`${COLL}/objects/`, envelope(obj))).status).toBe(202);
    const res = await get(`${COLL}/objects/${obj.id}/`);
    expect(res.statusCode).toBe(200);
    const bytes = await readSlowly(res);
    expect(bytes.length).toBe(Number(res.headers['content-length']));
    expect(bytes.toString('utf8')).toBe(`{"more":false,"objects":[${JSON.stringify(obj)}]}`);
  }
});

test('when a client goes away in the middle of a large page, then the server keeps serving, and the next reader gets the page whole', async () => {
  const res = await get(`${COLL}/objects/?limit=1`);
  expect(res.statusCode).toBe(200);
  await new Promise<void>((resolve) => res.once('data', () => resolve()));
  res.destroy();
  const again = await get(`${COLL}/objects/?limit=1`);
  const bytes = await readSlowly(again);
  expect(bytes.length).toBeGreaterThan(8_000_000);
  expect(JSON.parse(bytes.toString('utf8')).objects).toHaveLength(1);
  expect(body(await server.get('/api1/')).title).toBe('API root one');
});
