#!/usr/bin/env node
/**
 * The `accord` command line. Each command calls the same modules the HTTP routes
 * use; nothing here holds rules of its own.
 */

import { Command } from 'commander';
import { loadConfig } from '../config/load';
import { AccordError } from '../errors';
import { isProfile, PROFILES } from '../stix/issues';
import { registerAdminCommands } from './admin-commands';
import { registerAuditCommands } from './audit-commands';
import { configPath } from './context';
import { Doctor } from './doctor';
import { hashPasswordCommand } from './hash-password';
import { serveCommand } from './serve';
import { registerStoreCommands } from './store-copy';
import { readStdinBytes } from './stdin';
import { validateCommand } from './validate';

export function buildProgram(): Command {
  const program = new Command('accord')
    .description('Accord: a STIX/TAXII 2.1 server for threat-sharing partnerships')
    .option('-c, --config <file>', 'configuration file (default: $ACCORD_CONFIG, else the demo configuration)')
    .option('--json', 'print JSON')
    .showHelpAfterError();
  program
    .command('serve')
    .description('start the TAXII server')
    .action(async (_options: unknown, command: Command) => {
      await serveCommand(loadConfig(configPath(command.optsWithGlobals<{ config?: string }>().config)));
    });
  program
    .command('hash-password')
    .description('read a password from stdin and print its scrypt hash for users[].password_hash')
    .action(hashPasswordCommand);
  program
    .command('validate <files...>')
    .description('validate STIX 2.1 files (bundle, envelope, list or one object; - for stdin) as ingest would')
    .option('--profile <profile>', 'standard or strict', 'standard')
    .option('--format <format>', 'text or json', 'text')
    .option('--advice', 'also report advisories')
    .action(async (files: string[], options: { profile: string; format: string; advice?: boolean }) => {
      const { profile, format } = options;
      if (!isProfile(profile)) throw new Error(`--profile must be ${PROFILES.join(' or ')}`);
      if (format !== 'text' && format !== 'json') throw new Error('--format must be text or json');
      process.exitCode = await validateCommand(
        files,
        { profile, format, advice: options.advice ?? false },
        { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) },
        readStdinBytes,
      );
    });
  program
    .command('doctor <url>')
    .description('check a running TAXII server the way a new client would, and say what a client would trip over')
    .option('--user <name>', 'HTTP Basic user')
    .option('--password <password>', 'HTTP Basic password (or set ACCORD_DOCTOR_PASSWORD)')
    .option('--token <token>', 'API key, sent as Bearer (or set ACCORD_DOCTOR_TOKEN)')
    .action(async (url: string, options: { user?: string; password?: string; token?: string }) => {
      const password = options.password ?? process.env.ACCORD_DOCTOR_PASSWORD;
      const token = options.token ?? process.env.ACCORD_DOCTOR_TOKEN;
      const doctor = new Doctor(
        { ...(options.user !== undefined ? { user: options.user } : {}), ...(password !== undefined ? { password } : {}), ...(token !== undefined ? { token } : {}) },
        (line) => process.stdout.write(`${line}\n`),
      );
      process.exitCode = await doctor.run(url);
    });
  registerAdminCommands(program);
  registerAuditCommands(program);
  registerStoreCommands(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`accord: ${error instanceof AccordError ? error.message : (error as Error).stack ?? String(error)}\n`);
      // 78 (EX_CONFIG): the configuration, or the store it names, must be put right before Accord can run.
      process.exit(error instanceof AccordError && (error.code === 'config_invalid' || error.code === 'store_damaged') ? 78 : 1);
    });
}
