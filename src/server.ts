/**
 * Runs the listener (HTTP, or HTTPS with TLS 1.2 as the minimum and optional
 * client certificates) over the runtime the composition root (runtime.ts) wires,
 * with a graceful shutdown.
 */

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/schema';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime';

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
