/**
 * Wires configuration, logging, the store, the validator and the HTTP app, and
 * runs the listener with a graceful shutdown. The only module that imports http.
 */

import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CredentialVerifier } from './auth/credentials';
import type { Config } from './config/types';
import { createApp } from './http/app';
import { createLogger, type Logger } from './log/logger';
import { nowMicros, type MicroClock } from './store/clock';
import type { Store } from './store/contract';
import { openStore } from './store/index';
import { Catalog } from './taxii/catalog';
import type { TaxiiContext } from './taxii/context';
import { CursorCodec } from './taxii/cursor';
import type { ObjectJudge } from './taxii/object-judge';

const HOUR_MICROS = 3_600_000_000;

export interface Runtime {
  app: ReturnType<typeof createApp>;
  store: Store;
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
  const store = await openStore({
    backend: config.store.backend,
    dataDir: config.store.data_dir,
    sqlite: config.store.sqlite,
  });
  const secret = await store.getOrCreateSecret('cursor', () => randomBytes(32).toString('base64'));
  const ctx: TaxiiContext = {
    catalog: new Catalog(config),
    store,
    cursors: new CursorCodec(secret),
    judge: createJudge(),
    sizes: { defaultPageSize: config.taxii.default_page_size, maxPageSize: config.taxii.max_page_size },
    clock,
    statusRetentionMicros: config.taxii.status_retention_hours * HOUR_MICROS,
    discovery: config.taxii.discovery,
  };
  const app = createApp({
    ctx,
    log,
    verifier: new CredentialVerifier(config.users),
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
    ctx,
    log,
    close: async () => {
      clearInterval(purge);
      await store.close();
    },
  };
}

function createJudge(): ObjectJudge {
  return { judge: (objects) => objects.map(() => ({ accepted: true })) };
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
  const server = createServer(runtime.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
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
