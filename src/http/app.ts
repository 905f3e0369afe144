/**
 * The Express application: fixed phases (DEVELOPERS.md, "Request flow"). Request context,
 * helmet, access log, health (no auth), authentication for everything else,
 * the TAXII routes, then 404 and the error mapper.
 */

import express, { type Express } from 'express';
import helmet from 'helmet';
import { Passport } from 'passport';
import { ADMIN_ACTIONS } from '../admin/index';
import type { Admin } from '../admin/perform';
import type { AuditTrail } from '../audit/audit-trail';
import { NotFoundError, StoreDamagedError } from '../errors';
import type { Identifier } from '../identity/identify';
import type { LoginThrottle } from '../identity/login-throttle';
import type { Logger } from '../log/logger';
import type { TaxiiContext } from '../taxii/context';
import { errorHandler } from './errors';
import { accessLog } from './middleware/access-log';
import { auditedBy, auditRefusedAdmin } from './middleware/audit';
import { authenticate } from './middleware/authenticate';
import { setBodyRate, type BodyRate } from './middleware/body-rate';
import { normalizePath } from './middleware/normalize-path';
import { createReadGate } from './middleware/read-gate';
import { requestContext } from './middleware/request-context';
import { createStrategy } from './passport-strategy';
import { registerAdminRoutes } from './routes/admin-routes';
import { registerCollectionRoutes } from './routes/collection-routes';
import { registerObjectRoutes } from './routes/object-routes';
import { routeRegistrar } from './routes/route-builder';
import { registerServerRoutes } from './routes/server-routes';

export interface AppDependencies {
  ctx: TaxiiContext;
  log: Logger;
  identifier: Identifier;
  audit: AuditTrail;
  admin: Admin;
  throttle: LoginThrottle;
  apiKeyHeader: string;
  publicBaseUrl?: string;
  trustProxy: boolean;
  bodyRate: BodyRate;
}

/** Path of the health probe: outside the TAXII paths (`_` cannot start an API root name). */
export const HEALTH_PATH = '/_health';

/**
 * Page reads admitted per event-loop turn while objects are being added: about
 * half of a turn stays with the publishers (bench/mixed: 8 publishers, 64 pollers).
 */
const READS_PER_TURN_WHILE_WRITING = 32;
/** While a sliced Add Objects is in flight: 32 at each of its pauses left publishers under a third of their rate (bench/mixed.ts). */
const READS_PER_TURN_DURING_A_WRITE = 4;

export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  // Express's ETag hashes every body; pages are per-caller and never cached.
  app.set('etag', false);
  app.set('query parser', false);
  // One hop, never `true`: Express would then take the leftmost X-Forwarded-For
  // entry, which the client writes itself (and could rotate to escape the login
  // throttle, or use to lock someone else out). The proxy appends the real address last.
  app.set('trust proxy', deps.trustProxy ? 1 : false);
  setBodyRate(app, deps.bodyRate);

  const passport = new Passport();
  passport.use(createStrategy(deps.identifier));

  app.use(normalizePath);
  app.use(requestContext(deps.ctx.clock));
  app.use(helmet());
  app.use(accessLog(deps.log));

  app.get(HEALTH_PATH, async (_req, res) => {
    try {
      await deps.ctx.store.ping();
      res.status(200).json({ status: 'ok' });
    } catch (error) {
      // A damaged store still serves reads, but must be restored: docs/reliability.md#damaged-stores.
      if (error instanceof StoreDamagedError) res.status(503).json({ status: 'damaged', description: error.message, ...error.details });
      else res.status(503).json({ status: 'unavailable' });
    }
  });

  app.use(authenticate(passport, deps.throttle, deps.apiKeyHeader));

  app.use('/admin', auditRefusedAdmin(deps.audit));
  const router = express.Router({ strict: false, caseSensitive: true });
  const route = routeRegistrar(router, { audited: auditedBy(deps.audit), gate: createReadGate(READS_PER_TURN_WHILE_WRITING, undefined, READS_PER_TURN_DURING_A_WRITE) });
  registerAdminRoutes(route, deps.admin, ADMIN_ACTIONS);
  registerServerRoutes(route, deps.ctx, deps.publicBaseUrl);
  registerCollectionRoutes(route, deps.ctx);
  registerObjectRoutes(route, deps.ctx);
  app.use(router);

  app.use(() => {
    throw new NotFoundError('No TAXII resource at this address.');
  });
  app.use(errorHandler(deps.log));
  return app;
}
