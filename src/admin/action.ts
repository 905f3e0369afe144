/**
 * The shape every admin resource module declares once: its actions, each with
 * the body schema it accepts, who may perform it, what it does, the audit line
 * it writes and the wire shape it answers with, plus how it is reached over HTTP
 * and at the command line. The HTTP routes, the CLI and the YAML seed are
 * adapters over these declarations and hold no rule of their own.
 */

import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { Actor } from '../identity/principal';
import type { AdminContext } from './context';

/**
 * Who may perform an action; checked by perform() before it runs, for every
 * adapter alike. A partnership the caller is not part of is reported as absent
 * (404), exactly as on the TAXII side.
 * - administrator: server administrators, and the local operator;
 * - steward: those, and the stewards of the partnership named by the `partnership` input
 *   (without one, administrators only);
 * - signed-in: anyone signed in (the action narrows what it shows);
 * - operator: the local operator only (the CLI and the seed), never over HTTP.
 */
export type Who = 'administrator' | 'steward' | 'signed-in' | 'operator';

/** What an action writes to the audit trail when it succeeds. */
export interface AuditLine {
  operation: string;
  partnership?: string;
  collection?: string;
  detail?: string;
}

export type Json = Record<string, unknown>;

export interface HttpBinding {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Express path under /admin; its parameters are input fields of the same name. */
  path: string;
  /** 201 for a creation, 204 when nothing is sent back; 200 otherwise. */
  status?: 201 | 204;
  /** Input fields read from the query string; throws a 400 on a bad value. */
  query?(params: URLSearchParams): Json;
}

export interface CliOption {
  /** commander flags, e.g. `--name <name>` or `--admin`. */
  flags: string;
  /** The input field it sets; default: the long flag's name with `-` as `_`. */
  field?: string;
  description?: string;
  required?: boolean;
  default?: string;
  /** The value is a file whose text is the field (a PEM certificate). */
  file?: boolean;
}

export interface CliBinding {
  /** e.g. `add <id>` within the resource's group: positional arguments are input fields of the same name. */
  command: string;
  description?: string;
  options?: CliOption[];
  /** Input this command always sends (`partnership close` sets `status`). */
  fixed?: Json;
  /** An input field read from the first line of stdin: a password never goes on a command line. */
  stdin?: string;
  /** Columns of the text output, one line per row. */
  columns?: string[];
  /** Text output instead of columns. */
  text?(wire: Json): string;
}

export interface AdminAction<I = any, O = any> {
  /** `<resource>.<verb>`, for messages and tests. */
  name: string;
  who: Who;
  /** JSON schema of the request body, exactly as openapi.yaml publishes it. */
  body?: object;
  /** Input fields that come from the URL path or positional arguments. */
  params?: readonly string[];
  /** Input fields that may narrow a listing (CLI options, or a path or query where a route gives them). */
  optionalParams?: readonly string[];
  run(input: I, ctx: AdminContext, actor: Actor): Promise<O>;
  audit?(output: O, input: I): AuditLine;
  /** The wire shape (snake_case; never a password hash or a key's secret hash); undefined sends no body. */
  present(output: O): unknown;
  /** The items of a wire list, printed one per line and as a JSON array by the CLI (default: the wire is one item). */
  rows?(wire: unknown): unknown[];
  /** Usually one route; several when the same action answers at several paths. */
  http?: HttpBinding | readonly HttpBinding[];
  cli?: CliBinding[];
}

export interface AdminResource {
  /** The CLI command group (`org`, `member`…); absent: commands at the top level. */
  group?: { name: string; description: string };
  actions: AdminAction[];
}

/** The body a schema describes; properties with a default stay optional (validation adds none). */
export type BodyOf<S> = [S] extends [never] ? unknown : S extends JSONSchema ? FromSchema<S, { keepDefaultedPropertiesOptional: true }> : never;

/**
 * Declares an action in two steps: first what its input is made of (the body
 * schema, the parameters from the URL path or positional arguments, the optional
 * parameters that narrow a listing), which types the input; then the action
 * itself. (One step would make TypeScript infer the input and the output together,
 * and the schema-derived body type is then too costly for it: TS2589.)
 */
export function defineAction<const S extends object = never, const P extends string = never, const Q extends string = never>(shape: {
  body?: S;
  params?: readonly P[];
  optionalParams?: readonly Q[];
}): ActionBuilder<BodyOf<S>, P, Q> {
  return (spec) => ({ ...spec, ...shape });
}

type ActionBuilder<B, P extends string, Q extends string> = <O>(
  spec: Omit<AdminAction<B & { readonly [K in P]: string } & { readonly [K in Q]?: string }, O>, 'body' | 'params' | 'optionalParams'>,
) => AdminAction<B & { readonly [K in P]: string } & { readonly [K in Q]?: string }, O>;
