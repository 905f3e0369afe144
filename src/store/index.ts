/** Opens the configured backend; the only module that imports a backend. */

import type { Store } from './contract';
import { SqliteStore } from './sqlite/sqlite-store';
import { join } from 'node:path';

export interface StoreSettings {
  backend: 'sqlite';
  dataDir: string;
  sqlite: { file: string; synchronous: 'FULL' | 'NORMAL' };
}

export async function openStore(settings: StoreSettings): Promise<Store> {
  return SqliteStore.open({ path: join(settings.dataDir, settings.sqlite.file), synchronous: settings.sqlite.synchronous });
}
