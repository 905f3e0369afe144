/**
 * Admin request bodies are JSON-schema checked before any action runs: one ajv
 * instance, every action's schema compiled once at start-up. The schemas are the
 * ones openapi.yaml publishes (a test compares them). Validation never alters a
 * body (no coercion, no defaults), and a failure is a 422 naming each field.
 *
 * `x-expected` is an annotation on a `pattern`, `format` or `anyOf`: the sentence a
 * failure shows instead of the regular expression.
 */

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { UnprocessableContentError } from '../errors';

/** Registers the annotation keyword and formats the admin schemas use (the config loader shares them). */
export function addAdminKeywords(ajv: Ajv): Ajv {
  ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
  addFormats(ajv, ['date']);
  return ajv;
}

// verbose: errors carry their schema (for x-expected) and the value they are about.
const ajv = addAdminKeywords(new Ajv({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false, verbose: true }));

export type BodyCheck = (body: unknown) => void;

/** Compiles a body schema now; the returned check throws a 422 listing every problem. */
export function compileBody(schema: object): BodyCheck {
  const validate: ValidateFunction = ajv.compile(schema);
  return (body) => {
    if (!validate(body)) throw new UnprocessableContentError(describeErrors(validate.errors ?? []));
  };
}

function describeErrors(errors: ErrorObject[]): string {
  // An unmet anyOf is described once, by its x-expected, not by each alternative it tried.
  const alternatives = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  const shown = errors.filter((e) => !alternatives.some((prefix) => e.schemaPath.startsWith(prefix)));
  return [...new Set(shown.map(describeError))].join('; ');
}

/** `field "value": what was expected` (the value only where it helps, and short). */
function describeError(error: ErrorObject): string {
  const field = error.instancePath.split('/').slice(1).join('.');
  const expected = error.parentSchema?.['x-expected'];
  const shown = `${field} ${(JSON.stringify(error.data) ?? '').slice(0, 100)}`;
  switch (error.keyword) {
    case 'required':
      return `${joined(field, String(error.params.missingProperty))}: is required`;
    case 'enum':
      return `${shown}: one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'anyOf':
      return `${field || 'the body'}: ${typeof expected === 'string' ? expected : error.message}`;
    case 'pattern':
    case 'format':
      return `${shown}: ${typeof expected === 'string' ? expected : error.message}`;
    case 'minLength':
      return error.params.limit === 1 ? `${field}: must not be empty` : `${field}: at least ${error.params.limit} characters`;
    default:
      return `${field || 'the body'}: ${error.message ?? 'is invalid'}`;
  }
}

function joined(base: string, part: string): string {
  return base === '' ? part : `${base}.${part}`;
}
