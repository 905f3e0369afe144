/**
 * Loads the YAML configuration, applies environment overrides, validates the
 * result against the schema and the cross-key rules, and freezes it. Any problem
 * stops start-up with a ConfigError naming each bad key and where it came from.
 */

import Ajv, { type ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { addAdminKeywords } from '../admin/body-schema';
import { seedProblems } from '../admin/seed';
import { ConfigError } from '../errors';
import { MAX_STORED_OBJECT_BYTES } from '../store/contract';
import { CONFIG_SCHEMA, ENV_OVERRIDES, type Config } from './schema';

const validateSchema = addAdminKeywords(new Ajv({ allErrors: true, useDefaults: true, strict: true, verbose: true })).compile(CONFIG_SCHEMA);

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
  const problems = seedProblems(config.seed);
  if (config.store.backend === 'mongodb' && config.store.mongodb.uri === undefined) {
    problems.push('store.mongodb.uri: required when store.backend is mongodb (or set MONGODB_URI)');
  }
  if (config.taxii.max_object_size > MAX_STORED_OBJECT_BYTES) {
    problems.push(
      `taxii.max_object_size: must be at most ${MAX_STORED_OBJECT_BYTES} bytes (16 MiB less 64 KiB), the largest object a store keeps (MongoDB holds a record in one document of at most 16 MiB); got ${config.taxii.max_object_size}`,
    );
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
  } else if (typeof error.parentSchema?.['x-expected'] === 'string') {
    // A pattern or format with a sentence for people (see src/admin/body-schema.ts).
    message = error.parentSchema['x-expected'];
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
