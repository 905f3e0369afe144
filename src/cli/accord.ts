#!/usr/bin/env node
/**
 * The `accord` command line. Each command calls the same modules the HTTP routes
 * use; nothing here holds rules of its own.
 */

import { Command } from 'commander';
import { loadConfig } from '../config/load';
import { DEMO_CONFIG_PATH } from '../config/paths';
import { AccordError } from '../errors';
import { serveCommand } from './serve';
import { hashPasswordCommand } from './hash-password';

export function buildProgram(): Command {
  const program = new Command('accord').description('Accord: a STIX/TAXII 2.1 server for threat-sharing partnerships');
  program
    .command('serve')
    .description('start the TAXII server')
    .option('-c, --config <file>', 'configuration file (default: $ACCORD_CONFIG, else the demo configuration)')
    .action(async (options: { config?: string }) => {
      const path = options.config ?? process.env.ACCORD_CONFIG ?? DEMO_CONFIG_PATH;
      await serveCommand(loadConfig(path));
    });
  program
    .command('hash-password')
    .description('read a password from stdin and print its scrypt hash for users[].password_hash')
    .action(hashPasswordCommand);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`accord: ${error instanceof AccordError ? error.message : (error as Error).stack ?? String(error)}\n`);
      process.exit(error instanceof AccordError && error.code === 'config_invalid' ? 78 : 1);
    });
}
