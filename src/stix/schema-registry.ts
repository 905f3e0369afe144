/**
 * Loads the JSON schemas of `schemas/` and compiles each once
 * (docs/validation.md#schemas): one validator per type in a Map, custom types dispatched to
 * the SDO- or SCO-like core schema, never a bundle-wide `oneOf`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { AnySchemaObject, ValidateFunction } from 'ajv';
import { META_TYPES, SCO_TYPES, SDO_TYPES, SRO_TYPES } from './object-class';
import { SCHEMA_FORMATS } from './schema-formats';
import { projectRoot } from '../paths';

export const SCHEMA_BASE = 'https://accord.invalid/stix21/';
export const CORE_SDO_ID = `${SCHEMA_BASE}common/core-sdo.json`;
export const CORE_SCO_ID = `${SCHEMA_BASE}common/core-sco.json`;
export const BUNDLE_ID = `${SCHEMA_BASE}bundle.json`;

/** The annotation keyword carrying the Accord rule id of a subschema. */
export const RULE_KEYWORD = 'x-rule';
/** The annotation keyword naming the property a failed `then`/`else` points at. */
export const POINTER_KEYWORD = 'x-pointer';

export interface CompiledSchema {
  id: string;
  /** allErrors: false — the hot path, for the verdict only. */
  fast: ValidateFunction;
  /** allErrors: true, verbose — run only on objects that failed, to list every error. */
  full: ValidateFunction;
  /** Top-level properties the schema defines (with those of the schemas it builds on). */
  properties: ReadonlySet<string>;
}

export interface SchemaRegistry {
  /** Keyed by STIX type; custom types use `coreSdo`/`coreSco`. */
  byType: ReadonlyMap<string, CompiledSchema>;
  coreSdo: CompiledSchema;
  coreSco: CompiledSchema;
  bundle: CompiledSchema;
}

function listJsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listJsonFiles(path));
    else if (name.endsWith('.json')) out.push(path);
  }
  return out;
}

function newAjv(allErrors: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true, // unknown keywords, formats and ambiguous types are schema bugs
    allowUnionTypes: true, // header and dictionary values are "string or list" (STIX 2.1 §6.6, §6.12.2)
    unicodeRegExp: true,
    coerceTypes: false, // validation never alters an object (docs/validation.md#schemas)
    useDefaults: false,
    removeAdditional: false,
    allErrors,
    verbose: true, // errors carry parentSchema, where x-rule is read; costs nothing on valid objects
    messages: false, // Accord writes its own texts
  });
  ajv.addKeyword({ keyword: RULE_KEYWORD, schemaType: 'string' });
  ajv.addKeyword({ keyword: POINTER_KEYWORD, schemaType: 'string' });
  for (const [name, validate] of SCHEMA_FORMATS) ajv.addFormat(name, { type: 'string', validate });
  return ajv;
}

function readSchemas(dir: string): Map<string, AnySchemaObject> {
  const schemas = new Map<string, AnySchemaObject>();
  for (const file of listJsonFiles(dir)) {
    let schema: AnySchemaObject;
    try {
      schema = JSON.parse(readFileSync(file, 'utf8')) as AnySchemaObject;
    } catch (e) {
      throw new Error(`schema file ${file} is not JSON: ${(e as Error).message}`);
    }
    const id = schema['$id'];
    if (typeof id !== 'string') throw new Error(`schema file ${file} has no $id`);
    if (schemas.has(id)) throw new Error(`schema ${id} is defined twice`);
    schemas.set(id, schema);
  }
  return schemas;
}

/** Top-level `properties` keys of a schema and of the whole-file schemas its `allOf` refers to. */
function collectProperties(id: string, schemas: Map<string, AnySchemaObject>, out: Set<string>, depth = 0): void {
  const schema = schemas.get(id);
  if (!schema || depth > 8) return;
  const props = schema['properties'] as Record<string, unknown> | undefined;
  if (props) for (const key of Object.keys(props)) out.add(key);
  const allOf = schema['allOf'] as AnySchemaObject[] | undefined;
  for (const part of allOf ?? []) {
    const ref = part['$ref'];
    if (typeof ref === 'string' && !ref.includes('#')) collectProperties(new URL(ref, id).href, schemas, out, depth + 1);
    const inner = part['properties'] as Record<string, unknown> | undefined;
    if (inner && part['$ref'] === undefined && part['if'] === undefined) {
      for (const [key, value] of Object.entries(inner)) if (value !== true) out.add(key);
    }
  }
}

function compile(id: string, fast: Ajv2020, full: Ajv2020, schemas: Map<string, AnySchemaObject>): CompiledSchema {
  try {
    const f = fast.getSchema(id);
    const a = full.getSchema(id);
    if (!f || !a) throw new Error('not loaded');
    const properties = new Set<string>();
    collectProperties(id, schemas, properties);
    return { id, fast: f, full: a, properties };
  } catch (e) {
    throw new Error(`schema ${id} failed to compile: ${(e as Error).message}`);
  }
}

export function typeSchemaId(type: string): string {
  if (SDO_TYPES.has(type)) return `${SCHEMA_BASE}sdo/${type}.json`;
  if (SRO_TYPES.has(type)) return `${SCHEMA_BASE}sro/${type}.json`;
  if (SCO_TYPES.has(type)) return `${SCHEMA_BASE}sco/${type}.json`;
  if (META_TYPES.has(type)) return `${SCHEMA_BASE}meta/${type}.json`;
  throw new Error(`no schema for type ${type}`);
}

/** Reads and compiles every schema; throws an Error naming the $id of the first that fails. */
export function loadSchemaRegistry(schemaDir: string = join(projectRoot(), 'schemas')): SchemaRegistry {
  const schemas = readSchemas(schemaDir);
  const fast = newAjv(false);
  const full = newAjv(true);
  for (const [id, schema] of schemas) {
    try {
      fast.addSchema(schema);
      full.addSchema(schema);
    } catch (e) {
      throw new Error(`schema ${id} is invalid: ${(e as Error).message}`);
    }
  }
  const byType = new Map<string, CompiledSchema>();
  for (const type of [...SDO_TYPES, ...SRO_TYPES, ...SCO_TYPES, ...META_TYPES]) {
    byType.set(type, compile(typeSchemaId(type), fast, full, schemas));
  }
  // Shared files compile too, so that a broken one stops start-up even if no type uses it yet.
  for (const id of schemas.keys()) if (![...byType.values()].some((c) => c.id === id)) compile(id, fast, full, schemas);
  return {
    byType,
    coreSdo: compile(CORE_SDO_ID, fast, full, schemas),
    coreSco: compile(CORE_SCO_ID, fast, full, schemas),
    bundle: compile(BUNDLE_ID, fast, full, schemas),
  };
}
