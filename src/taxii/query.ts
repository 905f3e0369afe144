/**
 * Query parameters of the listing endpoints (TAXII 2.1 §3.4; docs/taxii.md#filters), parsed
 * into the store's query shape. Anything malformed is a 400 (§3.4: MUST), never a
 * 500. Unknown parameters and `match[...]` fields an endpoint does not use are
 * ignored (§3.4 allows it).
 */

import { BadParameterError } from '../errors';
import type { RecordQuery, VersionSelector } from '../store/contract';
import { isStixTimestamp, timestampKey } from '../stix/timestamp';
import { parseAddedAfter } from './added-after';
import type { CursorCodec, ListingEndpoint } from './cursor';

export type FilteredEndpoint = ListingEndpoint | 'delete';

export interface PageSizes {
  /** Used when the request has no `limit`. */
  defaultPageSize: number;
  /** Larger `limit` values are silently capped to this (§3.4 allows a server cap). */
  maxPageSize: number;
  /**
   * A page of objects also ends, with `more` and `next`, before the object that
   * would take its texts past this many bytes; a larger object comes alone
   * (docs/reliability.md#memory).
   */
  pageBudgetBytes: number;
}

/** The filters as the request stated them (`match[<field>]` lists by field), so a `next` sent alone can re-apply them. */
export interface CursorFilters {
  id?: string[];
  type?: string[];
  version?: string[];
  spec_version?: string[];
  added_after?: number;
  limit?: number;
}

/** What chooses records, as every endpoint's parser returns it: all that toRecordQuery reads. */
export interface RecordFilters {
  /** Exclusive lower bound on date_added. */
  after?: number;
  ids?: string[];
  types?: string[];
  specVersions: RecordQuery['specVersions'];
  versions: VersionSelector;
  limit?: number;
}

/** The filters of a read (TAXII 2.1 §3.4.1): without `match[spec_version]`, the latest spec version only. */
export interface ReadFilters extends RecordFilters {
  specVersions: 'latest' | string[];
}

export interface ListingFilters extends ReadFilters {
  /** Exclusive lower bound: the later of `added_after` and the `next` position. */
  after?: number;
  limit: number;
  /** What a `next` token issued for this request must carry. */
  cursorFilters: CursorFilters;
}

export interface DeleteFilters extends RecordFilters {
  specVersions: 'all' | string[];
}

const SPEC_VERSION = /^\d+\.\d+$/;

/** Which `match[...]` fields each endpoint honours (docs/taxii.md#filters). */
const MATCH_FIELDS: Record<FilteredEndpoint, readonly string[]> = {
  objects: ['id', 'type', 'version', 'spec_version'],
  manifest: ['id', 'type', 'version', 'spec_version'],
  object: ['version', 'spec_version'],
  versions: ['spec_version'],
  delete: ['version', 'spec_version'],
  tombstones: [],
};

export interface ListingContext {
  endpoint: ListingEndpoint;
  collectionId: string;
  objectId?: string;
  sizes: PageSizes;
  cursors: CursorCodec;
}

export function parseListingQuery(params: URLSearchParams, ctx: ListingContext): ListingFilters {
  const addedAfterText = single(params, 'added_after');
  const limitText = single(params, 'limit');
  const nextText = single(params, 'next');
  const stated = readMatchFields(params, MATCH_FIELDS[ctx.endpoint]);

  const requested: CursorFilters = { ...stated };
  if (addedAfterText !== undefined) requested.added_after = parseAddedAfterParam(addedAfterText);
  if (limitText !== undefined) requested.limit = parseLimit(limitText);

  let position: number | undefined;
  let effective = requested;
  if (nextText !== undefined) {
    const cursor = ctx.cursors.decode<CursorFilters>(nextText);
    if (
      cursor === null ||
      cursor.collectionId !== ctx.collectionId ||
      cursor.endpoint !== ctx.endpoint ||
      cursor.objectId !== ctx.objectId
    ) {
      throw new BadParameterError('next', nextText, 'not a next token this server issued for this endpoint; restart paging without next');
    }
    position = cursor.position;
    // Ambiguity: clients send `next` alone, with the original filters, or with a
    // newer `added_after` (docs/client-quirks.md#next-reuse). Each filter the request states wins;
    // the others come from the token, and the later of the two bounds applies.
    effective = { ...cursor.filters, ...requested };
    if (requested.added_after === undefined && cursor.filters.added_after !== undefined) {
      effective.added_after = cursor.filters.added_after;
    }
  }

  const limit = Math.min(effective.limit ?? ctx.sizes.defaultPageSize, ctx.sizes.maxPageSize);
  const filters: ListingFilters = { ...readFilters(effective, maxDefined(effective.added_after, position)), limit, cursorFilters: effective };
  // TAXII 2.1 §5.8: Get Object Versions lists every version.
  if (ctx.endpoint === 'versions') filters.versions = { all: true };
  return filters;
}

/**
 * TAXII 2.0 Get Objects and Get an Object filters (TAXII 2.0 §3.4): `added_after`
 * and the endpoint's `match[...]` fields (on one object: version and spec_version);
 * pages are chosen with the Range header, so `limit` and `next` do not apply.
 */
export function parseTaxii20Query(params: URLSearchParams, endpoint: 'objects' | 'object'): ReadFilters {
  const addedAfter = single(params, 'added_after');
  const stated = readMatchFields(params, MATCH_FIELDS[endpoint]);
  return readFilters(stated, addedAfter === undefined ? undefined : parseAddedAfterParam(addedAfter));
}

/** Delete an Object: `match[version]` and `match[spec_version]` both default to all (docs/taxii.md#delete). */
export function parseDeleteQuery(params: URLSearchParams): DeleteFilters {
  const stated = readMatchFields(params, MATCH_FIELDS.delete);
  return { versions: parseVersions(stated.version, 'all'), specVersions: stated.spec_version ?? 'all' };
}

/**
 * The store query for parsed filters: in one collection and, for the endpoints
 * on one object (Get an Object, Get Object Versions, Delete an Object), on that
 * object only. Bodies are not asked for; the caller adds them when it needs them.
 */
export function toRecordQuery(collectionId: string, filters: RecordFilters, objectId?: string): RecordQuery {
  const query: RecordQuery = { collectionId, versions: filters.versions, specVersions: filters.specVersions, withBody: false };
  if (filters.after !== undefined) query.after = filters.after;
  if (objectId !== undefined) query.ids = [objectId];
  else if (filters.ids !== undefined) query.ids = filters.ids;
  if (filters.types !== undefined) query.types = filters.types;
  if (filters.limit !== undefined) query.limit = filters.limit;
  return query;
}

/** The filters of a read from the fields it states, with the defaults of TAXII 2.1 §3.4.1: the last version of the latest spec version. */
function readFilters(stated: CursorFilters, after: number | undefined): ReadFilters {
  const filters: ReadFilters = {
    versions: parseVersions(stated.version, 'last'),
    specVersions: stated.spec_version ?? 'latest',
  };
  if (after !== undefined) filters.after = after;
  if (stated.id) filters.ids = stated.id;
  if (stated.type) filters.types = stated.type;
  return filters;
}

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw new BadParameterError(name, values.join(','), 'give it at most once');
  return values[0];
}

/** Reads and checks `match[<field>]` lists; a repeated field is merged as if comma-joined. */
function readMatchFields(params: URLSearchParams, honoured: readonly string[]): CursorFilters {
  const out: CursorFilters = {};
  for (const field of honoured) {
    const name = `match[${field}]`;
    const values = params.getAll(name);
    if (values.length === 0) continue;
    const items: string[] = [];
    for (const value of values) {
      for (const raw of value.split(',')) {
        const item = raw.trim();
        if (item === '') throw new BadParameterError(name, value, 'empty item in a comma-separated list');
        checkMatchItem(field, name, item);
        if (!items.includes(item)) items.push(item);
      }
    }
    if (field === 'version' && items.includes('all') && items.length > 1) {
      throw new BadParameterError(name, values.join(','), "'all' cannot be combined with other values (TAXII 2.1 §3.4.1)");
    }
    (out as Record<string, string[]>)[field === 'spec_version' ? 'spec_version' : field] = items;
  }
  return out;
}

function checkMatchItem(field: string, name: string, item: string): void {
  if (item.length > 512) throw new BadParameterError(name, item, 'item longer than 512 characters');
  if (field === 'version' && !['first', 'last', 'all'].includes(item) && !isStixTimestamp(item)) {
    throw new BadParameterError(name, item, "expected first, last, all or a STIX timestamp such as 2016-01-01T01:01:01.000Z");
  }
  if (field === 'spec_version' && !SPEC_VERSION.test(item)) {
    throw new BadParameterError(name, item, 'expected a STIX spec version such as 2.1');
  }
}

function parseVersions(items: string[] | undefined, fallback: 'last' | 'all'): VersionSelector {
  const list = items ?? [fallback];
  if (list.includes('all')) return { all: true };
  return {
    all: false,
    first: list.includes('first'),
    last: list.includes('last'),
    at: list.filter((v) => v !== 'first' && v !== 'last').map(timestampKey),
  };
}

function parseAddedAfterParam(text: string): number {
  const micros = parseAddedAfter(text);
  if (micros === null) {
    throw new BadParameterError('added_after', text, 'expected an RFC 3339 timestamp such as 2026-01-01T00:00:00.000000Z');
  }
  return micros;
}

function parseLimit(text: string): number {
  if (!/^[0-9]+$/.test(text) || !/[1-9]/.test(text)) {
    throw new BadParameterError('limit', text, 'expected a positive integer');
  }
  // Any all-digit value, however long, is capped by the caller (docs/taxii.md#filters); kept
  // finite because the limit travels in `next` cursors as JSON.
  return Math.min(Number(text), Number.MAX_SAFE_INTEGER);
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
