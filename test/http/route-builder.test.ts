/** The route builder: one fixed order of steps per method, and 405/OPTIONS for the rest. */

import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { errorHandler } from '../../src/http/errors';
import type { ReadGate } from '../../src/http/middleware/read-gate';
import { routeRegistrar, type RouteServices } from '../../src/http/routes/route-builder';
import { createLogger } from '../../src/log/logger';

/** An app whose audit and gate steps write down when they run, and what negotiation had decided by then. */
function tracingApp(declare: (route: ReturnType<typeof routeRegistrar>) => void): { app: express.Express; trace: string[] } {
  const trace: string[] = [];
  const step = (name: string): RequestHandler => (req, _res, next) => {
    trace.push(`${name} (dialect ${req.accord.dialect ?? 'none'})`);
    next();
  };
  const gate: ReadGate = { reader: step('gate reader'), writer: step('gate writer') };
  const services: RouteServices = { audited: (operation) => step(`audit ${operation}`), gate };
  const app = express();
  app.use((req, _res, next) => {
    req.accord = { id: 'test', receivedAt: 0 };
    next();
  });
  const router = express.Router();
  declare(routeRegistrar(router, services));
  app.use(router);
  app.use(errorHandler(createLogger('silent')));
  return { app, trace };
}

test('when a method declares its steps in any order, then they run audit, negotiation, read gate, handler', async () => {
  const { app, trace } = tracingApp((route) =>
    route('/thing', {
      GET: {
        handle: (req, res) => {
          trace.push(`handler (dialect ${req.accord.dialect})`);
          res.status(200).end();
        },
        gate: 'reader',
        negotiation: 'taxii21-or-20',
        audit: 'get_thing',
      },
    }),
  );
  expect((await request(app).get('/thing').set('Accept', 'application/vnd.oasis.taxii+json; version=2.0')).status).toBe(200);
  expect(trace).toEqual(['audit get_thing (dialect none)', 'gate reader (dialect 2.0)', 'handler (dialect 2.0)']);
});

test('when negotiation refuses, then the audit step has run and neither the gate nor the handler', async () => {
  const { app, trace } = tracingApp((route) =>
    route('/thing', { POST: { handle: () => trace.push('handler'), gate: 'writer', negotiation: 'taxii21', audit: 'add_thing' } }),
  );
  expect((await request(app).post('/thing').set('Accept', 'text/html')).status).toBe(406);
  expect(trace).toEqual(['audit add_thing (dialect none)']);
});

test('when a method declares no audit, negotiation or gate, then only its handler runs', async () => {
  const { app, trace } = tracingApp((route) => route('/json', { PATCH: { handle: (_req, res) => void res.status(204).end() } }));
  expect((await request(app).patch('/json').set('Accept', 'text/html')).status).toBe(204);
  expect(trace).toEqual([]);
});

test('when methods are declared in any order, then OPTIONS and 405 list them in one order, with HEAD beside GET', async () => {
  const ok = (_req: express.Request, res: express.Response) => void res.status(200).end();
  const { app } = tracingApp((route) => route('/thing', { DELETE: { handle: ok }, GET: { handle: ok } }));
  const options = await request(app).options('/thing');
  expect(options.status).toBe(204);
  expect(options.headers.allow).toBe('GET, DELETE, HEAD, OPTIONS');
  const put = await request(app).put('/thing');
  expect(put.status).toBe(405);
  expect(put.headers.allow).toBe('GET, DELETE, HEAD');
  expect((await request(app).head('/thing')).status).toBe(200);
});

test('when a route declares an audit name but the registrar has no audit trail, then registering it fails', () => {
  const route = routeRegistrar(express.Router());
  expect(() => route('/thing', { GET: { audit: 'get_thing', handle: () => undefined } })).toThrow(/audited/);
});
