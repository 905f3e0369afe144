import { setFlagsFromString } from 'node:v8';
import type { Config } from '../config/types';
import { startServer } from '../server';

/**
 * V8 lets the old generation grow to about four times what survived the last full
 * collection before collecting again. A busy server's survivors are small (about
 * 36 MB under 64 pollers and 8 publishers) but its garbage (page texts waiting on
 * slow sockets, envelope parts) is plentiful, so the process peaked above 300 MiB.
 * Growing by half instead keeps that peak near 220 MiB at the same throughput
 * (measured with bench/mixed.ts). V8 reads this flag at every full collection, so
 * setting it here, after start-up, takes effect; an operator's own
 * `--heap-growing-percent` (command line or NODE_OPTIONS) wins.
 */
const HEAP_GROWING_PERCENT = 50;

function boundHeapGrowth(): void {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((flag) => /heap[-_]growing[-_]percent/.test(flag));
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** Runs the server until SIGTERM or SIGINT, then shuts down gracefully. */
export async function serveCommand(config: Config): Promise<void> {
  boundHeapGrowth();
  const running = await startServer(config);
  process.stdout.write(`Accord is serving TAXII 2.1 at ${running.url}/taxii2/\n`);
  const stop = (signal: string) => {
    running.runtime.log.info('signal received', { signal });
    running.shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
