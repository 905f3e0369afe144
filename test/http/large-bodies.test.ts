/**
 * Large Add Objects bodies (docs/reliability.md#responsiveness): read, walked, judged
 * and stored in time slices, others answered in between; too-deep elements refused
 * unparsed (docs/validation.md#limits). The server yields at every chance here
 * (`sliceMs: 0`), so that "answered in between" is a matter of order, not of speed.
 */

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { FIRST_STORE_CALL } from '../../src/taxii/add-objects';
import { formatVerdictMessage } from '../../src/stix/messages';
import { createValidator } from '../../src/stix/validator';
import { body, PASSWORD, RW, standardConfig, startTestServer, TAXII, type TestServer } from '../support/harness';
import { indicator } from '../support/stix';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(
    (dataDir) => {
      const config = standardConfig(dataDir) as { seed: { partnerships: Array<Record<string, unknown>> } };
      config.seed.partnerships[0]!.max_content_length = 16_000_000;
      return config;
    },
    { sliceMs: 0 },
  );
});
afterAll(async () => server.close());
afterEach(() => jest.restoreAllMocks());

const OBJECTS = `/api1/collections/${RW}/objects/`;

/** `levels` nested lists: `[[…]]`. */
const lists = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

function text(obj: Record<string, unknown>): string {
  return JSON.stringify(obj);
}

describe('responsiveness', () => {
  test('when a large envelope is judged, then a request sent meanwhile is answered before it, and every object is stored in order', async () => {
    const objects = Array.from({ length: 3000 }, (_, i) => indicator({ name: `Indicator ${i}` }));
    const order: string[] = [];
    let health: Promise<number> | undefined;
    // The health check is sent once the body is read and judging has begun.
    const judge = server.runtime.ctx.judge;
    const session = judge.session.bind(judge);
    jest.spyOn(judge, 'session').mockImplementation((profile) => {
      const inner = session(profile);
      return {
        judge: (obj, index) => {
          if (index === 0) health = server.raw().get('/_health').then((res) => (order.push('health'), res.status));
          return inner.judge(obj, index);
        },
      };
    });

    const res = await server.post(OBJECTS, `{"objects":[${objects.map(text).join(',')}]}`).then((r) => (order.push('post'), r));
    expect(await health).toBe(200);
    expect(order).toEqual(['health', 'post']);

    const status = body(res);
    expect([res.status, status.status, status.total_count, status.success_count, status.failure_count]).toEqual([202, 'complete', 3000, 3000, 0]);
    expect(status.successes).toEqual(objects.map((o) => ({ id: o.id, version: o.modified })));
    for (const at of [0, 1499, 2999]) {
      const got = await server.get(`${OBJECTS}${objects[at]!.id}/`);
      expect(got.text).toBe(`{"more":false,"objects":[${text(objects[at]!)}]}`);
    }
  });

  test('when a large body comes without Content-Length, then it is read whole and stored', async () => {
    const objects = Array.from({ length: 500 }, () => indicator());
    const payload = Buffer.from(`{"objects":[${objects.map(text).join(',')}]}`);
    const listener = http.createServer(server.runtime.app).listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const port = (listener.address() as { port: number }).port;
      const answer = await new Promise<{ code: number; text: string }>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, method: 'POST', path: OBJECTS, auth: `alice:${PASSWORD}`, headers: { 'Content-Type': TAXII, Accept: TAXII, 'Transfer-Encoding': 'chunked' } },
          (res) => {
            let received = '';
            res.on('data', (c) => (received += c));
            res.on('end', () => resolve({ code: res.statusCode!, text: received }));
          },
        );
        req.on('error', reject);
        // Many small writes: many chunks to join.
        for (let at = 0; at < payload.length; at += 4096) req.write(payload.subarray(at, at + 4096));
        req.end();
      });
      expect(answer.code).toBe(202);
      expect(JSON.parse(answer.text).successes).toEqual(objects.map((o) => ({ id: o.id, version: o.modified })));
    } finally {
      listener.closeAllConnections();
      listener.close();
    }
  });
});

describe('nesting', () => {
  test('when elements nest deeper than 64 levels, then each is refused alone with the validator message, named by its id, and its neighbours are stored', async () => {
    const within = indicator({ x_deep: JSON.parse(lists(63)) });
    const deep = indicator({ x_deep: JSON.parse(lists(64)) });
    const hostileId = `indicator--${randomUUID()}`;
    // A million brackets: refused without being parsed.
    const hostile = `{"type":"indicator","id":"${hostileId}","modified":"2026-02-01T00:00:00.000Z","x_deep":${lists(1_000_000)}}`;
    const after = indicator();
    const res = await server.post(OBJECTS, `{"objects":[${text(within)},${text(deep)},${lists(70)},${hostile},${text(after)}]}`);
    const status = body(res);
    expect(res.status).toBe(202);

    const validatorMessage = formatVerdictMessage(createValidator().session({ profile: 'standard' }).validate(deep, 1));
    expect(validatorMessage).toBe('1 error: [object-limits] /: nesting deeper than 64 levels');
    expect(status.successes).toEqual([
      { id: within.id, version: within.modified },
      { id: after.id, version: after.modified },
    ]);
    expect(status.failures).toEqual([
      { id: deep.id, version: deep.modified, message: validatorMessage },
      { id: '/objects/2', version: '', message: '1 error: [object-shape] /: must be a JSON object, got list' },
      { id: hostileId, version: '2026-02-01T00:00:00.000Z', message: validatorMessage },
    ]);
    expect((await server.get(`${OBJECTS}${deep.id}/`)).status).toBe(404);
  });

  test('when a too-deep element is not valid JSON, then the whole body is 422 and nothing of it is stored', async () => {
    const good = indicator();
    const broken = `{"type":"indicator","x_deep":${'['.repeat(100)}1 2${']'.repeat(100)}}`;
    const res = await server.post(OBJECTS, `{"objects":[${text(good)},${broken}]}`);
    expect(res.status).toBe(422);
    expect(body(res).description).toMatch(/^The body is not valid JSON: objects\[1\]: expected ',' or '\]' at byte \d+/);
    expect((await server.get(`${OBJECTS}${good.id}/`)).status).toBe(404);
  });
});

describe('store calls', () => {
  test('when good, bad and repeated objects span several store calls, then each outcome is the one a single call gives, in envelope order', async () => {
    const repeated = indicator();
    const reworded = { ...repeated, name: 'Reworded' };
    // Candidates 0, FIRST_STORE_CALL + 10 and 3 × FIRST_STORE_CALL: never in the same store call.
    const total = 4 * FIRST_STORE_CALL;
    const elements: string[] = [];
    const successes: Array<Record<string, unknown>> = [];
    const failures: Array<[string, string]> = [];
    let candidates = 0;
    for (let i = 0; elements.length < total; i++) {
      if (i % 37 === 5) {
        const bad = indicator({ pattern: "[ipv4-addr:value = '10.0.0.1'" });
        elements.push(text(bad));
        failures.push([bad.id as string, 'pattern-syntax']);
        continue;
      }
      if (candidates === FIRST_STORE_CALL + 10 || candidates === 3 * FIRST_STORE_CALL) {
        const again = candidates === FIRST_STORE_CALL + 10 ? repeated : reworded;
        elements.push(text(again));
        const message = again === repeated ? 'version already present' : expect.stringMatching(/^version already present as a different text/);
        successes.push({ id: repeated.id, version: repeated.modified, message });
      } else {
        const fresh = candidates === 0 ? repeated : indicator();
        elements.push(text(fresh));
        successes.push({ id: fresh.id, version: fresh.modified });
      }
      candidates++;
    }

    const status = body(await server.post(OBJECTS, `{"objects":[${elements.join(',')}]}`));
    expect([status.status, status.total_count, status.success_count, status.failure_count]).toEqual(['complete', total, successes.length, failures.length]);
    expect(status.successes).toEqual(successes);
    expect(status.failures.map((f: { id: string; message: string }) => [f.id, /\[([a-z-]+)\]/.exec(f.message)?.[1]])).toEqual(failures);
    const stored = await server.get(`${OBJECTS}${repeated.id}/?match[version]=all`);
    expect(stored.text).toBe(`{"more":false,"objects":[${text(repeated)}]}`);
  });
});
