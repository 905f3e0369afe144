/** Opens what a CLI command needs: the configuration, the store (seeded at first use) and the administration use cases. */

import { AuditTrail } from '../audit/audit-trail';
import { loadConfig } from '../config/load';
import { DEMO_CONFIG_PATH } from '../config/paths';
import type { Config } from '../config/types';
import { createLogger } from '../log/logger';
import { Administration } from '../partnerships/administration';
import { Directory } from '../partnerships/directory';
import { seedIfEmpty } from '../partnerships/seed';
import { nowMicros } from '../store/clock';
import { openStore } from '../store/index';

export interface CliContext {
  config: Config;
  directory: Directory;
  admin: Administration;
}

export function configPath(option: string | undefined): string {
  return option ?? process.env.ACCORD_CONFIG ?? DEMO_CONFIG_PATH;
}

/** Runs `work` against the configured store and closes it afterwards, audit entries written. */
export async function withStore<T>(configFile: string | undefined, work: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig(configPath(configFile));
  const log = createLogger('error');
  const store = await openStore(config.store);
  try {
    const directory = new Directory(store, nowMicros, config.taxii.max_content_length);
    await seedIfEmpty(directory, config.seed);
    const audit = new AuditTrail(store, nowMicros, log);
    try {
      return await work({ config, directory, admin: new Administration(directory, store, audit) });
    } finally {
      await audit.flush();
    }
  } finally {
    await store.close();
  }
}
