/** Add Objects and Get Status (TAXII 2.1 §5.5, §4.3; docs/taxii.md#add-objects). */
import { gzipSync } from 'node:zlib';

import { randomUUID } from 'node:crypto';
import { body, PASSWORD, RW, startTestServer, TAXII, type TestServer } from '../support/harness';
import { envelope, indicator, ipv4, malware } from '../support/stix';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

const OBJECTS = `/api1/collections/${RW}/objects/`;

describe('accepted envelopes', () => {
  test('when an envelope of valid objects is posted, then 202 with a complete status listing each success', async () => {
    const a = indicator();
    const b = malware();
    const res = await server.post(OBJECTS, envelope(a, b));
    expect(res.status).toBe(202);
    expect(res.headers['content-type']).toBe(TAXII);
    const status = body(res);
    expect(status).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      status: 'complete',
      request_timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
      total_count: 2,
      success_count: 2,
      successes: [
        { id: a.id, version: a.modified },
        { id: b.id, version: b.modified },
      ],
      failure_count: 0,
      pending_count: 0,
    });
    const stored = body(await server.get(`${OBJECTS}${a.id}/`));
    expect(stored.objects).toEqual([a]);
  });

  test('when the status is fetched, with or without the trailing slash, then it equals the 202 body', async () => {
    const posted = body(await server.post(OBJECTS, envelope(indicator())));
    for (const path of [`/api1/status/${posted.id}/`, `/api1/status/${posted.id}`]) {
      const res = await server.get(path);
      expect(res.status).toBe(200);
      expect(body(res)).toEqual(posted);
    }
  });

  test('when objects are posted with unusual spellings, then they come back byte for byte', async () => {
    const id = `indicator--${randomUUID()}`;
    const text = `{"type":"indicator","spec_version":"2.1","id":"${id}","created":"2026-01-01T00:00:00.123456789Z","modified":"2026-01-01T00:00:00.123456789Z","pattern_type":"stix","pattern":"[ipv4-addr:value = '10.0.0.1']","valid_from":"2026-01-01T00:00:00Z","confidence":50.0,"x_note":"caf\\u00e9 ✓","nested":{"b":1,"a":[1e2, 2]}}`;
    const res = await server.post(OBJECTS, `{"objects":[ ${text} ]}`);
    expect(body(res).success_count).toBe(1);
    const got = await server.get(`${OBJECTS}${id}/`);
    expect(got.text).toBe(`{"more":false,"objects":[${text}]}`);
  });

  test('when a STIX bundle is posted with the STIX media type, then its objects are added', async () => {
    const a = indicator();
    const res = await server
      .raw()
      .post(OBJECTS)
      .auth('alice', PASSWORD)
      .set('Accept', TAXII)
      .set('Content-Type', 'application/stix+json; version=2.1')
      .send(JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, spec_version: '2.1', objects: [a] }));
    expect(res.status).toBe(202);
    expect(body(res).successes).toEqual([{ id: a.id, version: a.modified }]);
  });

  test('when the Content-Type has no version, then it means TAXII 2.1', async () => {
    const res = await server.raw().post(OBJECTS).auth('alice', PASSWORD).set('Content-Type', 'application/taxii+json').send(JSON.stringify(envelope(indicator())));
    expect(res.status).toBe(202);
  });
});

describe('per-object results', () => {
  test('when an envelope mixes good and bad objects, then the good ones are stored and each bad one is a failure', async () => {
    const good1 = indicator();
    const good2 = ipv4('198.51.100.7');
    const noType = { id: `indicator--${randomUUID()}`, spec_version: '2.1' };
    const wrongPrefix = indicator({ id: `malware--${randomUUID()}` });
    const badTime = malware({ modified: '2026-13-01T00:00:00Z' });
    const notObject = 'just a string';
    const specTwo: Record<string, unknown> = { ...malware(), spec_version: '2.0' };
    const res = await server.post(OBJECTS, envelope(good1, noType, wrongPrefix, good2, badTime, notObject, specTwo));
    const status = body(res);
    expect(res.status).toBe(202);
    expect(status.total_count).toBe(7);
    expect(status.success_count).toBe(2);
    expect(status.failure_count).toBe(5);
    expect(status.successes.map((s: { id: string }) => s.id)).toEqual([good1.id, good2.id]);
    expect(status.failures.map((f: { id: string }) => f.id)).toEqual([noType.id, wrongPrefix.id, badTime.id, '/objects/5', specTwo.id]);
    expect(status.failures.map((f: { message: string }) => /\[([a-z0-9-]+)\]/.exec(f.message)?.[1])).toEqual([
      'required-property',
      'id-type-prefix',
      'timestamp-calendar',
      'object-shape',
      'spec-version-value',
    ]);
    expect(status.failures[1].message).toContain('/id');
    expect(status.failures[3]).toEqual({ id: '/objects/5', version: '', message: expect.stringContaining('must be a JSON object') });
    expect((await server.get(`${OBJECTS}${good2.id}/`)).status).toBe(200);
    expect((await server.get(`${OBJECTS}${wrongPrefix.id}/`)).status).toBe(404);
  });

  test('when an object repeats a member name, at the top or deep inside, then it is refused (what is served is what was validated) and its neighbours are stored', async () => {
    const good = indicator();
    const smuggled = indicator();
    const deep = indicator({ external_references: [{ source_name: 'a', external_id: '1' }, { source_name: 'b', url: 'https://example.com/' }] });
    const smuggledText = JSON.stringify(smuggled).replace('{', '{"pattern":"GARBAGE[","type":"malware",');
    const deepText = JSON.stringify(deep).replace('"url":', '"url":"https://evil.example/","url":');
    const escaped = indicator();
    const escapedText = JSON.stringify(escaped).replace('{', '{"n\\u0061me":"x",');
    // The same names in sibling and nested objects are not duplicates.
    const sameNamesApart = indicator({ kill_chain_phases: [{ kill_chain_name: 'k', phase_name: 'a' }, { kill_chain_name: 'k', phase_name: 'b' }], external_references: [{ source_name: 'name', external_id: 'x' }] });
    const text = `{"objects":[${JSON.stringify(good)},${smuggledText},${deepText},${escapedText},${JSON.stringify(sameNamesApart)}]}`;
    const status = body(await server.raw().post(OBJECTS).auth('alice', PASSWORD).set({ 'Content-Type': TAXII, Accept: TAXII }).send(text));
    expect(status.successes.map((s: { id: string }) => s.id)).toEqual([good.id, sameNamesApart.id]);
    expect(status.failures.map((f: { id: string; message: string }) => [f.id, f.message])).toEqual([
      [smuggled.id, expect.stringMatching(/^1 error: \[duplicate-member\] \/type: /)],
      [deep.id, expect.stringMatching(/^1 error: \[duplicate-member\] \/external_references\/1\/url: /)],
      [escaped.id, expect.stringMatching(/^1 error: \[duplicate-member\] \/name: /)],
    ]);
    expect((await server.get(`${OBJECTS}${smuggled.id}/`)).status).toBe(404);
  });

  test('when a bad element has no STIX identifier or timestamp, then the status names it by its position and echoes no made-up version', async () => {
    const good = indicator();
    const status = body(
      await server.post(OBJECTS, envelope(good, { type: 'malware', id: 'not-an-id' }, { type: 'malware', id: '/objects/0' }, { type: 'x---y', id: `x---y--${randomUUID()}`, modified: '<img src=x onerror=alert(1)>' })),
    );
    expect(status.failures.map((f: { id: string; version: string }) => [f.id, f.version])).toEqual([
      ['/objects/1', ''],
      ['/objects/2', ''],
      ['/objects/3', ''],
    ]);
  });

  test('when a repeated member name is 100,000 characters long, then the failure message stays short', async () => {
    // Inside a custom property, where the validator does not judge key names.
    const key = 'k'.repeat(100_000);
    const text = JSON.stringify(indicator()).replace('{', `{"x_d":{"${key}":1,"${key}":2},`);
    const status = body(await server.raw().post(OBJECTS).auth('alice', PASSWORD).set({ 'Content-Type': TAXII, Accept: TAXII }).send(`{"objects":[${text}]}`));
    expect(status.failures[0].message).toMatch(/^1 error: \[duplicate-member\] \/x_d\/k+…: /);
    expect(status.failures[0].message.length).toBeLessThan(1300);
  });

  test('when a version already stored is posted again, then it is a success and nothing changes', async () => {
    const a = indicator();
    await server.post(OBJECTS, envelope(a));
    const before = await server.get(`/api1/collections/${RW}/manifest/?match[id]=${a.id}`);
    const again = body(await server.post(OBJECTS, envelope(a, { ...a, name: 'changed' })));
    expect(again.success_count).toBe(2);
    expect(again.successes[0].message).toBe('version already present');
    expect(again.successes[1].message).toContain('different text');
    const after = await server.get(`/api1/collections/${RW}/manifest/?match[id]=${a.id}`);
    expect(after.text).toBe(before.text);
    expect(body(await server.get(`${OBJECTS}${a.id}/`)).objects[0].name).toBe('Malicious site');
  });

  test('when an SCO without created or modified is posted, then its version is its date_added and a re-post is a duplicate', async () => {
    const ip = ipv4('203.0.113.9');
    const first = body(await server.post(OBJECTS, envelope(ip)));
    const manifest = body(await server.get(`/api1/collections/${RW}/manifest/?match[id]=${ip.id}`));
    expect(first.successes[0].version).toBe(manifest.objects[0].date_added);
    const second = body(await server.post(OBJECTS, envelope(ip)));
    expect(second.successes[0]).toEqual({ id: ip.id, version: first.successes[0].version, message: 'version already present' });
  });
});

describe('rejected requests', () => {
  test.each([
    ['not JSON', '{"objects": [', 'not valid JSON'],
    ['a JSON array', '[]', 'JSON object'],
    ['no objects', '{}', 'non-empty'],
    ['empty objects', '{"objects": []}', 'non-empty'],
    ['objects not a list', '{"objects": {"a": 1}}', 'non-empty'],
    ['a bare STIX object', JSON.stringify(indicator()), 'non-empty'],
    ['followed by garbage', '{"objects":[{"type":"x"}]} trailing', 'not valid JSON'],
    ['with a trailing comma in the list', '{"objects":[{"type":"x"},]}', 'not valid JSON'],
    ['with a trailing comma in the object', '{"objects":[{"type":"x"}],}', 'not valid JSON'],
    ['two values without a comma', '{"objects":[1 2]}', 'not valid JSON'],
    ['a bracket mismatch inside an element', '{"objects":[{"a":[1,2}]}', 'not valid JSON'],
    ['an unterminated string', '{"objects":[{"a":"b}]}', 'not valid JSON'],
    ['objects set to null', '{"objects":null}', 'non-empty'],
    ['a malformed member after objects', '{"objects":[{"type":"x"}],"id":bundle}', 'not valid JSON'],
  ])('when the body is %s, then 422 with an error resource', async (_name, text, phrase) => {
    const res = await server.post(OBJECTS, text);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe(TAXII);
    expect(body(res).error_code).toBe('unprocessable_content');
    expect(body(res).description).toContain(phrase);
  });

  test('when one element deep in a large envelope is malformed, then 422 and nothing of the envelope is stored', async () => {
    const good = Array.from({ length: 50 }, () => JSON.stringify(indicator()));
    const text = `{"objects":[${good.slice(0, 40).join(',')},{"type": "indicator", "id": ],${good.slice(40).join(',')}]}`;
    expect((await server.post(OBJECTS, text)).status).toBe(422);
    const first = JSON.parse(good[0]!).id as string;
    expect((await server.get(`${OBJECTS}${first}/`)).status).toBe(404);
  });

  test('when the objects key is written with escapes or repeated, then it is read as JSON.parse reads it', async () => {
    const a = indicator();
    const b = indicator();
    const escaped = body(await server.post(OBJECTS, `{"obj\u0065cts": [${JSON.stringify(a)}]}`));
    expect(escaped.successes.map((x: { id: string }) => x.id)).toEqual([a.id]);
    const repeated = body(await server.post(OBJECTS, `{"objects": [{"type":"ignored"}], "type": "bundle", "objects": [${JSON.stringify(b)}]}`));
    expect(repeated.successes.map((x: { id: string }) => x.id)).toEqual([b.id]);
    expect(repeated.total_count).toBe(1);
  });

  test('when the body is compressed, then 415 naming the encoding, and nothing is stored', async () => {
    const object = indicator();
    const res = await server.raw().post(OBJECTS).auth('alice', PASSWORD).set({ 'Content-Type': TAXII, 'Content-Encoding': 'gzip' }).send(gzipSync(JSON.stringify(envelope(object))));
    expect([res.status, res.headers['content-type'], JSON.parse(res.text).error_code]).toEqual([415, TAXII, 'unsupported_media_type']);
    expect(JSON.parse(res.text).description).toContain('Content-Encoding gzip');
    expect((await server.get(`${OBJECTS}${object.id}/`)).status).toBe(404);
  });

  test('when the body is not valid UTF-8, then 422', async () => {
    const bytes = Buffer.concat([Buffer.from('{"objects":[{"x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]);
    const res = await server.raw().post(OBJECTS).auth('alice', PASSWORD).set('Content-Type', TAXII).send(bytes);
    expect(res.status).toBe(422);
  });

  test.each([
    [undefined],
    ['application/json'],
    ['application/x-www-form-urlencoded'],
    ['application/taxii+json;version=2.0'],
    ['application/vnd.oasis.taxii+json; version=2.0'],
    ['text/plain'],
    ['application/taxii+json;version=2.1;charset=latin1'],
  ])('when Content-Type is %s, then 415', async (type) => {
    let req = server.raw().post(OBJECTS).auth('alice', PASSWORD).set('Accept', TAXII);
    if (type !== undefined) req = req.set('Content-Type', type);
    const res = await req.send(Buffer.from(JSON.stringify(envelope(indicator()))));
    expect(res.status).toBe(415);
    expect(body(res).error_code).toBe('unsupported_media_type');
  });

  test('when Content-Length exceeds max_content_length, then 413 before the body is read', async () => {
    const big = JSON.stringify(envelope(indicator({ description: 'x'.repeat(1_000_001) })));
    const res = await server.post(OBJECTS, big);
    expect(res.status).toBe(413);
    expect(body(res).error_code).toBe('payload_too_large');
  });

  test('when a chunked body grows past max_content_length, then 413 while streaming', async () => {
    const { Readable } = await import('node:stream');
    const http = await import('node:http');
    const listener = http.createServer(server.runtime.app).listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const port = (listener.address() as { port: number }).port;
      const status = await new Promise<{ code: number; text: string }>((resolve, reject) => {
        let answered = false;
        const req = http.request(
          { host: '127.0.0.1', port, method: 'POST', path: OBJECTS, auth: `alice:${PASSWORD}`, headers: { 'Content-Type': TAXII, 'Transfer-Encoding': 'chunked' } },
          (res) => {
            answered = true;
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('close', () => resolve({ code: res.statusCode!, text }));
          },
        );
        // Once the 413 is in, the server closing the connection may cut the rest of the upload short.
        req.on('error', (error) => {
          if (!answered) reject(error);
        });
        const chunks = Array.from({ length: 40 }, () => Buffer.alloc(50_000, 0x20));
        Readable.from([Buffer.from('{"objects":['), ...chunks]).pipe(req);
      });
      expect(status.code).toBe(413);
      expect(JSON.parse(status.text).http_status).toBe('413');
    } finally {
      listener.closeAllConnections();
      listener.close();
    }
  });

  test('when a body is exactly max_content_length bytes, then it is not refused for size', async () => {
    const base = JSON.stringify(envelope(indicator({ description: '' })));
    const padded = base.replace('"description":""', `"description":"${'y'.repeat(1_000_000 - base.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(1_000_000);
    expect((await server.post(OBJECTS, padded)).status).toBe(202);
  });
});

describe('refusal order', () => {
  const oversized = () => Buffer.from(JSON.stringify(envelope(indicator({ description: 'x'.repeat(1_000_001) }))));
  const post = (user: string, contentType: string, accept = TAXII) =>
    server.raw().post(OBJECTS).auth(user, PASSWORD).set('Accept', accept).set('Content-Type', contentType).send(oversized());

  test('when a consumer posts an oversized body of another media type, then 403: the write right is checked first', async () => {
    const res = await post('carol', 'text/plain');
    expect(res.status).toBe(403);
    expect(body(res).error_code).toBe('forbidden');
  });

  test('when a publisher posts an oversized body of another media type, then 415 before 413', async () => {
    expect((await post('alice', 'text/plain')).status).toBe(415);
  });

  test('when a caller who cannot see the collection posts an oversized body of another media type, then 404', async () => {
    expect((await post('bob', 'text/plain')).status).toBe(404);
  });

  test('when a caller who cannot see the collection posts with an unacceptable Accept, then 406 before 404', async () => {
    expect((await post('bob', 'text/plain', 'text/html')).status).toBe(406);
  });
});

describe('status resources', () => {
  test('when an unknown or malformed status id is asked, then 404', async () => {
    expect((await server.get(`/api1/status/${randomUUID()}/`)).status).toBe(404);
    expect((await server.get('/api1/status/not-a-uuid/')).status).toBe(404);
  });

  test("when another user asks for alice's status, then 404 as if it did not exist", async () => {
    const posted = body(await server.post(OBJECTS, envelope(indicator())));
    expect((await server.get(`/api1/status/${posted.id}/`, 'carol')).status).toBe(404);
    expect((await server.get(`/api2/status/${posted.id}/`, 'bob')).status).toBe(404);
  });
});
