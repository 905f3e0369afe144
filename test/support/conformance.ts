/**
 * Does a response keep openapi.yaml's promises for its operation? No 5xx; a status
 * the operation declares; a body exactly when the declared response has content,
 * in a declared media type, that validates against the declared schema.
 */

import { parseMediaType } from '../../src/taxii/media-types';
import { schemaValidator, type Operation, type ResponseSpec } from './openapi';
import type { RawResponse } from './raw-client';

export class Conformance {
  private readonly validate = schemaValidator();

  /** What the response breaks, empty when it conforms. */
  problems(op: Operation, method: string, res: RawResponse): string[] {
    if (res.status >= 500) return [`${res.status}: a server error`];
    const declared: ResponseSpec | undefined = op.responses[String(res.status)];
    if (!declared) return [`${res.status} is not a status ${op.id} declares (${Object.keys(op.responses).join(', ')})`];
    const content = declared.content ?? {};
    const types = Object.keys(content);
    // HEAD has no body, and a response declaring no content must have none.
    if (method === 'HEAD') return [];
    if (types.length === 0) return res.body.length === 0 ? [] : [`${res.status} declares no body but has ${res.body.length} bytes`];
    if (res.body.length === 0) return [`${res.status} declares a body (${types.join(' or ')}) but has none`];
    const actual = res.headers['content-type'];
    const type = types.find((t) => sameMediaType(t, actual));
    if (type === undefined) return [`${res.status} has Content-Type ${JSON.stringify(actual)}, not one declared (${types.join(' or ')})`];
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body.toString('utf8'));
    } catch {
      return [`${res.status} body is not JSON: ${res.body.toString('utf8').slice(0, 200)}`];
    }
    const schema = content[type]!.schema;
    return schema === undefined ? [] : this.validate(schema, parsed).map((error) => `${res.status} body: ${error}`);
  }
}

/**
 * TAXII and STIX types are compared literally (clients do: docs/client-quirks.md#exact-content-type);
 * a plain JSON type may carry `charset=utf-8`, as Express writes it.
 */
function sameMediaType(declared: string, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  if (declared !== 'application/json') return actual === declared;
  const parsed = parseMediaType(actual);
  if (!parsed || parsed.type !== 'application' || parsed.subtype !== 'json') return false;
  return [...parsed.params].every(([name, value]) => name === 'charset' && value.toLowerCase() === 'utf-8');
}
