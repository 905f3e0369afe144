/**
 * Runs the listener (HTTP, or HTTPS with TLS 1.2 as the minimum and optional
 * client certificates) over the runtime the composition root (runtime.ts) wires,
 * with connection caps and timeouts (docs/reliability.md#connections) and a
 * graceful shutdown.
 */

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/schema';
import { capConnections, openFilesLimit } from './connections/connection-caps';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime';

export interface RunningServer {
  server: Server;
  url: string;
  runtime: Runtime;
  /** Stops accepting, lets in-flight requests finish (up to the timeout), closes the store. */
  shutdown(): Promise<void>;
}

/** How often Node looks for connections past their header or request timeout (its default, 30 s, let them live half a minute longer). */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;
/** File descriptors the process needs besides client connections (store, logs, outgoing). */
const RESERVED_FILES = 100;

export async function startServer(config: Config, options: RuntimeOptions = {}): Promise<RunningServer> {
  const runtime = await createRuntime(config, options);
  const limits = config.server;
  const requestTimeout = limits.request_timeout_seconds * 1000;
  const headersTimeout = Math.min(limits.headers_timeout_seconds * 1000, requestTimeout);
  const timeouts = { headersTimeout, requestTimeout, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS };
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
          // Before the handshake ends there is no request yet to time out: bound it like the headers.
          handshakeTimeout: headersTimeout,
          ...timeouts,
        },
        runtime.app,
      )
    : createServer(timeouts, runtime.app);
  // Pollers page in bursts and come back every few minutes: keep their connections
  // longer than Node's 5 s, so a busy server does not make them reconnect mid-walk, and
  // longer than a load balancer's usual 60 s, so that the balancer closes first.
  server.keepAliveTimeout = limits.keep_alive_timeout_seconds * 1000;
  // Behind a proxy every connection comes from the proxy: its address is no client's.
  const perAddress = limits.trust_proxy ? 0 : limits.max_connections_per_address;
  capConnections(server, { total: limits.max_connections, perAddress }, (refused) =>
    runtime.log.warn('connections refused', { over_total: refused.overTotal, over_per_address: refused.overPerAddress, max_connections: limits.max_connections, max_connections_per_address: perAddress }),
  );
  const files = openFilesLimit();
  if (files !== undefined && limits.max_connections + RESERVED_FILES > files) {
    runtime.log.warn('server.max_connections is near the open files limit: raise the limit (ulimit -n) or lower the cap', { max_connections: limits.max_connections, open_files_limit: files });
  }
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
