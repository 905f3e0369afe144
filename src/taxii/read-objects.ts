/**
 * The read endpoints: Get Objects (§5.3), Get Object Manifests (§5.4), Get an
 * Object (§5.6) and Get Object Versions (§5.8). One pipeline (checklist §3.4):
 * parse the filters, let the store select the page by keyset, build the body.
 * Stored objects are spliced into the envelope as the text they were posted as.
 */

import { NotFoundError } from '../errors';
import { formatMicros } from '../stix/timestamp';
import type { RecordPage, RecordQuery, StoredRecord } from '../store/contract';
import type { TaxiiContext } from './context';
import type { ListingEndpoint } from './cursor';
import { parseListingQuery } from './query';
import type { CollectionView, Scope } from '../partnerships/scope';
import { requireRead, resolveCollection } from './resolve';
import { mediaTypeForSpecVersion } from './versioning';

export interface Listing {
  /** The JSON body. */
  body: string;
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
  return envelope(await readPage(ctx, request, 'objects', true));
}

export async function getManifest(ctx: TaxiiContext, request: ReadRequest): Promise<Listing> {
  return listing(await readPage(ctx, request, 'manifest', false), 'objects', (records) =>
    records
      .map((r) =>
        JSON.stringify({ id: r.id, date_added: formatMicros(r.dateAdded), version: r.version, media_type: mediaTypeForSpecVersion(r.specVersion) }),
      )
      .join(','),
  );
}

export async function getObject(ctx: TaxiiContext, request: ReadRequest & { objectId: string }): Promise<Listing> {
  return envelope(await readPage(ctx, request, 'object', true, request.objectId));
}

export async function getVersions(ctx: TaxiiContext, request: ReadRequest & { objectId: string }): Promise<Listing> {
  return listing(await readPage(ctx, request, 'versions', false, request.objectId), 'versions', (records) =>
    records.map((r) => JSON.stringify(r.version)).join(','),
  );
}

interface PageRead {
  page: RecordPage;
  next?: string;
  /** The exclusive lower bound the page was read from. */
  after?: number;
  target: CollectionView;
}

async function readPage(
  ctx: TaxiiContext,
  request: ReadRequest,
  endpoint: ListingEndpoint,
  withBody: boolean,
  objectId?: string,
): Promise<PageRead> {
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
  const query: RecordQuery = {
    collectionId: target.collection.id,
    versions: endpoint === 'versions' ? { all: true } : filters.versions,
    specVersions: filters.specVersions,
    limit: filters.limit,
    withBody,
  };
  if (filters.after !== undefined) query.after = filters.after;
  if (objectId !== undefined) query.ids = [objectId];
  else {
    if (filters.ids) query.ids = filters.ids;
    if (filters.types) query.types = filters.types;
  }
  const page = await ctx.store.findRecords(query);
  const read: PageRead = { page, target };
  if (filters.after !== undefined) read.after = filters.after;
  if (!page.more) return read;
  read.next = ctx.cursors.encode({
    collectionId: target.collection.id,
    endpoint,
    ...(objectId !== undefined ? { objectId } : {}),
    position: page.records[page.records.length - 1]!.dateAdded,
    filters: filters.cursorFilters,
  });
  return read;
}

/** §5.6, §5.8: 404 only when no version of the object is stored; filters that exclude every version give `{}`. */
async function requireObject(ctx: TaxiiContext, target: CollectionView, objectId: string): Promise<void> {
  if (!(await ctx.store.hasObject(target.collection.id, objectId))) {
    throw new NotFoundError('No object with this id in this collection.');
  }
}

/** An envelope of stored objects, spliced in as the text they were posted as. */
function envelope(read: PageRead): Listing {
  const result = listing(read, 'objects', (records) => records.map((r) => r.body!).join(','));
  // Elastic evaluates `body.objects` on every poll (clients.md §3 #10): a per-root
  // switch sends an empty list instead of the spec's `{}`.
  if (result.count === 0 && read.target.root.alwaysListObjects) result.body = '{"more":false,"objects":[]}';
  return result;
}

function listing(read: PageRead, key: 'objects' | 'versions', items: (records: StoredRecord[]) => string): Listing {
  const { page, next } = read;
  if (page.records.length === 0) {
    const empty: Listing = { body: '{}', count: 0 };
    // Ambiguity: the spec sends no X-TAXII-Date-Added headers with nothing to describe.
    // Echoing the bound as -Last keeps the resume point of clients that rebuild their
    // cursor from every response (Elastic; clients.md §3 #11).
    if (read.after !== undefined) empty.dateAddedLast = formatMicros(read.after);
    return empty;
  }
  const head = `{"more":${page.more}${next !== undefined ? `,"next":${JSON.stringify(next)}` : ''}`;
  return {
    body: `${head},"${key}":[${items(page.records)}]}`,
    count: page.records.length,
    dateAddedFirst: formatMicros(page.records[0]!.dateAdded),
    dateAddedLast: formatMicros(page.records[page.records.length - 1]!.dateAdded),
  };
}
