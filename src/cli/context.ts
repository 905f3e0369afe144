/** Opens what a CLI command needs through the composition root: the configuration, and the store seeded at first use. */

import { loadConfig } from '../config/load';
import { DEMO_CONFIG_PATH } from '../paths';
import { createLogger } from '../log/logger';
import { openCore, type Core } from '../runtime';

export function configPath(option: string | undefined): string {
  return option ?? process.env.ACCORD_CONFIG ?? DEMO_CONFIG_PATH;
}

/** Runs `work` against the configured store and closes it afterwards, audit entries written. */
export async function withCore<T>(configFile: string | undefined, work: (core: Core) => Promise<T>): Promise<T> {
  const core = await openCore(loadConfig(configPath(configFile)), { log: createLogger('error') });
  try {
    return await work(core);
  } finally {
    await core.close();
  }
}
