/**
 * Wires configuration, logging, the store, the partnership directory, the
 * validator and the HTTP app, and runs the listener (HTTP, or HTTPS with TLS 1.2
 * as the minimum and optional client certificates) with a graceful shutdown.
 * The only module that imports http.
 */

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AuditTrail } from './audit/audit-trail';
import { Identifier } from './auth/identify';
import { LoginThrottle } from './auth/login-throttle';
import type { Principal } from './auth/principal';
import type { Config } from './config/types';
import { createApp } from './http/app';
import { createLogger, type Logger } from './log/logger';
import { Administration } from './partnerships/administration';
import { Directory } from './partnerships/directory';
import { Scope } from './partnerships/scope';
import { seedIfEmpty } from './partnerships/seed';
import { formatVerdictMessage } from './stix/messages';
import { formatMicros } from './stix/timestamp';
import { createValidator, type StixValidator } from './stix/validator';
import { nowMicros, type MicroClock } from './store/clock';
import type { Store } from './store/contract';
import { openStore } from './store/index';
import type { TaxiiContext } from './taxii/context';
import { CursorCodec } from './taxii/cursor';
import type { ObjectJudge } from './taxii/object-judge';

const HOUR_MICROS = 3_600_000_000;

export interface Runtime {
  app: ReturnType<typeof createApp>;
  store: Store;
  directory: Directory;
  audit: AuditTrail;
  ctx: TaxiiContext;
  log: Logger;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  clock?: MicroClock;
  log?: Logger;
}

/** Everything but the listener: tests drive `app` through supertest. */
export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? createLogger(config.log.level);
  const clock = options.clock ?? nowMicros;
  const store = await openStore(config.store, clock);
  const directory = new Directory(store, clock, config.taxii.max_content_length);
  if (await seedIfEmpty(directory, config.seed)) log.info('store seeded from configuration');
  const secret = await store.getOrCreateSecret('cursor', () => randomBytes(32).toString('base64'));
  const today = () => formatMicros(clock()).slice(0, 10);
  const ctx: TaxiiContext = {
    scopeFor: (principal: Principal) => new Scope(directory, principal, today(), config.validation.profile),
    store,
    cursors: new CursorCodec(secret),
    judge: createJudge(config.validation.advice),
    // The default page is capped at the maximum like any limit (docs/client-quirks.md#default-page-size).
    sizes: { defaultPageSize: Math.min(config.taxii.default_page_size, config.taxii.max_page_size), maxPageSize: config.taxii.max_page_size },
    clock,
    statusRetentionMicros: config.taxii.status_retention_hours * HOUR_MICROS,
    discovery: config.taxii.discovery,
  };
  const audit = new AuditTrail(store, clock, log);
  const failed = config.auth.failed_logins;
  const app = createApp({
    ctx,
    log,
    identifier: new Identifier(directory, () => clock() / 1000),
    audit,
    admin: new Administration(directory, store, audit),
    throttle: new LoginThrottle({ perSource: failed.per_source, perAccount: failed.per_account, windowMs: failed.window_seconds * 1000 }, () => clock() / 1000),
    apiKeyHeader: config.auth.api_key_header,
    ...(config.server.public_base_url !== undefined ? { publicBaseUrl: config.server.public_base_url.replace(/\/+$/, '') } : {}),
    trustProxy: config.server.trust_proxy,
  });
  const purge = setInterval(() => {
    store.purgeStatuses(clock()).catch((error: unknown) => log.warn('status purge failed', { error: String(error) }));
  }, HOUR_MICROS / 1000);
  purge.unref();
  return {
    app,
    store,
    directory,
    audit,
    ctx,
    log,
    close: async () => {
      clearInterval(purge);
      await audit.flush();
      await store.close();
    },
  };
}

let compiled: StixValidator | undefined;

/** The STIX validator, compiled once per process, as the TAXII layer's judge of posted objects. */
function createJudge(advice: boolean): ObjectJudge {
  const validator = (compiled ??= createValidator());
  return {
    session: (profile) => {
      const session = validator.session({ profile, advice });
      return {
        judge: (obj, index) => {
          const verdict = session.validate(obj, index);
          const message = formatVerdictMessage(verdict);
          return message === undefined ? { accepted: verdict.accepted } : { accepted: verdict.accepted, message };
        },
      };
    },
  };
}

export interface RunningServer {
  server: Server;
  url: string;
  runtime: Runtime;
  /** Stops accepting, lets in-flight requests finish (up to the timeout), closes the store. */
  shutdown(): Promise<void>;
}

export async function startServer(config: Config, options: RuntimeOptions = {}): Promise<RunningServer> {
  const runtime = await createRuntime(config, options);
  const tls = config.server.tls;
  const server: Server = tls
    ? createTlsServer(
        {
          cert: readFileSync(tls.cert_file),
          key: readFileSync(tls.key_file),
          // TAXII 2.1 §8.2.2: TLS 1.2 at least; 1.3 is offered by Node by default.
          minVersion: 'TLSv1.2',
          ...(tls.client_ca_file !== undefined
            ? { ca: readFileSync(tls.client_ca_file), requestCert: true, rejectUnauthorized: false }
            : {}),
        },
        runtime.app,
      )
    : createServer(runtime.app);
  // Pollers come back every few minutes and page in bursts: keep their connections
  // longer than Node's 5 s, so a busy server does not make them reconnect mid-walk.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${tls ? 'https' : 'http'}://${host}:${address.port}`;
  runtime.log.info('listening', { url, data_dir: config.store.data_dir });

  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      runtime.log.info('shutting down');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections turn idle as their last response ends; close them then.
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.server.shutdown_timeout_seconds * 1000);
      await closed;
      clearInterval(sweeper);
      clearTimeout(timer);
      await runtime.close();
      runtime.log.info('stopped');
    })();
    return stopping;
  };
  return { server, url, runtime, shutdown };
}
