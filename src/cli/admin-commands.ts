/**
 * `accord org|user|key|cert|partnership|member|collection|audit …`: one command
 * per admin action that declares one (src/admin), performed by the local operator
 * on the configured store. Output is one line per item, or JSON with --json.
 */

import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import type { AdminAction, AdminResource, CliBinding, CliOption, Json } from '../admin/action';
import { ADMIN_RESOURCES } from '../admin/index';
import { withCore } from './context';
import { readStdinLine } from './stdin';

export function registerAdminCommands(program: Command, resources: readonly AdminResource[] = ADMIN_RESOURCES): void {
  for (const resource of resources) {
    const parent = resource.group ? program.command(resource.group.name).description(resource.group.description) : program;
    for (const action of resource.actions) for (const binding of action.cli ?? []) addCommand(parent, action, binding);
  }
}

function addCommand(parent: Command, action: AdminAction, binding: CliBinding): void {
  const command = parent.command(binding.command);
  if (binding.description !== undefined) command.description(binding.description);
  const options = (binding.options ?? []).map((declared) => {
    const option = new Option(declared.flags, declared.description);
    if (declared.required) option.makeOptionMandatory();
    if (declared.default !== undefined) option.default(declared.default);
    command.addOption(option);
    return { declared, option };
  });
  command.action(async (...args: unknown[]) => {
    const self = args[args.length - 1] as Command;
    const input: Json = { ...binding.fixed };
    self.registeredArguments.forEach((argument, i) => (input[argument.name()] = args[i]));
    for (const { declared, option } of options) {
      const value = self.getOptionValue(option.attributeName()) as string | boolean | undefined;
      if (value !== undefined) setField(input, fieldOf(declared), declared.file ? readFileSync(String(value), 'utf8') : typed(action, fieldOf(declared), value));
    }
    if (binding.stdin !== undefined) input[binding.stdin] = await readStdinLine();
    const { config, json } = self.optsWithGlobals<{ config?: string; json?: boolean }>();
    await withCore(config, async ({ admin }) => print(action, binding, action.present(await admin.perform(action, 'cli', input)), json ?? false));
  });
}

function fieldOf(option: CliOption): string {
  return option.field ?? /--([a-z-]+)/.exec(option.flags)![1]!.replace(/-/g, '_');
}

/** Sets a field; `a.b` sets `b` in the object `a` (a nested body property such as `retention.max_age_days`). */
function setField(input: Json, field: string, value: unknown): void {
  const [head, ...rest] = field.split('.');
  if (rest.length === 0) input[head!] = value;
  else setField((input[head!] ??= {}) as Json, rest.join('.'), value);
}

type SchemaNode = { type?: unknown; properties?: Record<string, SchemaNode> };

/** Command-line text as the type the body schema expects; anything else is left for the schema to refuse. */
function typed(action: AdminAction, field: string, value: string | boolean): unknown {
  const type = field.split('.').reduce<SchemaNode | undefined>((node, part) => node?.properties?.[part], action.body as SchemaNode | undefined)?.type;
  if (typeof value !== 'string') return value;
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if (type === 'integer' && /^\d{1,15}$/.test(value)) return Number(value);
  // A list of names, comma-separated; an empty value is the empty list.
  if (type === 'array') return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  return value;
}

function print(action: AdminAction, binding: CliBinding, wire: unknown, json: boolean): void {
  if (wire === undefined) return;
  const rows = (action.rows ? action.rows(wire) : [wire]) as Json[];
  if (json) {
    process.stdout.write(`${JSON.stringify(action.rows ? rows : wire, null, 2)}\n`);
    return;
  }
  if (binding.text) {
    process.stdout.write(binding.text(wire as Json));
    return;
  }
  const columns = binding.columns ?? [];
  for (const row of rows) process.stdout.write(`${columns.map((c) => (row[c] === undefined ? '-' : String(row[c]))).join('\t')}\n`);
}
