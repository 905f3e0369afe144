/**
 * `accord audit verify` and `accord audit export` (docs/reliability.md#audit-trail):
 * the hash chain checked end to end, and the trail as JSON lines for a records
 * system. Both read the configured store page by page (bounded memory) and open
 * it alone, without seeding it.
 */

import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { loadConfig } from '../config/load';
import { BadParameterError } from '../errors';
import { auditRecordOf, checkAuditChain, type ChainCheck } from '../store/audit-chain';
import type { Store } from '../store/contract';
import { openStore } from '../store/index';
import { configPath } from './context';

const EXPORT_PAGE = 1000;

/** Adds `verify` and `export` under the `audit` command (the listing, made from the admin action). */
export function registerAuditCommands(program: Command): void {
  const audit = program.commands.find((c) => c.name() === 'audit') ?? program.command('audit');
  audit
    .command('verify')
    .description('check the hash chain of the whole audit trail: prints OK with the count and the head, or the first broken link (exit code 1)')
    .action(async (_options: unknown, command: Command) => {
      const { config, json } = command.optsWithGlobals<{ config?: string; json?: boolean }>();
      const result = await withStore(config, (store) => checkAuditChain(store));
      process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : describeCheck(result));
      if (!result.ok) process.exitCode = 1;
    });
  audit
    .command('export')
    .description('write the audit trail as JSON lines, one entry a line, oldest first, with seq and hashes')
    .option('--after <seq>', 'only entries after this seq')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (_options: unknown, command: Command) => {
      const { config, after, out } = command.optsWithGlobals<{ config?: string; after?: string; out?: string }>();
      if (after !== undefined && !/^\d{1,15}$/.test(after)) throw new BadParameterError('--after', after, 'expected the seq of an entry');
      const stream = out === undefined ? process.stdout : createWriteStream(out);
      const written = await withStore(config, (store) => exportAudit(store, stream, after === undefined ? undefined : Number(after)));
      if (out !== undefined) {
        stream.end();
        await once(stream, 'finish');
        process.stderr.write(`${written.count} audit entries written to ${out}${written.last === undefined ? '' : ` (up to seq ${written.last})`}\n`);
      }
    });
}

/** Writes one JSON line per entry after `afterSeq`, waiting for the stream to drain; returns how many and the last seq. */
async function exportAudit(store: Store, stream: NodeJS.WritableStream, afterSeq: number | undefined): Promise<{ count: number; last?: number }> {
  let count = 0;
  let last = afterSeq;
  for (;;) {
    const page = await store.listAudit({ limit: EXPORT_PAGE, ...(last !== undefined ? { afterSeq: last } : {}) });
    for (const entry of page.entries) {
      if (!stream.write(`${JSON.stringify(auditRecordOf(entry))}\n`)) await once(stream, 'drain');
      count++;
      last = entry.seq;
    }
    if (!page.more) return last === undefined ? { count } : { count, last };
  }
}

function describeCheck(result: ChainCheck): string {
  if (!result.ok) return `BROKEN at seq ${result.seq}: ${result.problem} (${result.entries} entries before it are intact)\n`;
  const unchained = result.unchained > 0 ? `, the first ${result.unchained} written before the hash chain existed (not chained)` : '';
  const head = result.head === null ? 'no chained entry yet' : `head seq ${result.head.seq} sha256 ${result.head.hash}`;
  return `OK: ${result.entries} entries${unchained}; ${head}\n`;
}

async function withStore<T>(configFile: string | undefined, work: (store: Store) => Promise<T>): Promise<T> {
  // Damage found while reading is said on stderr; verify and export still report what they could read.
  const store = await openStore(loadConfig(configPath(configFile)).store, {
    damaged: (damage) => process.stderr.write(`accord: the store is damaged: ${damage.firstError}\n`),
    checkFailed: (reason) => process.stderr.write(`accord: the store check could not run: ${reason}\n`),
  });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
