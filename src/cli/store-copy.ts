/**
 * The `accord store` commands. `copy --from LOCATION --to LOCATION` moves a whole
 * store between backends (sqlite:PATH, mongodb:URI[#database]) through
 * src/store/copy.ts; progress is one line per part, rewritten in place on a
 * terminal. `check` is store-check.ts.
 */

import type { Command } from 'commander';
import { loadConfig } from '../config/load';
import { BadParameterError } from '../errors';
import type { Store } from '../store/contract';
import { copyStore, type CopySummary } from '../store/copy';
import { describeStoreLocation, openStoreAt, parseStoreLocation, type StoreLocation } from '../store/index';
import { configPath } from './context';
import { checkedFileOf, storeCheckCommand } from './store-check';

export interface CopyOutput {
  write(text: string): void;
  /** Whether lines may be rewritten with `\r` (a terminal). */
  isTTY?: boolean;
}

const LOCATION_HELP = 'sqlite:PATH, or mongodb:URI with an optional #database (default accord)';

export function registerStoreCommands(program: Command): void {
  const store = program.command('store').description('the database behind the server');
  store
    .command('copy')
    .description('copy everything (records with their date_added, statuses, entities, audit, secrets) into an empty store, then verify counts')
    .requiredOption('--from <location>', LOCATION_HELP)
    .requiredOption('--to <location>', LOCATION_HELP)
    .action(async (options: { from: string; to: string }) => {
      await storeCopyCommand(options.from, options.to, { write: (text) => process.stdout.write(text), isTTY: process.stdout.isTTY === true });
    });
  store
    .command('check')
    .description('look for damage in the SQLite store (PRAGMA integrity_check, then the stored texts) and its marker; exit code 1 when found')
    .option('--file <path>', 'the SQLite file to check (default: the configured store)')
    .option('--quick', 'PRAGMA quick_check only, as at start-up')
    .action(async (options: { file?: string; quick?: boolean }, command: Command) => {
      const file = options.file ?? checkedFileOf(loadConfig(configPath(command.optsWithGlobals<{ config?: string }>().config)));
      process.exitCode = await storeCheckCommand(file, options.quick === true, (line) => process.stdout.write(`${line}\n`));
    });
}

export async function storeCopyCommand(fromText: string, toText: string, out: CopyOutput): Promise<CopySummary> {
  const from = location('--from', fromText);
  const to = location('--to', toText);
  if (describeStoreLocation(from) === describeStoreLocation(to)) {
    throw new BadParameterError('--to', toText, 'the target must differ from the source');
  }
  out.write(`Copying ${describeStoreLocation(from)} to ${describeStoreLocation(to)}\n`);
  const source = await openStoreAt(from);
  let target: Store | undefined;
  try {
    target = await openStoreAt(to);
    const summary = await copyStore(source, target, (part, count, done) => {
      if (done) out.write(`${out.isTTY ? '\r' : ''}${part}: ${count}\n`);
      else if (out.isTTY) out.write(`\r${part}: ${count}`);
    });
    const records = Object.values(summary.records).reduce((a, b) => a + b, 0);
    const entities = Object.values(summary.entities).reduce((a, b) => a + b, 0);
    out.write(
      `Verified: ${records} records in ${Object.keys(summary.records).length} collections, ${summary.statuses} statuses, ` +
        `${entities} entities, ${summary.audit} audit entries, ${summary.secrets} secrets.\n`,
    );
    return summary;
  } finally {
    await target?.close();
    await source.close();
  }
}

function location(option: string, text: string): StoreLocation {
  const parsed = parseStoreLocation(text);
  if (!parsed) throw new BadParameterError(option, text, `expected ${LOCATION_HELP}`);
  return parsed;
}
