/**
 * Read-only TAXII 2.0 for appliances that cannot speak 2.1 (FortiGate ≥ 7.0.2, QRadar's
 * Threat Intelligence app, FortiSIEM, XSOAR's fallback;
 * docs/client-quirks.md#taxii-20-appliances): Get Objects and Get an Object as a STIX
 * bundle with TAXII 2.0 range paging (`Range: items=a-b`, `206`, `Content-Range: items
 * a-b/total`). The objects stay STIX 2.1 as stored. Same scoping and read rights as
 * TAXII 2.1. The API root and collections in their 2.0 shapes are in resources.ts.
 */

import { randomUUID } from 'node:crypto';
import { RangeNotSatisfiableError } from '../errors';
import type { Scope } from '../partnerships/scope';
import { formatMicros } from '../stix/timestamp';
import type { TaxiiContext } from './context';
import { parseTaxii20Query, toRecordQuery } from './query';
import { requireObject } from './read-objects';
import { requireRead, resolveCollection } from './resolve';

export interface Bundle20 {
  status: 200 | 206;
  /** The bundle in parts written one after another, as a TAXII 2.1 page. */
  body: string[];
  count: number;
  contentRange?: string;
  dateAddedFirst?: string;
  dateAddedLast?: string;
}

/** `items=a-b` or `items a-b` (taxii2-client retries without '='); null when absent, 'invalid' when malformed. */
export function parseItemsRange(header: string | undefined): { first: number; last: number } | null | 'invalid' {
  if (header === undefined) return null;
  const m = /^\s*items[=\s]\s*(\d{1,15})\s*-\s*(\d{1,15})\s*$/i.exec(header);
  if (!m) return 'invalid';
  const first = Number(m[1]);
  const last = Number(m[2]);
  return first <= last ? { first, last } : 'invalid';
}

export interface Read20Request {
  scope: Scope;
  rootPath: string;
  collection: string;
  params: URLSearchParams;
  range: string | undefined;
  /** Get an Object (TAXII 2.0 §5.5): the bundle holds this object's versions only. */
  objectId?: string;
}

export async function getObjects20(ctx: TaxiiContext, request: Read20Request): Promise<Bundle20> {
  const target = await resolveCollection(request.scope, request.rootPath, request.collection);
  requireRead(target);
  const filters = parseTaxii20Query(request.params, request.objectId === undefined ? 'objects' : 'object');
  if (request.objectId !== undefined) await requireObject(ctx, target, request.objectId);
  const range = parseItemsRange(request.range);
  const query = { ...toRecordQuery(target.collection.id, filters, request.objectId), withBody: true };

  const total = await ctx.store.countRecords(query);
  const first = range === null || range === 'invalid' ? 0 : range.first;
  const wanted = range === null || range === 'invalid' ? ctx.sizes.maxPageSize : range.last - range.first + 1;
  if (range === 'invalid' || (total > 0 && first >= total)) throw new RangeNotSatisfiableError(total);
  // The byte budget may end the range early: Content-Range then says which items came.
  const page = await ctx.store.findObjectsText({ ...query, offset: first, limit: Math.min(wanted, ctx.sizes.maxPageSize) }, ctx.sizes.pageBudgetBytes);
  // A bundle always carries `objects`: FortiGate reads body.objects (docs/client-quirks.md#taxii-20-appliances).
  const body = [`{"type":"bundle","id":"bundle--${randomUUID()}","objects":[`, ...page.parts.map((part, i) => (i === 0 ? part : `,${part}`)), ']}'];
  // Without Range, a feed that fits one page is sent whole (200); otherwise, or when a
  // range was asked, the answer is partial (206) with its Content-Range.
  const whole = total === 0 || (range === null && page.count === total);
  const result: Bundle20 = { status: whole ? 200 : 206, body, count: page.count };
  if (!whole) result.contentRange = page.count === 0 ? `items */${total}` : `items ${first}-${first + page.count - 1}/${total}`;
  if (page.firstDateAdded !== undefined && page.lastDateAdded !== undefined) {
    result.dateAddedFirst = formatMicros(page.firstDateAdded);
    result.dateAddedLast = formatMicros(page.lastDateAdded);
  }
  return result;
}
