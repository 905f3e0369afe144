/**
 * TAXII 2.1 media types and content negotiation (TAXII 2.1 §1.6.8, §3.1).
 * See docs/taxii.md#media-types for the table this implements.
 */

import { NotAcceptableError, UnsupportedMediaTypeError } from '../errors';

/** Every TAXII response carries exactly this, no space, no charset (clients compare literally). */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

/**
 * TAXII 2.0 types, served read-only for appliances that cannot speak 2.1
 * (FortiGate, QRadar, FortiSIEM, XSOAR's fallback;
 * docs/client-quirks.md#taxii-20-appliances).
 * Spelled as the TAXII 2.0 specification and those clients write them.
 */
export const TAXII20_MEDIA_TYPE = 'application/vnd.oasis.taxii+json; version=2.0';
export const STIX20_MEDIA_TYPE = 'application/vnd.oasis.stix+json; version=2.0';

/** Which TAXII version a response speaks. */
export type Dialect = '2.1' | '2.0';

export interface MediaRange {
  type: string;
  subtype: string;
  params: Map<string, string>;
  q: number;
}

/** Parses one media type or range: `type/subtype; k=v; k="v"`. Returns null when malformed. */
export function parseMediaType(text: string): MediaRange | null {
  const parts = splitOutsideQuotes(text, ';');
  const [full, ...rest] = parts;
  const slash = full!.indexOf('/');
  if (slash <= 0 || slash === full!.length - 1) return null;
  const type = full!.slice(0, slash).trim().toLowerCase();
  const subtype = full!.slice(slash + 1).trim().toLowerCase();
  if (!type || !subtype || /\s/.test(type) || /\s/.test(subtype)) return null;
  const params = new Map<string, string>();
  let q = 1;
  for (const raw of rest) {
    const eq = raw.indexOf('=');
    if (eq <= 0) continue;
    const name = raw.slice(0, eq).trim().toLowerCase();
    let value = raw.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name === 'q') {
      const parsed = Number(value);
      q = Number.isFinite(parsed) ? parsed : 1;
    } else {
      params.set(name, value);
    }
  }
  return { type, subtype, params, q };
}

/** Splits an Accept header into ranges; malformed entries are dropped. */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (header === undefined || header.trim() === '') return [];
  return splitOutsideQuotes(header, ',')
    .map((part) => parseMediaType(part.trim()))
    .filter((r): r is MediaRange => r !== null);
}

function isVersion21(range: MediaRange): boolean {
  const version = range.params.get('version');
  return version === undefined || version === '2.1';
}

/**
 * True when a range lets us answer with the TAXII 2.1 type.
 * Ambiguity: `*\/*`, `application/*` and `application/json` are served as a
 * documented leniency (§3.1 lets a server satisfy undefined types; OpenCTI and
 * FortiSOAR send them). A STIX 2.1 range is served the envelope too
 * (docs/taxii.md#ambiguities).
 */
export function rangeAcceptsTaxii21(range: MediaRange): boolean {
  if (range.q <= 0) return false;
  const { type, subtype } = range;
  if (type === '*' && subtype === '*') return true;
  if (type !== 'application') return false;
  if (subtype === '*' || subtype === 'json') return true;
  if (subtype === 'taxii+json' || subtype === 'stix+json') return isVersion21(range);
  return false;
}

function rangeAcceptsTaxii20(range: MediaRange): boolean {
  if (range.q <= 0 || range.type !== 'application') return false;
  if (range.subtype !== 'vnd.oasis.taxii+json' && range.subtype !== 'vnd.oasis.stix+json') return false;
  const version = range.params.get('version');
  return version === undefined || version === '2.0';
}

/**
 * The TAXII version to answer with, or 406. TAXII 2.1 wins whenever the header
 * admits it, so a 2.1 client never gets a 2.0 answer; no header means anything.
 * `allow20` marks the resources served read-only in TAXII 2.0.
 */
export function negotiateDialect(header: string | undefined, allow20: boolean): Dialect {
  if (header === undefined || header.trim() === '') return '2.1';
  const ranges = parseAccept(header);
  if (ranges.some(rangeAcceptsTaxii21)) return '2.1';
  const legacy = ranges.some(rangeAcceptsTaxii20);
  if (legacy && allow20) return '2.0';
  throw new NotAcceptableError(
    legacy
      ? `This resource is served as TAXII 2.1 only (TAXII 2.0 is read-only: discovery, API roots, collections, objects and an object). Send Accept: ${TAXII_MEDIA_TYPE}.`
      : `Send Accept: ${TAXII_MEDIA_TYPE}.`,
  );
}

export type PostedBodyKind = 'envelope' | 'bundle';

/**
 * Checks the Content-Type of Add Objects (TAXII 2.1 §5.5). The TAXII type with or
 * without `version=2.1` is an envelope; the STIX 2.1 type is a bundle, accepted as
 * a documented extension for publishers that post bundles (OpenCTI taxii-post).
 */
export function postedBodyKind(header: string | undefined): PostedBodyKind {
  const range = header === undefined ? null : parseMediaType(header);
  const charset = range?.params.get('charset')?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new UnsupportedMediaTypeError(`The body must be UTF-8 JSON, not charset ${charset.slice(0, 40)}.`);
  }
  if (range && range.type === 'application' && isVersion21(range)) {
    if (range.subtype === 'taxii+json') return 'envelope';
    if (range.subtype === 'stix+json') return 'bundle';
  }
  throw new UnsupportedMediaTypeError(
    `Add Objects takes Content-Type: ${TAXII_MEDIA_TYPE} (or ${STIX_MEDIA_TYPE} for a STIX bundle)` +
      (header ? `, not ${header.slice(0, 100)}.` : '; the request had none.'),
  );
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}
