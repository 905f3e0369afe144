import type { Config } from '../config/types';
import { startServer } from '../server';

/** Runs the server until SIGTERM or SIGINT, then shuts down gracefully. */
export async function serveCommand(config: Config): Promise<void> {
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
