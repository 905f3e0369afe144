/**
 * Requests for one openapi.yaml operation as fast-check arbitraries: its path with
 * each parameter valid, hostile or random; its query parameters (valid, edge,
 * wrong-typed, repeated, unknown); Accept, Content-Type and credentials of every
 * role; and, for POST, PUT and PATCH, bodies of the declared shape and mutations of it.
 */

import fc from 'fast-check';
import type { Credentials, Fixtures } from './fuzz-fixtures';
import { resolve, type Operation, type Parameter } from './openapi';
import type { RawRequest } from './raw-client';
import { mutatedValue, nested, validValue } from './schema-arbitrary';

/** Path segments as written on the wire: traversal, encoded slashes, bad or odd encodings. */
const HOSTILE_SEGMENTS = [
  '..', '.', '%2e%2e', '%2E', '%2F', 'a%2Fb', '..%2F..%2Fadmin', '%5C', '%00', '%0A', '%FF', '%C0%AF', '%ED%A0%80', '%', '%zz', '%252F',
  '~', '+', '*', '%20', ';', 'a;b=c', "'", '%22', '%3Cscript%3E', 'null', 'undefined', '__proto__', 'constructor', 'hasOwnProperty',
];

const ACCEPTS = [
  'application/taxii+json;version=2.1', 'application/taxii+json; version=2.1', 'application/taxii+json', 'application/stix+json;version=2.1',
  'application/taxii+json;version=2.0', 'application/vnd.oasis.taxii+json; version=2.0', 'application/vnd.oasis.stix+json; version=2.0',
  'application/vnd.oasis.taxii+json', '*/*', 'application/*', 'application/json', 'text/html', 'application/xml', 'application/taxii+json;q=0',
  'text/html, application/taxii+json;version=2.1;q=0.5', 'application/taxii+json;version="2.1"', 'garbage', ';;;', '/', '*/*;q=abc', ',',
];

const CONTENT_TYPES = [
  'application/taxii+json;version=2.1', 'application/taxii+json', 'application/stix+json;version=2.1', 'application/stix+json',
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/taxii+json;version=2.1; charset=utf-16',
  'application/taxii+json;version=2.0', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'garbage', '',
];

/** Query parameter values that parse but sit at an edge, or should not parse. */
const EDGE_VALUES = [
  '', ' ', '0', '-1', '1', '1.5', '1e3', '0x10', '+5', ' 5', 'NaN', 'Infinity', '9007199254740993', '99999999999999999999999999', 'true', 'null', '[]',
  ',', ',,', 'all,first', 'first,last', 'last', 'all', '2.1', '2.0', '2.1,2.0', '3.0', 'indicator', 'x-custom', 'indicator,malware',
  '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.123456Z', '2026-01-01T00:00:00+00:00', '2026-02-30T00:00:00Z', '9999-12-31T23:59:59.999999999Z',
  '0000-01-01T00:00:00Z', '2026-01-01', 'yesterday', '%FF', '%00',
];

/** Percent-encodes everything but RFC 3986's unreserved characters, as UTF-8 (lone surrogates become U+FFFD). */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

const randomText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ maxLength: 20, unit: 'grapheme' }),
  fc.string({ maxLength: 20, unit: 'binary' }),
);

function pathSegment(known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...known).map(percentEncode) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
    { weight: 2, arbitrary: randomText.filter((s) => s.length > 0).map(percentEncode) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...known), fc.constantFrom(...HOSTILE_SEGMENTS)).map(([k, h]) => `${percentEncode(k)}${h}`) },
    { weight: 1, arbitrary: fc.integer({ min: 256, max: 4000 }).map((n) => 'a'.repeat(n)) },
  );
}

function queryValue(p: Parameter, fixtures: Fixtures): fc.Arbitrary<string> {
  const schema = resolve(p.schema ?? {});
  const known = fixtures.query[p.name] ?? [];
  const typed = schema.type === 'integer' ? fc.integer({ min: schema.minimum ?? -5, max: 1_000_000 }).map(String) : randomText;
  return fc.oneof(
    { weight: known.length > 0 ? 4 : 0, arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.constant('') },
    { weight: 4, arbitrary: typed },
    { weight: 4, arbitrary: fc.constantFrom(...EDGE_VALUES) },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 6000 }).map((n) => '9'.repeat(n)) },
  );
}

function queryString(op: Operation, fixtures: Fixtures): fc.Arbitrary<string> {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const pair = (name: string, value: fc.Arbitrary<string>) =>
    fc.tuple(fc.boolean(), value).map(([raw, v]) => `${raw ? name : percentEncode(name)}=${raw ? v.replace(/[^\x21-\x7e]/gu, percentEncode) : percentEncode(v)}`);
  const unknown = fc.constantFrom('foo', 'match[foo]', 'limit[]', 'match[type', 'match]', 'next[]', '__proto__', 'constructor');
  const pairs = fc.oneof(
    ...declared.map((p) => ({ weight: 4, arbitrary: pair(p.name, queryValue(p, fixtures)) })),
    { weight: 1, arbitrary: unknown.chain((name) => pair(name, randomText)) },
    { weight: 1, arbitrary: fc.constantFrom('', '=', '&', 'limit', '=x', '%FF=1', 'limit=%FF', 'match%5Btype%5D=indicator') },
  );
  return fc.array(pairs, { maxLength: 4 }).map((list) => (list.length === 0 ? '' : `?${list.join('&')}`));
}

function acceptHeader(): fc.Arbitrary<string | undefined> {
  return fc.option(fc.constantFrom(...ACCEPTS), { nil: undefined, freq: 4 });
}

/** Values of the other header parameters an operation declares (TAXII 2.0's Range). */
const HEADER_VALUES: Record<string, string[]> = {
  Range: ['items=0-0', 'items=0-1', 'items 0-4', 'items=1-0', 'items=0-', 'items=-1', 'items=99-100', 'items=0-99999999999999999999', 'bytes=0-1', 'items=a-b', ''],
};

function otherHeaders(op: Operation): fc.Arbitrary<Record<string, string>> {
  const declared = op.parameters.filter((p) => p.in === 'header' && p.name !== 'Accept' && p.name !== 'Content-Type');
  const model = Object.fromEntries(declared.map((p) => [p.name, fc.oneof(fc.constantFrom(...(HEADER_VALUES[p.name] ?? [''])), fc.string({ maxLength: 20, unit: 'grapheme-ascii' }))]));
  const hasBody = op.method === 'POST' || op.method === 'PUT' || op.method === 'PATCH';
  // A compressed body is refused as such (415), whatever it holds.
  if (hasBody) model['Content-Encoding'] = fc.oneof({ weight: 6, arbitrary: fc.constant('identity') }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'br', 'GZIP, identity') });
  return fc.record(model, { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>;
}

function credentials(op: Operation, fixtures: Fixtures): fc.Arbitrary<Credentials> {
  // Wrong passwords cost an scrypt check each: they stay rare so the budget goes to requests that get in.
  const weight = (c: Credentials) => (c.label === 'unknown user' ? 1 : c.role === 'invalid' ? 2 : op.path.startsWith('/admin') && c.role === 'administrator' ? 20 : 6);
  return fc.oneof(...fixtures.credentials.map((c) => ({ weight: weight(c), arbitrary: fc.constant(c) })));
}

/** A generated request and what it is meant to exercise, for reading a counterexample. */
export interface FuzzCase {
  request: RawRequest;
  who: string;
}

export function fuzzCase(op: Operation, fixtures: Fixtures): fc.Arbitrary<FuzzCase> {
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const segments = fc.tuple(...names.map((name) => pathSegment(fixtures.path[name] ?? ['x'])));
  const slashes = fc.constantFrom('as declared', 'without trailing slash', 'doubled slashes');
  const hasBody = op.method === 'POST' || op.method === 'PUT' || op.method === 'PATCH';
  return fc
    .record({
      segments,
      slashes,
      query: queryString(op, fixtures),
      accept: acceptHeader(),
      others: otherHeaders(op),
      credentials: credentials(op, fixtures),
      contentType: hasBody ? contentType(op) : fc.constant(undefined),
      body: hasBody ? requestBody(op, fixtures) : fc.constant(undefined),
    })
    .map(({ segments: values, slashes: shape, query, accept, others, credentials: who, contentType: type, body }) => {
      let path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => values[names.indexOf(name)]!);
      if (shape === 'without trailing slash' && path.length > 1) path = path.replace(/\/$/, '');
      if (shape === 'doubled slashes') path = path.replace(/\//g, '//');
      const headers: Record<string, string> = { ...others, ...who.headers };
      if (accept !== undefined) headers.Accept = accept;
      if (type !== undefined) headers['Content-Type'] = type;
      return { request: { method: op.method, path: `${path}${query}`, headers, ...(body !== undefined ? { body } : {}) }, who: who.label };
    });
}

function contentType(op: Operation): fc.Arbitrary<string | undefined> {
  const declared = Object.keys(op.requestBody?.content ?? { 'application/json': {} });
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...declared) },
    { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** Bodies that are not the JSON the schema describes, or hardly JSON at all. */
const RAW_BODIES: fc.Arbitrary<Buffer> = fc.oneof(
  fc.constantFrom('', ' ', 'null', '{', '}', '[]', '{}', '"text"', '1', 'true', '{"objects":[]}', '{"objects":{}}', '{"a":1,"a":2}', '{"__proto__":{"admin":true}}').map((t) => Buffer.from(t)),
  fc.constant(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d])),
  fc.constant(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`)),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);

function requestBody(op: Operation, fixtures: Fixtures): fc.Arbitrary<Buffer> {
  const json = (value: fc.Arbitrary<unknown>) => value.map((v) => Buffer.from(JSON.stringify(v) ?? 'null'));
  if (op.id === 'addObjects') {
    return fc.oneof(
      { weight: 6, arbitrary: json(envelopeOf(fixtures)) },
      { weight: 3, arbitrary: json(brokenEnvelope(fixtures)) },
      { weight: 2, arbitrary: RAW_BODIES },
      // Past api1's max_content_length (1,000,000 bytes).
      { weight: 1, arbitrary: fc.integer({ min: 900_000, max: 1_100_000 }).map((n) => Buffer.from(JSON.stringify({ objects: [{ type: 'note', pad: 'x'.repeat(n) }] }))) },
    );
  }
  const schema = Object.values(op.requestBody?.content ?? {})[0]?.schema;
  if (schema === undefined) return fc.oneof(fc.constant(Buffer.alloc(0)), RAW_BODIES, json(fc.jsonValue({ maxDepth: 3 })));
  // 80,000 bytes passes the admin API's 64 KiB body limit.
  return fc.oneof({ weight: 6, arbitrary: json(validValue(schema)) }, { weight: 4, arbitrary: json(mutatedValue(schema, 80_000)) }, { weight: 1, arbitrary: RAW_BODIES });
}

const uuid = fc.uuid({ version: 4 });
const timestamp = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

function stixObject(fixtures: Fixtures): fc.Arbitrary<Record<string, unknown>> {
  const common = (type: string, id: fc.Arbitrary<string>) =>
    fc.record({ id, when: timestamp }).map(({ id: oid, when }) => ({ type, spec_version: '2.1', id: oid, created: '2020-01-01T00:00:00.000Z', modified: when }));
  const newId = (type: string) => uuid.map((u) => `${type}--${u}`);
  return fc.oneof(
    common('indicator', fc.oneof(newId('indicator'), fc.constantFrom(...fixtures.objectIds.filter((id) => id.startsWith('indicator--'))))).map((o) => ({
      ...o,
      name: 'Fuzzed',
      pattern: "[domain-name:value = 'fuzz.example.com']",
      pattern_type: 'stix',
      valid_from: '2020-01-01T00:00:00Z',
    })),
    common('malware', fc.oneof(newId('malware'), fc.constantFrom(...fixtures.objectIds.filter((id) => id.startsWith('malware--'))))).map((o) => ({ ...o, name: 'Fuzz', is_family: false })),
    fc.tuple(uuid, fc.ipV4()).map(([u, value]) => ({ type: 'ipv4-addr', spec_version: '2.1', id: `ipv4-addr--${u}`, value })),
  );
}

function envelopeOf(fixtures: Fixtures): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(fc.array(stixObject(fixtures), { minLength: 1, maxLength: 4 }), fc.boolean(), uuid).map(([objects, asBundle, u]) =>
    asBundle ? { type: 'bundle', id: `bundle--${u}`, objects } : { objects },
  );
}

/** An envelope holding objects with something wrong, or an envelope of the wrong shape. */
function brokenEnvelope(fixtures: Fixtures): fc.Arbitrary<unknown> {
  const objectSchema = { type: 'object', properties: { type: { type: 'string' }, id: { type: 'string' }, spec_version: { type: 'string' } }, required: ['type', 'id'] };
  const broken = fc.oneof(
    stixObject(fixtures).chain((o) => mutatedValue({ ...objectSchema, properties: Object.fromEntries(Object.keys(o).map((k) => [k, { const: o[k] }])), required: Object.keys(o) }, 50_000)),
    stixObject(fixtures).map((o) => ({ ...o, deep: nested(2_000) })),
    fc.jsonValue({ maxDepth: 3 }),
  );
  return fc.oneof(
    fc.array(fc.oneof(stixObject(fixtures), broken), { minLength: 1, maxLength: 4 }).map((objects) => ({ objects })),
    mutatedValue(resolve({ $ref: '#/components/schemas/EnvelopeIn' }), 50_000),
  );
}
