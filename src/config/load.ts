/**
 * Loads the YAML configuration, applies environment overrides, validates the
 * result against the schema and the cross-key rules, and freezes it. Any problem
 * stops start-up with a ConfigError naming each bad key and where it came from.
 */

import Ajv, { type ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';
import { isPasswordHash } from '../auth/passwords';
import { CONFIG_SCHEMA, ENV_OVERRIDES } from './schema';
import type { Config } from './types';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const API_ROOT_PATH = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,63}$/;
const RESERVED_ROOTS = new Set(['taxii2', 'taxii', 'admin']);

const validateSchema = new Ajv({ allErrors: true, useDefaults: true, strict: true }).compile(CONFIG_SCHEMA);

/** Reads and validates a configuration file. `env` defaults to the process environment. */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Config {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([`${path}: cannot be read as YAML: ${(error as Error).message}`]);
  }
  return buildConfig(raw ?? {}, path, env);
}

/** Validates an already parsed configuration document. */
export function buildConfig(document: unknown, source: string, env: NodeJS.ProcessEnv = {}): Config {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ConfigError([`${source}: the configuration must be a YAML mapping`]);
  }
  const doc = structuredClone(document) as Record<string, unknown>;
  const fromEnv = new Map<string, string>();
  const problems: string[] = [];
  for (const override of ENV_OVERRIDES) {
    const value = env[override.env];
    if (value === undefined || value === '') continue;
    const parsed = parseEnvValue(value, override.kind);
    if (parsed === undefined) {
      problems.push(`${override.key}: expected ${override.kind}, got ${JSON.stringify(value)} (from environment variable ${override.env})`);
      continue;
    }
    setPath(doc, override.key, parsed);
    fromEnv.set(override.key, override.env);
  }
  const where = (key: string) => {
    const envName = [...fromEnv].find(([k]) => key === k || key.startsWith(`${k}.`))?.[1];
    return envName ? `from environment variable ${envName}` : `in ${source}`;
  };
  if (problems.length === 0 && !validateSchema(doc)) {
    for (const error of validateSchema.errors ?? []) problems.push(describeSchemaError(error, where));
  }
  if (problems.length === 0) problems.push(...crossKeyProblems(doc as unknown as Config).map((p) => `${p} (${where(p.split(':')[0]!)})`));
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(doc as unknown as Config);
}

function crossKeyProblems(config: Config): string[] {
  const problems: string[] = [];
  const usernames = new Set<string>();
  config.users.forEach((user, i) => {
    if (usernames.has(user.username)) problems.push(`users[${i}].username: duplicate username ${user.username}`);
    usernames.add(user.username);
    if (!isPasswordHash(user.password_hash)) {
      problems.push(`users[${i}].password_hash: not an scrypt hash; create one with \`accord hash-password\``);
    }
  });
  const roots = new Set<string>();
  const collectionIds = new Set<string>();
  config.api_roots.forEach((root, r) => {
    const at = `api_roots[${r}]`;
    if (!API_ROOT_PATH.test(root.path) || RESERVED_ROOTS.has(root.path.toLowerCase())) {
      problems.push(`${at}.path: must be one URL segment of letters, digits, '.', '_', '~', '-' (not taxii, taxii2 or admin), got ${JSON.stringify(root.path)}`);
    }
    if (roots.has(root.path)) problems.push(`${at}.path: duplicate API root ${root.path}`);
    roots.add(root.path);
    const aliases = new Set<string>();
    root.collections.forEach((collection, c) => {
      const cat = `${at}.collections[${c}]`;
      if (!UUID_V4.test(collection.id)) problems.push(`${cat}.id: must be a lower-case UUIDv4, got ${JSON.stringify(collection.id)}`);
      if (collectionIds.has(collection.id)) problems.push(`${cat}.id: duplicate collection id ${collection.id}`);
      collectionIds.add(collection.id);
      if (collection.alias !== undefined) {
        if (aliases.has(collection.alias) || collection.alias.includes('/')) {
          problems.push(`${cat}.alias: must be unique in the API root and contain no '/'`);
        }
        aliases.add(collection.alias);
      }
      for (const list of ['readers', 'writers'] as const) {
        collection[list].forEach((name, u) => {
          if (!usernames.has(name)) problems.push(`${cat}.${list}[${u}]: unknown user ${JSON.stringify(name)}`);
        });
      }
    });
  });
  const fallback = config.taxii.discovery.default;
  if (fallback !== undefined && !roots.has(fallback)) {
    problems.push(`taxii.discovery.default: ${JSON.stringify(fallback)} is not the path of an API root`);
  }
  if (config.taxii.default_page_size > config.taxii.max_page_size) {
    problems.push('taxii.default_page_size: must not exceed taxii.max_page_size');
  }
  return problems;
}

function describeSchemaError(error: ErrorObject, where: (key: string) => string): string {
  let key = pointerToKey(error.instancePath);
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'additionalProperties') {
    key = joinKey(key, String(error.params.additionalProperty));
    message = 'is not a known configuration key';
  } else if (error.keyword === 'required') {
    key = joinKey(key, String(error.params.missingProperty));
    message = 'is required';
  } else if (error.keyword === 'enum') {
    message = `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  }
  return `${key || '(top level)'}: ${message} (${where(key)})`;
}

function pointerToKey(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .reduce((key, part) => (/^\d+$/.test(part) ? `${key}[${part}]` : joinKey(key, part)), '');
}

function joinKey(base: string, part: string): string {
  return base ? `${base}.${part}` : part;
}

function parseEnvValue(value: string, kind: 'string' | 'integer' | 'boolean'): string | number | boolean | undefined {
  if (kind === 'string') return value;
  if (kind === 'integer') return /^\d+$/.test(value) ? Number(value) : undefined;
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

function setPath(doc: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = doc;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
