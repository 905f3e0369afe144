/**
 * The admin actions' declarations agree with themselves: every field an adapter
 * fills (a URL parameter, a positional argument, a CLI option, stdin, a fixed
 * value) is one the action takes, and every parameter it needs is given by each
 * of its routes and commands. A slip here would be an input the schema never sees,
 * or an action that can only fail.
 */

import type { AdminAction, CliBinding, HttpBinding } from '../../src/admin/action';
import { ADMIN_ACTIONS, ADMIN_RESOURCES } from '../../src/admin/index';

const bodyFields = (action: AdminAction) => Object.keys((action.body as { properties?: object } | undefined)?.properties ?? {});
const httpBindings = (action: AdminAction): readonly HttpBinding[] => (action.http === undefined ? [] : 'path' in action.http ? [action.http] : action.http);
const pathParams = (binding: HttpBinding) => [...binding.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
const positionals = (binding: CliBinding) => [...binding.command.matchAll(/<(\w+)>/g)].map((m) => m[1]!);
const optionField = (flags: string, field?: string) => field ?? /--([a-z-]+)/.exec(flags)![1]!.replace(/-/g, '_');

describe.each(ADMIN_ACTIONS.map((action) => [action.name, action] as const))('%s', (_name, action) => {
  const params = action.params ?? [];
  const known = new Set([...params, ...(action.optionalParams ?? []), ...bodyFields(action)]);

  test('when its routes are read, then each path parameter is an input it takes and each parameter it needs is in the path', () => {
    for (const binding of httpBindings(action)) {
      expect(pathParams(binding).filter((p) => !known.has(p))).toEqual([]);
      expect(params.filter((p) => !pathParams(binding).includes(p))).toEqual([]);
    }
  });

  test('when its commands are read, then every argument, option, stdin field and fixed value is an input it takes, and every parameter is given', () => {
    for (const binding of action.cli ?? []) {
      const given = [
        ...positionals(binding),
        ...(binding.options ?? []).map((o) => optionField(o.flags, o.field)),
        ...(binding.stdin === undefined ? [] : [binding.stdin]),
        ...Object.keys(binding.fixed ?? {}),
      ];
      // A nested field (`retention.max_age_days`) belongs to its top-level body property.
      expect(given.filter((field) => !known.has(field.split('.')[0]!))).toEqual([]);
      const required = [...positionals(binding), ...(binding.options ?? []).filter((o) => o.required).map((o) => optionField(o.flags, o.field))];
      expect(params.filter((p) => !required.includes(p))).toEqual([]);
    }
  });

  test('when it is an operator-only action, then it has no route', () => {
    if (action.who === 'operator') expect(httpBindings(action)).toEqual([]);
  });
});

test('when the CLI commands are listed, then no two actions claim the same command', () => {
  const commands = ADMIN_RESOURCES.flatMap((resource) =>
    resource.actions.flatMap((action) => (action.cli ?? []).map((binding) => `${resource.group?.name ?? ''} ${binding.command.split(' ')[0]}`)),
  );
  expect(commands.filter((c, i) => commands.indexOf(c) !== i)).toEqual([]);
});
