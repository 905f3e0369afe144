/**
 * fast-check arbitraries from the JSON schemas of openapi.yaml's request bodies:
 * values the schema accepts, and mutations of them it should not (wrong types,
 * missing and extra fields, deep nesting, huge strings).
 */

import fc from 'fast-check';
import { resolve, type JsonSchema } from './openapi';

/** A value of the shape the schema describes (the keywords request schemas use). */
export function validValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if (Array.isArray(s.type)) return fc.oneof(...(s.type as string[]).map((type) => validValue({ ...s, type })));
  switch (s.type) {
    case 'string':
      return validString(s);
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000_000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(s.items ? validValue(s.items) : fc.jsonValue({ maxDepth: 2 }), { minLength: s.minItems ?? 0, maxLength: Math.max(s.minItems ?? 0, 4) });
    case 'object':
    case undefined:
      return validObject(s);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function validObject(s: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
  const model = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, validValue(property)]));
  return fc.record(model, { requiredKeys: (s.required ?? []) as string[] }) as fc.Arbitrary<Record<string, unknown>>;
}

function validString(s: JsonSchema): fc.Arbitrary<string> {
  const minLength: number = s.minLength ?? 0;
  const fits = (text: string) => text.length >= minLength && text.length <= (s.maxLength ?? Infinity);
  if (s.format === 'date') {
    return fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  }
  if (typeof s.pattern === 'string') {
    const pattern = new RegExp(s.pattern, 'u');
    // fast-check cannot generate from lookaheads: generate without them, keep what the whole pattern accepts.
    const generable = new RegExp(s.pattern.replace(/\(\?[!=][^)]*\)/g, ''), 'u');
    return fc.stringMatching(generable).filter((text) => fits(text) && pattern.test(text));
  }
  return fc.string({ minLength, maxLength: s.maxLength ?? Math.max(minLength, 40), unit: 'grapheme' });
}

const WRONG_TYPES: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 10 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/** Keys with a meaning to JavaScript objects, which a body must not be able to use. */
const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''];

/** Arrays nested `depth` deep around a value. */
export function nested(depth: number, inner: unknown = 1): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

/**
 * A valid value with one thing wrong: a field of the wrong type, a required field
 * missing, a field the schema does not list (some named like Object.prototype's),
 * a field nested thousands deep, or a field holding a string up to `hugeBytes` long.
 */
export function mutatedValue(schema: JsonSchema, hugeBytes: number): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const base = validValue(s);
  const fieldNames = Object.keys(s.properties ?? {});
  const field = fc.oneof(fc.constantFrom(...fieldNames, ...SPECIAL_KEYS), fc.string({ maxLength: 12 }));
  const replace = (make: fc.Arbitrary<unknown>) =>
    fc.tuple(base, field, make).map(([value, name, replacement]) => (isObject(value) ? withOwn(value, name, replacement) : replacement));
  return fc.oneof(
    WRONG_TYPES,
    replace(WRONG_TYPES),
    fc.tuple(base, fc.nat()).map(([value, i]) => {
      if (!isObject(value) || !Array.isArray(s.required) || s.required.length === 0) return value;
      const { [s.required[i % s.required.length] as string]: _dropped, ...rest } = value;
      return rest;
    }),
    replace(fc.jsonValue({ maxDepth: 3 })),
    replace(fc.integer({ min: 100, max: 3_000 }).map((depth) => nested(depth))),
    replace(fc.integer({ min: 1, max: hugeBytes }).map((length) => 'x'.repeat(length))),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets a field as an own property, even `__proto__` (as JSON.parse would on the server). */
function withOwn(value: Record<string, unknown>, name: string, replacement: unknown): Record<string, unknown> {
  const copy = { ...value };
  Object.defineProperty(copy, name, { value: replacement, enumerable: true, writable: true, configurable: true });
  return copy;
}
