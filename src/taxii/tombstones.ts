/**
 * The tombstone feed, an Accord extension beside each collection
 * (`…/collections/{id}/x-accord-tombstones/`, docs/trust.md#tombstones): what was
 * deleted or purged since a point in time, so that a SIEM integration can drop
 * what it holds. Paged like Get Objects (`added_after`, `limit`, `next`), and
 * positioned on the same date_added sequence as the collection's objects, so the
 * bound a poller keeps for objects serves for tombstones too.
 */

import { formatMicros } from '../stix/timestamp';
import type { TaxiiContext } from './context';
import { parseListingQuery } from './query';
import type { ReadRequest } from './read-objects';
import { requireRead, resolveCollection } from './resolve';

export interface TombstonePage {
  body: Record<string, unknown>;
  count: number;
  removedFirst?: string;
  removedLast?: string;
}

export async function getTombstones(ctx: TaxiiContext, request: ReadRequest): Promise<TombstonePage> {
  const target = await resolveCollection(request.scope, request.rootPath, request.collection);
  requireRead(target);
  const collectionId = target.collection.id;
  const filters = parseListingQuery(request.params, { endpoint: 'tombstones', collectionId, sizes: ctx.sizes, cursors: ctx.cursors });
  const { tombstones, more } = await ctx.store.listTombstones(collectionId, filters.after, filters.limit);
  const body: Record<string, unknown> = { more };
  const last = tombstones[tombstones.length - 1];
  if (more && last !== undefined) {
    body.next = ctx.cursors.encode({ collectionId, endpoint: 'tombstones', position: last.removedAt, filters: filters.cursorFilters });
  }
  body.tombstones = tombstones.map((t) => ({ id: t.id, versions: t.versions, removed_at: formatMicros(t.removedAt), reason: t.reason }));
  const page: TombstonePage = { body, count: tombstones.length };
  if (tombstones.length > 0) {
    page.removedFirst = formatMicros(tombstones[0]!.removedAt);
    page.removedLast = formatMicros(last!.removedAt);
  } else if (filters.after !== undefined) {
    // As on an empty page of objects: the bound comes back, so a poller keeps its place.
    page.removedLast = formatMicros(filters.after);
  }
  return page;
}
