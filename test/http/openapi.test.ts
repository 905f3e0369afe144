/**
 * Keeps openapi.yaml true: every route the app serves is documented with its
 * methods (and nothing documented is missing from the app), the error codes match
 * the error mapper, and real responses validate against the documented schemas.
 */

import { isDeepStrictEqual } from 'node:util';
import type request from 'supertest';
import { stringify } from 'yaml';
import { ADMIN_ACTIONS } from '../../src/admin/index';
import { ERROR_CODES } from '../../src/http/errors';
import { HEALTH_PATH } from '../../src/http/app';
import { body, PASSWORD, RW, startTestServer, type TestServer } from '../support/harness';
import { Conformance } from '../support/conformance';
import { OPENAPI as doc, operations, schemaValidator } from '../support/openapi';
import { envelope, indicator } from '../support/stix';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function appRoutes(): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = layer.route.path === '/' ? '/' : `${layer.route.path.replace(/:(\w+)/g, '{$1}')}${/^\/(_|admin)/.test(layer.route.path) ? '' : '/'}`;
        const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all');
        routes.set(path, [...(routes.get(path) ?? []), ...methods].sort());
      }
      if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((server.runtime.app as unknown as { router: { stack: Layer[] } }).router.stack);
  return routes;
}

test('when the app routes are listed, then openapi.yaml documents exactly those paths and methods', () => {
  const documented = new Map<string, string[]>(
    Object.entries(doc.paths as Record<string, Record<string, unknown>>).map(([path, item]) => [
      path,
      Object.keys(item).filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k)).sort(),
    ]),
  );
  const served = appRoutes();
  expect(served.get(HEALTH_PATH)).toEqual(['get']);
  expect(Object.fromEntries(served)).toEqual(Object.fromEntries(documented));
});

test('when admin actions are compared, then openapi.yaml publishes each request body schema exactly as its action declares it', () => {
  const differing: string[] = [];
  for (const action of ADMIN_ACTIONS) {
    for (const binding of action.http === undefined ? [] : 'path' in action.http ? [action.http] : action.http) {
      const path = binding.path.replace(/:(\w+)/g, '{$1}');
      const published = doc.paths[path]?.[binding.method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema;
      const declared = action.body === undefined ? undefined : JSON.parse(JSON.stringify(action.body));
      // The message gives the schema to paste, so fixing a difference is a copy.
      if (!isDeepStrictEqual(published, declared)) differing.push(`${binding.method} ${path} (${action.name}) should publish:\n${stringify(declared)}`);
    }
  }
  expect(differing).toEqual([]);
});

test('when error codes are compared, then openapi.yaml lists every code the error mapper knows', () => {
  expect([...doc.components.schemas.Error.properties.error_code.enum].sort()).toEqual([...ERROR_CODES].sort());
});

describe('responses match the documented schemas', () => {
  const validate = schemaValidator();
  const check = (name: string, value: unknown) => {
    const errors = validate({ $ref: `#/components/schemas/${name}` }, value);
    if (errors.length > 0) throw new Error(`${name}: ${errors.join(', ')}\n${JSON.stringify(value)}`);
  };

  test('when every resource is fetched, then each body validates', async () => {
    const a = indicator();
    const status = body(await server.post(`/api1/collections/${RW}/objects/`, envelope(a, { bad: true }, indicator())));
    check('Status', status);
    check('Discovery', body(await server.get('/taxii2/')));
    check('ApiRoot', body(await server.get('/api1/')));
    check('Collections', body(await server.get('/api1/collections/')));
    check('Collection', body(await server.get(`/api1/collections/${RW}/`)));
    check('Envelope', body(await server.get(`/api1/collections/${RW}/objects/?limit=1`)));
    check('Envelope', body(await server.get(`/api1/collections/${RW}/objects/?match[type]=nothing`)));
    check('Envelope', body(await server.get(`/api1/collections/${RW}/objects/${a.id}/`)));
    check('Manifest', body(await server.get(`/api1/collections/${RW}/manifest/?limit=1`)));
    check('Versions', body(await server.get(`/api1/collections/${RW}/objects/${a.id}/versions/`)));
    check('Status', body(await server.get(`/api1/status/${status.id}/`)));
    check('Error', body(await server.get('/api1/collections/nope/')));
    check('Error', body(await server.get(`/api1/collections/${RW}/objects/?limit=0`)));
  });

  test('when the admin API is used, then each body validates', async () => {
    const root = (path: string) => server.raw().get(path).auth('root', PASSWORD);
    for (const o of (await root('/admin/organisations')).body.organisations) check('AdminOrganisation', o);
    for (const u of (await root('/admin/organisations/alpha/users')).body.users) check('AdminUser', u);
    for (const p of (await root('/admin/partnerships')).body.partnerships) check('AdminPartnership', p);
    for (const m of (await root('/admin/partnerships/api1/members')).body.members) check('AdminMember', m);
    const audience = await server.raw().put('/admin/partnerships/api1/collections/second/audience').auth('root', PASSWORD).send({ read: ['alpha'] });
    check('AdminAudience', audience.body);
    check('AdminAudience', (await root('/admin/partnerships/api1/collections/second/audience')).body);
    for (const c of (await root('/admin/partnerships/api1/collections')).body.collections) check('AdminCollection', c);
    const key = await server.raw().post('/admin/organisations/alpha/keys').auth('root', PASSWORD).send({ label: 'x' });
    check('AdminKey', key.body);
    for (const e of (await root('/admin/audit')).body.entries) check('AuditEntry', e);
  });

  test('when a request is refused before its handler (a path that is not UTF-8, a TAXII 2.0 error, an admin body too large, not JSON or not an object), then openapi.yaml declares the answer', async () => {
    const conformance = new Conformance();
    const all = operations();
    const TAXII20 = 'application/vnd.oasis.taxii+json; version=2.0';
    const asRoot = (req: request.Test) => req.auth('root', PASSWORD);
    const cases: Array<[string, number, request.Test]> = [
      ['getStatus', 400, server.get('/api1/status/%C0%AF/')],
      ['adminListUsers', 400, asRoot(server.raw().get('/admin/organisations/%FF/users'))],
      ['adminRemoveUser', 400, asRoot(server.raw().delete('/admin/users/%ED%A0%80'))],
      ['getCollection', 404, server.get('/nope/collections/x/').set('Accept', TAXII20)],
      ['getObjects', 400, server.get(`/api1/collections/${RW}/objects/?added_after=yesterday`).set('Accept', TAXII20)],
      ['getObjects', 404, server.get(`/api1/collections/${RW}/objects/`, 'mallory').set('Accept', TAXII20)],
      ['adminAddOrganisation', 413, asRoot(server.raw().post('/admin/organisations')).send({ id: 'big', name: 'x'.repeat(70_000) })],
      ['adminSweepRetentionAll', 415, asRoot(server.raw().post('/admin/retention/sweep'))],
      ['adminSweepRetention', 422, asRoot(server.raw().post('/admin/partnerships/api1/retention/sweep')).set('Content-Type', 'application/json').send('"text"')],
    ];
    const problems: string[] = [];
    for (const [id, status, pending] of cases) {
      const op = all.find((o) => o.id === id)!;
      const res = await pending;
      const found = conformance.problems(op, op.method, { status: res.status, headers: res.headers, body: Buffer.from(res.text ?? '') });
      problems.push(...(res.status === status ? found : [`answered ${res.status}, not ${status}`]).map((p) => `${id}: ${p}`));
    }
    expect(problems).toEqual([]);
  });
});

