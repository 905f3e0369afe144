/** Rules every endpoint shares: media types, authentication, errors, URL shapes (docs/taxii.md). */

import { body, PASSWORD, RW, startTestServer, TAXII, type TestServer } from '../support/harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

function expectError(res: { status: number; headers: Record<string, string>; text: string }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe(TAXII);
  const err = JSON.parse(res.text);
  expect(err.title).toEqual(expect.any(String));
  expect(err.http_status).toBe(String(status));
  expect(err.error_code).toBe(code);
  expect(err.error_id).toMatch(/^[0-9a-f-]{36}$/);
  return err;
}

describe('content negotiation', () => {
  test.each([
    ['application/taxii+json;version=2.1'],
    ['application/taxii+json; version=2.1'],
    ['application/taxii+json;version="2.1"'],
    ['application/taxii+json'],
    ['APPLICATION/TAXII+JSON;VERSION=2.1'],
    ['application/stix+json;version=2.1'],
    ['*/*'],
    ['application/*'],
    ['application/json'],
    ['application/json, text/plain, */*'],
    ['text/html, application/taxii+json;version=2.1;q=0.5'],
    ['application/taxii+json;version=2.1;charset=utf-8'],
  ])('when Accept is %s, then discovery is served as TAXII 2.1', async (accept) => {
    const res = await server.raw().get('/taxii2/').auth('alice', PASSWORD).set('Accept', accept);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(TAXII);
  });

  test('when no Accept header is sent, then the TAXII type is served', async () => {
    const res = await server.raw().get('/taxii2/').auth('alice', PASSWORD).unset('Accept');
    expect(res.status).toBe(200);
  });

  test.each([
    ['application/xml'],
    ['text/html'],
    ['application/taxii+json;version=2.0'],
    ['application/taxii+json;version=3.0'],
    ['application/taxii+json;version=2.1;q=0'],
  ])('when Accept is %s, then the answer is 406 with an error resource', async (accept) => {
    const res = await server.raw().get('/api1/').auth('alice', PASSWORD).set('Accept', accept);
    expectError(res, 406, 'not_acceptable');
  });

  test('when a TAXII 2.0 type is asked of a resource served in 2.1 only, then the 406 says so', async () => {
    const res = await server.raw().get('/api1/collections/rw/manifest/').auth('alice', PASSWORD).set('Accept', 'application/vnd.oasis.taxii+json; version=2.0');
    expect(expectError(res, 406, 'not_acceptable').description).toContain('TAXII 2.1');
  });

  test('when a GET carries a Content-Type, then it is ignored', async () => {
    const res = await server.get('/api1/').set('Content-Type', 'application/json');
    expect(res.status).toBe(200);
  });

  test('when responses are sent, then they are not cacheable and carry no ETag', async () => {
    const res = await server.get('/api1/collections/');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.etag).toBeUndefined();
  });
});

describe('authentication', () => {
  test.each(['/taxii2/', '/api1/', '/api1/collections/', `/api1/collections/${RW}/objects/`, '/nowhere/at/all', '/'])(
    'when %s is requested without credentials, then 401 with a Basic and a Bearer challenge',
    async (path) => {
      const res = await server.raw().get(path).set('Accept', TAXII);
      expectError(res, 401, 'unauthenticated');
      expect(res.headers['www-authenticate']).toBe('Basic realm="Accord", charset="UTF-8", Bearer realm="Accord"');
    },
  );

  test('when the password is wrong, then 401 without saying whether the user exists', async () => {
    const known = await server.raw().get('/taxii2/').auth('alice', 'wrong');
    const unknown = await server.raw().get('/taxii2/').auth('nobody', 'wrong');
    expect(known.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(JSON.parse(known.text).description).toBe(JSON.parse(unknown.text).description);
  });

  test.each([
    ['Basic !!!notbase64'],
    ['Basic ' + Buffer.from('no-colon').toString('base64')],
    ['Bearer abc'],
    ['Basic'],
  ])('when Authorization is malformed (%s), then 401', async (header) => {
    const res = await server.raw().get('/taxii2/').set('Authorization', header);
    expectError(res, 401, 'unauthenticated');
  });

  test('when the scheme is written in lower case, then Basic still works', async () => {
    const res = await server.raw().get('/taxii2/').set('Authorization', `basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`);
    expect(res.status).toBe(200);
  });

  test('when the health endpoint is probed, then it answers without credentials', async () => {
    const res = await server.raw().get('/_health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('URLs and methods', () => {
  test('when a path segment is not valid percent-encoding, then 400, the same for a partnership one sees and one one does not, and 401 first without credentials', async () => {
    const paths = ['/%FF/', '/api1/collections/%C0%AF/', '/api2/collections/%C0%AF/', `/api1/collections/${RW}/objects/%E0%A4%A/`, '/admin/partnerships/%FF'];
    const bodies = new Set<string>();
    for (const path of paths) {
      const res = await server.raw().get(path).auth('alice', PASSWORD).set('Accept', TAXII);
      expectError(res, 400, 'bad_parameter');
      const { error_id: _id, ...rest } = JSON.parse(res.text);
      bodies.add(JSON.stringify(rest));
      expectError(await server.raw().get(path).set('Accept', TAXII), 401, 'unauthenticated');
    }
    expect(bodies.size).toBe(1);
  });

  test.each([['/taxii2'], ['/taxii2/'], ['//taxii2//'], ['/api1'], ['/api1//collections'], [`/api1/collections/${RW}/objects`]])(
    'when %s is requested, then it is served directly without a redirect',
    async (path) => {
      const res = await server.get(path);
      expect(res.status).toBe(200);
    },
  );

  test('when an unknown path is requested, then 404 with an error resource', async () => {
    expectError(await server.get('/api1/unknown/thing/'), 404, 'not_found');
    expectError(await server.get('/nope/'), 404, 'not_found');
  });

  test('when an unknown API root and an invisible one are requested, then both 404s read the same', async () => {
    const unknown = body(await server.get('/nope/'));
    const hidden = body(await server.get('/api2/'));
    expect(hidden.description).toBe(unknown.description);
    expect(hidden.http_status).toBe('404');
  });

  test('when a known path gets another method, then 405 with Allow', async () => {
    const res = await server.raw().put('/api1/collections/').auth('alice', PASSWORD).set('Accept', TAXII);
    expectError(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('GET, HEAD');
    const objects = await server.raw().patch(`/api1/collections/${RW}/objects/`).auth('alice', PASSWORD);
    expect(objects.status).toBe(405);
    expect(objects.headers.allow).toBe('GET, POST, HEAD');
  });

  test('when OPTIONS is sent, then 204 lists the methods', async () => {
    const res = await server.raw().options('/api1/').auth('alice', PASSWORD);
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  test('when HEAD is sent, then headers come without a body', async () => {
    const res = await server.raw().head('/api1/').auth('alice', PASSWORD).set('Accept', TAXII);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(TAXII);
    expect(res.text).toBeUndefined();
  });
});

describe('discovery and API root', () => {
  test('when alice asks for discovery, then she sees only her API root, as an absolute URL, default first', async () => {
    const res = await server.get('/taxii2/');
    expect(res.status).toBe(200);
    const doc = body(res);
    expect(doc).toEqual({ title: 'Test server', default: doc.api_roots[0], api_roots: [expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api1\/$/)] });
  });

  test('when bob asks for discovery, then he sees only his root and no default he cannot use', async () => {
    const doc = body(await server.get('/taxii2/', 'bob'));
    expect(doc.api_roots).toHaveLength(1);
    expect(doc.api_roots[0]).toMatch(/\/api2\/$/);
    expect(doc.default).toBeUndefined();
  });

  test('when mallory, who has no grants, asks for discovery, then there are no api_roots at all', async () => {
    expect(body(await server.get('/taxii2/', 'mallory'))).toEqual({ title: 'Test server' });
  });

  test('when the API root is read, then versions and max_content_length are exact', async () => {
    expect(body(await server.get('/api1/'))).toEqual({
      title: 'API root one',
      versions: ['application/taxii+json;version=2.1'],
      max_content_length: 1_000_000,
    });
  });

  test('when the API root has no configured limit, then the default 16 MiB is announced', async () => {
    expect(body(await server.get('/api2/', 'bob')).max_content_length).toBe(16777216);
  });
});
