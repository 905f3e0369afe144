import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { storeContractSuite } from './contract.suite';

storeContractSuite('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-store-'));
  const path = join(dir, 'accord.db');
  return {
    open: async () => SqliteStore.open({ path }),
    openAnother: async () => SqliteStore.open({ path }),
    openScratch: async () => SqliteStore.open({ path: ':memory:' }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
