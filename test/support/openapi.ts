/**
 * openapi.yaml as tests read it: the document, its operations with parameters and
 * responses resolved, and a validator for the bodies it declares.
 */

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../src/paths';

export type JsonSchema = Record<string, any>;

export const OPENAPI: Record<string, any> = parse(readFileSync(join(projectRoot(), 'openapi.yaml'), 'utf8'));

export const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: JsonSchema;
}

export interface ResponseSpec {
  description: string;
  /** Media type to its schema; absent when the response has no body. */
  content?: Record<string, { schema?: JsonSchema }>;
}

export interface Operation {
  id: string;
  method: Uppercase<(typeof METHODS)[number]>;
  /** The path template, e.g. `/{apiRoot}/collections/`. */
  path: string;
  parameters: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, ResponseSpec>;
  /** False for the operations declared with `security: []`. */
  authenticated: boolean;
}

/** Follows a local `$ref` (`#/components/...`) until it reaches the object itself. */
export function resolve<T>(node: T | { $ref: string }): T {
  let current: any = node;
  while (current && typeof current.$ref === 'string') {
    current = (current.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .reduce((at: any, key) => at[key.replace(/~1/g, '/').replace(/~0/g, '~')], OPENAPI);
  }
  return current as T;
}

/** Every operation of the document, path-level parameters merged into each. */
export function operations(): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(OPENAPI.paths as Record<string, Record<string, any>>)) {
    const shared: Parameter[] = (item.parameters ?? []).map(resolve);
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const own: Parameter[] = (op.parameters ?? []).map(resolve);
      const names = new Set(own.map((p) => `${p.in}:${p.name}`));
      const body = op.requestBody === undefined ? undefined : resolve<any>(op.requestBody);
      out.push({
        id: op.operationId,
        method: method.toUpperCase() as Operation['method'],
        path,
        parameters: [...shared.filter((p) => !names.has(`${p.in}:${p.name}`)), ...own],
        ...(body ? { requestBody: { required: body.required === true, content: body.content } } : {}),
        responses: Object.fromEntries(Object.entries(op.responses as Record<string, unknown>).map(([status, r]) => [status, resolve<ResponseSpec>(r as ResponseSpec)])),
        authenticated: !(Array.isArray(op.security) && op.security.length === 0),
      });
    }
  }
  return out;
}

/**
 * Checks values against schemas of the document (a schema taken from anywhere in
 * it, its `$ref`s pointing into the components): the list of errors, empty when valid.
 */
export function schemaValidator(): (schema: JsonSchema, value: unknown) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: OPENAPI.components });
  const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();
  return (schema, value) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(pointedAtComponents(schema) as JsonSchema);
      compiled.set(schema, validate);
    }
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`.trim());
  };
}

function pointedAtComponents(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(pointedAtComponents);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `openapi${value}` : pointedAtComponents(value)]),
  );
}

/**
 * The operation a concrete request path reaches (raw, before percent-decoding, as
 * the router matches it): a literal path wins over a template (`/_health/` is the
 * health probe, not an API root named `_health`).
 */
export function operationAt(all: Operation[], method: string, rawPath: string): Operation | undefined {
  const segments = (path: string) => path.split('?', 1)[0]!.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1').split('/');
  const wanted = segments(rawPath);
  const matching = all.filter((op) => {
    const template = segments(op.path);
    return op.method === method && template.length === wanted.length && template.every((part, i) => /^\{\w+\}$/.test(part) || part === wanted[i]);
  });
  const templated = (op: Operation) => (op.path.match(/\{/g) ?? []).length;
  return matching.sort((a, b) => templated(a) - templated(b))[0];
}
