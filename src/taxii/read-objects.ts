/**
 * The read endpoints: Get Objects (§5.4), Get Object Manifests (§5.3), Get an
 * Object (§5.6) and Get Object Versions (§5.8). One pipeline (docs/taxii.md#pipeline):
 * parse the filters, let the store select the page by keyset, build the body.
 * Stored objects are spliced into the envelope as the text they were posted as.
 */

import { NotFoundError } from '../errors';
import type { CollectionView, Scope } from '../partnerships/scope';
import { formatMicros } from '../stix/timestamp';
import type { ObjectsText, RecordQuery, StoredRecord } from '../store/contract';
import type { TaxiiContext } from './context';
import type { ListingEndpoint } from './cursor';
import { parseListingQuery, toRecordQuery, type ListingFilters } from './query';
import { requireRead, resolveCollection } from './resolve';
import { mediaTypeForSpecVersion } from './versioning';

export interface Listing {
  /** The JSON body, in parts written one after another (a page of objects is never one string). */
  body: string[];
  /** How many items the page holds. */
  count: number;
  /** `date_added` of the first and last item, for the X-TAXII-Date-Added-* headers; absent when empty. */
  dateAddedFirst?: string;
  dateAddedLast?: string;
}

export interface ReadRequest {
  scope: Scope;
  rootPath: string;
  collection: string;
  params: URLSearchParams;
}

export async function getObjects(ctx: TaxiiContext, request: ReadRequest): Promise<Listing> {
  return envelope(ctx, await prepare(ctx, request, 'objects'));
}

export async function getObject(ctx: TaxiiContext, request: ReadRequest & { objectId: string }): Promise<Listing> {
  return envelope(ctx, await prepare(ctx, request, 'object', request.objectId));
}

export async function getManifest(ctx: TaxiiContext, request: ReadRequest): Promise<Listing> {
  const read = await prepare(ctx, request, 'manifest');
  return listing(ctx, read, 'objects', await recordsText(ctx, read.query, (r) =>
    JSON.stringify({ id: r.id, date_added: formatMicros(r.dateAdded), version: r.version, media_type: mediaTypeForSpecVersion(r.specVersion) }),
  ));
}

export async function getVersions(ctx: TaxiiContext, request: ReadRequest & { objectId: string }): Promise<Listing> {
  const read = await prepare(ctx, request, 'versions', request.objectId);
  return listing(ctx, read, 'versions', await recordsText(ctx, read.query, (r) => JSON.stringify(r.version)));
}

interface PreparedRead {
  endpoint: ListingEndpoint;
  objectId?: string;
  target: CollectionView;
  filters: ListingFilters;
  query: RecordQuery;
}

async function prepare(ctx: TaxiiContext, request: ReadRequest, endpoint: ListingEndpoint, objectId?: string): Promise<PreparedRead> {
  const target = await resolveCollection(request.scope, request.rootPath, request.collection);
  requireRead(target);
  const filters = parseListingQuery(request.params, {
    endpoint,
    collectionId: target.collection.id,
    ...(objectId !== undefined ? { objectId } : {}),
    sizes: ctx.sizes,
    cursors: ctx.cursors,
  });
  if (objectId !== undefined) await requireObject(ctx, target, objectId);
  const read: PreparedRead = { endpoint, target, filters, query: toRecordQuery(target.collection.id, filters, objectId) };
  if (objectId !== undefined) read.objectId = objectId;
  return read;
}

/** A page of records rendered item by item (manifest records, version strings). */
async function recordsText(ctx: TaxiiContext, query: RecordQuery, render: (r: StoredRecord) => string): Promise<ObjectsText> {
  const { records, more } = await ctx.store.findRecords(query);
  if (records.length === 0) return { parts: [], count: 0, more: false };
  return {
    parts: [records.map(render).join(',')],
    count: records.length,
    firstDateAdded: records[0]!.dateAdded,
    lastDateAdded: records[records.length - 1]!.dateAdded,
    more,
  };
}

/**
 * An envelope of stored objects, spliced in as the text they were posted as. The
 * store ends the page early at the byte budget; `next` then resumes after its last
 * object like after any page (TAXII 2.1 §3.7 lets a server return fewer than `limit`).
 */
async function envelope(ctx: TaxiiContext, read: PreparedRead): Promise<Listing> {
  const result = listing(ctx, read, 'objects', await ctx.store.findObjectsText({ ...read.query, withBody: true }, ctx.sizes.pageBudgetBytes));
  // Elastic evaluates `body.objects` on every poll (docs/client-quirks.md#elastic-empty-objects): a per-root
  // switch sends an empty list instead of the spec's `{}`.
  if (result.count === 0 && read.target.root.alwaysListObjects) result.body = ['{"more":false,"objects":[]}'];
  return result;
}

function listing(ctx: TaxiiContext, read: PreparedRead, key: 'objects' | 'versions', page: ObjectsText): Listing {
  if (page.count === 0 || page.firstDateAdded === undefined || page.lastDateAdded === undefined) {
    const empty: Listing = { body: ['{}'], count: 0 };
    // Ambiguity: the spec sends no X-TAXII-Date-Added headers with nothing to describe.
    // Echoing the bound as -Last keeps the resume point of clients that rebuild their
    // cursor from every response (docs/client-quirks.md#elastic-cursor-header).
    if (read.filters.after !== undefined) empty.dateAddedLast = formatMicros(read.filters.after);
    return empty;
  }
  let head = `{"more":${page.more}`;
  if (page.more) {
    const next = ctx.cursors.encode({
      collectionId: read.target.collection.id,
      endpoint: read.endpoint,
      ...(read.objectId !== undefined ? { objectId: read.objectId } : {}),
      position: page.lastDateAdded,
      filters: read.filters.cursorFilters,
    });
    head += `,"next":${JSON.stringify(next)}`;
  }
  const body = [`${head},"${key}":[`];
  page.parts.forEach((part, i) => body.push(i === 0 ? part : `,${part}`));
  body.push(']}');
  return {
    body,
    count: page.count,
    dateAddedFirst: formatMicros(page.firstDateAdded),
    dateAddedLast: formatMicros(page.lastDateAdded),
  };
}

/** §5.6, §5.8: 404 only when no version of the object is stored; filters that exclude every version give `{}`. */
export async function requireObject(ctx: TaxiiContext, target: CollectionView, objectId: string): Promise<void> {
  if (!(await ctx.store.hasObject(target.collection.id, objectId))) {
    throw new NotFoundError('No object with this id in this collection.');
  }
}
