/**
 * `accord org|user|key|cert|partnership|member|collection|audit …`: the same
 * administration use cases as the admin HTTP API, run by the local operator on
 * the configured store. Output is one line per item, or JSON with --json.
 */

import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { parseCertificateFingerprint } from '../auth/certificates';
import type { PartnershipKind, Role, TlpLevel } from '../partnerships/model';
import { present } from '../partnerships/present';
import type { Profile } from '../stix/issues';
import { withStore, type CliContext } from './context';
import { readStdinLine } from './stdin';

interface Common {
  config?: string;
  json?: boolean;
}

type Row = Record<string, unknown>;

function print(options: Common, rows: Row | Row[], columns: string[]): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  for (const row of Array.isArray(rows) ? rows : [rows]) {
    process.stdout.write(`${columns.map((c) => (row[c] === undefined ? '-' : String(row[c]))).join('\t')}\n`);
  }
}

function run<O extends Common>(work: (ctx: CliContext, options: O, ...args: string[]) => Promise<void>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const options = command.optsWithGlobals() as O;
    const positional = args.slice(0, -2) as string[];
    await withStore(options.config, (ctx) => work(ctx, options, ...positional));
  };
}

/** Keeps only the options that were given, so optional properties stay absent. */
function given<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

export function registerAdminCommands(program: Command): void {
  const org = program.command('org').description('organisations (a vendor, a police unit)');
  org
    .command('add <id>')
    .requiredOption('--name <name>', 'display name')
    .option('--description <text>')
    .action(run<Common & { name: string; description?: string }>(async ({ admin }, o, id) => {
      print(o, present.organisation(await admin.addOrganisation('cli', { id: id!, name: o.name, ...given({ description: o.description }) })), ['id', 'name']);
    }));
  org.command('list').action(run(async ({ admin }, o) => print(o, (await admin.listOrganisations('cli')).map(present.organisation), ['id', 'name'])));

  const user = program.command('user').description('users who log in with a password (HTTP Basic)');
  user
    .command('add <username>')
    .description('add a user; the password is read from the first line of stdin')
    .requiredOption('--org <id>', 'organisation')
    .option('--admin', 'server administrator')
    .action(run<Common & { org: string; admin?: boolean }>(async ({ admin }, o, username) => {
      const password = await readStdinLine();
      const added = await admin.addUser('cli', { username: username!, organisationId: o.org, password, admin: o.admin ?? false });
      print(o, present.user(added), ['username', 'organisation', 'admin']);
    }));
  user
    .command('remove <username>')
    .action(run(async ({ admin }, _o, username) => admin.removeUser('cli', username!)));
  user
    .command('list')
    .option('--org <id>')
    .action(run<Common & { org?: string }>(async ({ admin }, o) => print(o, (await admin.listUsers('cli', o.org)).map(present.user), ['username', 'organisation', 'admin'])));

  const key = program.command('key').description('API keys of organisations');
  key
    .command('issue')
    .requiredOption('--org <id>', 'organisation')
    .option('--label <text>')
    .option('--expires <date>', 'ISO 8601 date or time')
    .action(run<Common & { org: string; label?: string; expires?: string }>(async ({ admin }, o) => {
      const issued = await admin.issueKey('cli', { organisationId: o.org, ...given({ label: o.label, expiresAt: o.expires }) });
      if (o.json) print(o, { ...present.key(issued.key), token: issued.token }, []);
      else process.stdout.write(`key ${issued.key.id} for ${issued.key.organisationId}\ntoken (shown once, store it now): ${issued.token}\n`);
    }));
  key.command('revoke <id>').action(run(async ({ admin }, o, id) => print(o, present.key(await admin.revokeKey('cli', id!)), ['id', 'revoked_at'])));
  key
    .command('list')
    .option('--org <id>')
    .action(run<Common & { org?: string }>(async ({ admin }, o) =>
      print(o, (await admin.listKeys('cli', o.org)).map(present.key), ['id', 'organisation', 'label', 'expires_at', 'revoked_at']),
    ));

  const cert = program.command('cert').description('client certificates (mutual TLS) mapped to organisations');
  cert
    .command('add')
    .requiredOption('--org <id>', 'organisation')
    .option('--file <pem>', 'the client certificate, PEM')
    .option('--fingerprint <sha256>', 'its SHA-256 fingerprint instead of the file')
    .option('--subject <text>')
    .action(run<Common & { org: string; file?: string; fingerprint?: string; subject?: string }>(async ({ admin }, o) => {
      const fingerprint = o.file ? parseCertificateFingerprint(readFileSync(o.file, 'utf8')) : (o.fingerprint ?? '').replace(/:/g, '').toUpperCase();
      print(o, present.certificate(await admin.addCertificate('cli', { fingerprint, organisationId: o.org, ...given({ subject: o.subject }) })), ['fingerprint', 'organisation']);
    }));
  cert.command('remove <fingerprint>').action(run(async ({ admin }, _o, fp) => admin.removeCertificate('cli', fp!.replace(/:/g, '').toUpperCase())));
  cert
    .command('list')
    .option('--org <id>')
    .action(run<Common & { org?: string }>(async ({ admin }, o) => print(o, (await admin.listCertificates('cli', o.org)).map(present.certificate), ['fingerprint', 'organisation', 'subject'])));

  const partnership = program.command('partnership').description('partnerships: each is a TAXII API root');
  partnership
    .command('create <path>')
    .requiredOption('--title <title>')
    .requiredOption('--kind <kind>', 'bilateral, working_group or regional_operation')
    .option('--description <text>')
    .option('--start <date>', 'YYYY-MM-DD')
    .option('--end <date>', 'YYYY-MM-DD; read-only afterwards')
    .option('--always-list-objects', 'empty envelopes carry "objects": [] (for Elastic)')
    .action(run<Common & { title: string; kind: string; description?: string; start?: string; end?: string; alwaysListObjects?: boolean }>(async ({ admin }, o, path) => {
      const created = await admin.createPartnership('cli', {
        path: path!,
        title: o.title,
        kind: o.kind as PartnershipKind,
        ...given({ description: o.description, startDate: o.start, endDate: o.end, alwaysListObjects: o.alwaysListObjects }),
      });
      print(o, present.partnership(created), ['path', 'kind', 'status', 'title']);
    }));
  partnership.command('list').action(run(async ({ admin }, o) => print(o, (await admin.listPartnerships('cli')).map(present.partnership), ['path', 'kind', 'status', 'title'])));
  partnership.command('show <path>').action(run(async ({ admin }, o, path) => print(o, present.partnership(await admin.getPartnership('cli', path!)), ['path', 'kind', 'status', 'title'])));
  partnership
    .command('update <path>')
    .option('--title <title>')
    .option('--description <text>')
    .option('--end <date>', 'YYYY-MM-DD')
    .option('--always-list-objects <on>', 'true or false')
    .action(run<Common & { title?: string; description?: string; end?: string; alwaysListObjects?: string }>(async ({ admin }, o, path) => {
      if (o.alwaysListObjects !== undefined && !['true', 'false'].includes(o.alwaysListObjects)) throw new Error('--always-list-objects takes true or false');
      const patch = given({
        title: o.title,
        description: o.description,
        endDate: o.end,
        alwaysListObjects: o.alwaysListObjects === undefined ? undefined : o.alwaysListObjects === 'true',
      });
      print(o, present.partnership(await admin.updatePartnership('cli', path!, patch)), ['path', 'status', 'always_list_objects', 'title']);
    }));
  partnership
    .command('close <path>')
    .description('make every collection of the partnership read-only')
    .action(run(async ({ admin }, o, path) => print(o, present.partnership(await admin.updatePartnership('cli', path!, { status: 'closed' })), ['path', 'status'])));
  partnership
    .command('reopen <path>')
    .action(run(async ({ admin }, o, path) => print(o, present.partnership(await admin.updatePartnership('cli', path!, { status: 'active' })), ['path', 'status'])));

  const member = program.command('member').description('member organisations of a partnership and their roles');
  member
    .command('add <partnership> <org>')
    .requiredOption('--role <role>', 'consumer, publisher or steward')
    .action(run<Common & { role: string }>(async ({ admin }, o, p, orgId) =>
      print(o, present.member(await admin.setMember('cli', p!, orgId!, o.role as Role)), ['partnership', 'organisation', 'role']),
    ));
  member.command('remove <partnership> <org>').action(run(async ({ admin }, _o, p, orgId) => admin.removeMember('cli', p!, orgId!)));
  member.command('list <partnership>').action(run(async ({ admin }, o, p) => print(o, (await admin.listMembers('cli', p!)).map(present.member), ['organisation', 'role'])));

  const collection = program.command('collection').description('collections of a partnership');
  collection
    .command('add <partnership>')
    .requiredOption('--title <title>')
    .option('--id <uuid>', 'default: a new UUIDv4')
    .option('--alias <alias>')
    .option('--description <text>')
    .option('--ceiling <tlp>', 'most restrictive TLP accepted: clear, green, amber, amber+strict, red')
    .option('--profile <profile>', 'standard or strict validation')
    .action(run<Common & { title: string; id?: string; alias?: string; description?: string; ceiling?: string; profile?: string }>(async ({ admin }, o, p) => {
      const added = await admin.addCollection('cli', {
        partnership: p!,
        title: o.title,
        ...given({ id: o.id, alias: o.alias, description: o.description, markingCeiling: o.ceiling as TlpLevel | undefined, validationProfile: o.profile as Profile | undefined }),
      });
      print(o, present.collection(added), ['id', 'alias', 'title', 'marking_ceiling']);
    }));
  collection
    .command('list <partnership>')
    .action(run(async ({ admin }, o, p) => print(o, (await admin.listCollections('cli', p!)).map(present.collection), ['id', 'alias', 'title', 'marking_ceiling'])));

  program
    .command('audit')
    .description('list audit entries, oldest first')
    .option('--partnership <path>')
    .option('--after <seq>', 'entries after this seq')
    .option('--limit <n>', 'how many', '100')
    .action(run<Common & { partnership?: string; after?: string; limit: string }>(async ({ admin }, o) => {
      const page = await admin.listAudit('cli', { ...given({ partnership: o.partnership }), ...(o.after ? { afterSeq: Number(o.after) } : {}), limit: Number(o.limit) });
      print(o, page.entries.map(present.audit), ['seq', 'time', 'operation', 'outcome', 'organisation', 'user', 'key_id', 'partnership', 'collection', 'object_count', 'detail']);
    }));
}
