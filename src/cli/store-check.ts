/**
 * `accord store check [--file PATH] [--quick]`: looks for damage in a SQLite store
 * and its data directory's marker (docs/reliability.md#damaged-stores), without
 * changing either, so it may run beside the server. Exit code 0 when no damage is
 * found, 1 when some is.
 */

import { performance } from 'node:perf_hooks';
import { BadParameterError } from '../errors';
import type { Config } from '../config/types';
import { checkSqliteStore, sqlitePathOf } from '../store/index';

/** The configured store's file, when it is a SQLite store. */
export function checkedFileOf(config: Config): string {
  if (config.store.backend !== 'sqlite') {
    throw new BadParameterError('store.backend', config.store.backend, 'accord store check reads SQLite files (name one with --file); MongoDB checks its own collections with its validate command');
  }
  return sqlitePathOf(config.store);
}

export async function storeCheckCommand(path: string, quick: boolean, out: (line: string) => void): Promise<number> {
  const started = performance.now();
  const { notes, problems } = await checkSqliteStore(path, quick ? 'quick' : 'full');
  const took = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  notes.forEach((line) => out(line));
  if (problems.length === 0) {
    out(`No damage found (${took}).`);
    return 0;
  }
  out(`Damage found (${problems.length === 1 ? 'a problem' : `${problems.length} problems`}, ${took}):`);
  problems.forEach((problem) => out(`  ${problem}`));
  out(`Restore ${path} from a backup; until then Accord refuses to start on it, or serves it read-only (docs/reliability.md#damaged-stores).`);
  return 1;
}
