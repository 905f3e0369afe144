/** Opens the configured backend; the only module that imports a backend. */

import { join } from 'node:path';
import type { Config } from '../config/types';
import { ConfigError } from '../errors';
import type { MicroClock } from './clock';
import type { Store } from './contract';
import { SqliteStore } from './sqlite/sqlite-store';

export async function openStore(settings: Config['store'], clock?: MicroClock): Promise<Store> {
  switch (settings.backend) {
    case 'sqlite':
      return SqliteStore.open({
        path: join(settings.data_dir, settings.sqlite.file),
        synchronous: settings.sqlite.synchronous,
        ...(clock ? { clock } : {}),
      });
    case 'mongodb':
      throw new ConfigError(['store.backend: the MongoDB backend is not available in this build']);
  }
}
