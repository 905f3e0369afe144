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
const ORG_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const KEY_ID = /^[0-9a-f]{24}$/;
const SECRET_HASH = /^sha256:[0-9a-f]{64}$/;

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
  const orgs = new Set<string>();
  const usernames = new Set<string>();
  config.seed.organisations.forEach((org, o) => {
    const at = `seed.organisations[${o}]`;
    if (!ORG_ID.test(org.id)) problems.push(`${at}.id: 2-63 lower-case letters, digits or '-', got ${JSON.stringify(org.id)}`);
    if (orgs.has(org.id)) problems.push(`${at}.id: duplicate organisation ${org.id}`);
    orgs.add(org.id);
    org.users.forEach((user, u) => {
      if (usernames.has(user.username)) problems.push(`${at}.users[${u}].username: duplicate username ${user.username}`);
      usernames.add(user.username);
      if (!isPasswordHash(user.password_hash)) {
        problems.push(`${at}.users[${u}].password_hash: not an scrypt hash; create one with \`accord hash-password\``);
      }
    });
    org.api_keys.forEach((key, k) => {
      if (!KEY_ID.test(key.id)) problems.push(`${at}.api_keys[${k}].id: 24 lower-case hex digits`);
      if (!SECRET_HASH.test(key.secret_hash)) problems.push(`${at}.api_keys[${k}].secret_hash: sha256: followed by 64 hex digits`);
    });
  });
  const roots = new Set<string>();
  const collectionIds = new Set<string>();
  config.seed.partnerships.forEach((p, i) => {
    const at = `seed.partnerships[${i}]`;
    if (!API_ROOT_PATH.test(p.path) || RESERVED_ROOTS.has(p.path.toLowerCase())) {
      problems.push(`${at}.path: must be one URL segment of letters, digits, '.', '_', '~', '-' (not taxii, taxii2 or admin), got ${JSON.stringify(p.path)}`);
    }
    if (roots.has(p.path)) problems.push(`${at}.path: duplicate partnership ${p.path}`);
    roots.add(p.path);
    p.members.forEach((m, j) => {
      if (!orgs.has(m.organisation)) problems.push(`${at}.members[${j}].organisation: unknown organisation ${JSON.stringify(m.organisation)}`);
    });
    const aliases = new Set<string>();
    p.collections.forEach((c, j) => {
      const cat = `${at}.collections[${j}]`;
      if (!UUID_V4.test(c.id)) problems.push(`${cat}.id: must be a lower-case UUIDv4, got ${JSON.stringify(c.id)}`);
      if (collectionIds.has(c.id)) problems.push(`${cat}.id: duplicate collection id ${c.id}`);
      collectionIds.add(c.id);
      if (c.alias !== undefined) {
        if (aliases.has(c.alias) || c.alias.includes('/')) problems.push(`${cat}.alias: must be unique in the partnership and contain no '/'`);
        aliases.add(c.alias);
      }
    });
  });
  if (config.store.backend === 'mongodb' && config.store.mongodb.uri === undefined) {
    problems.push('store.mongodb.uri: required when store.backend is mongodb (or set MONGODB_URI)');
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
