/** The per-object size limit of Add Objects (taxii.max_object_size; docs/reliability.md#memory). */

import { body, RW, standardConfig, startTestServer, type TestServer } from '../support/harness';
import { envelope, indicator, malware } from '../support/stix';

const LIMIT = 2000;
const OBJECTS = `/api1/collections/${RW}/objects/`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer((dir) => ({ ...standardConfig(dir), taxii: { discovery: { title: 'Test server', default: 'api1' }, max_object_size: LIMIT } }));
});
afterAll(async () => server.close());

/** An indicator whose JSON text is exactly `size` bytes; `wide`: its description mostly of two-byte characters. */
function indicatorOfSize(size: number, wide = false): Record<string, unknown> {
  const obj = indicator({ description: '' });
  const fill = size - Buffer.byteLength(JSON.stringify(obj));
  obj.description = wide ? `${'é'.repeat(fill >> 1)}${'x'.repeat(fill & 1)}` : 'x'.repeat(fill);
  expect(Buffer.byteLength(JSON.stringify(obj))).toBe(size);
  return obj;
}

test('when an object is larger than max_object_size, then it alone is refused, by position and naming the limit, and the objects beside it are stored', async () => {
  const before = indicator();
  const tooLarge = indicatorOfSize(LIMIT + 1);
  const atLimit = indicatorOfSize(LIMIT);
  // Fewer characters than the limit, more bytes: the limit counts UTF-8 bytes.
  const wide = indicatorOfSize(LIMIT + 2, true);
  const after = malware();
  const res = await server.post(OBJECTS, envelope(before, tooLarge, atLimit, wide, after));
  expect(res.status).toBe(202);
  const status = body(res);
  expect(status.successes).toEqual([
    { id: before.id, version: before.modified },
    { id: atLimit.id, version: atLimit.modified },
    { id: after.id, version: after.modified },
  ]);
  expect(status.failures).toEqual([
    { id: '/objects/1', version: '', message: expect.stringMatching(/^1 error: \[object-too-large\] this object is 2001 bytes of JSON, over the server's limit of 2000 bytes per object \(taxii.max_object_size\)/) },
    { id: '/objects/3', version: '', message: expect.stringContaining('[object-too-large] this object is 2002 bytes') },
  ]);
  expect((await server.get(`${OBJECTS}${tooLarge.id}/`)).status).toBe(404);
  expect(body(await server.get(`${OBJECTS}${atLimit.id}/`)).objects).toEqual([atLimit]);
});

test('when an oversized element is not even valid JSON, then it is refused for its size, unparsed, and the envelope is still taken', async () => {
  const good = indicator();
  const text = `{"objects":[${JSON.stringify(good)},{"type":"indicator","description":"${'y'.repeat(LIMIT)}",}]}`;
  const res = await server.post(OBJECTS, text);
  expect(res.status).toBe(202);
  expect(body(res)).toMatchObject({ success_count: 1, failure_count: 1, failures: [{ id: '/objects/1', message: expect.stringContaining('[object-too-large]') }] });
});
