/**
 * The TAXII resources that describe the server: discovery (§4.1), API root
 * (§4.2), collections and collection (§5.1, §5.2). Optional lists are omitted
 * rather than sent empty (§2: empty lists are not allowed).
 */

import type { Principal } from '../auth/principal';
import { collectionRights, isApiRootVisible, isCollectionVisible } from '../partnerships/access';
import type { CollectionInfo } from './catalog';
import type { TaxiiContext } from './context';
import { TAXII_MEDIA_TYPE } from './media-types';
import { resolveApiRoot, resolveCollection } from './resolve';

/** `baseUrl` is the scheme and authority clients use, without a trailing slash. */
export function discoveryResource(ctx: TaxiiContext, principal: Principal, baseUrl: string): Record<string, unknown> {
  const visible = ctx.catalog.apiRoots().filter((root) => isApiRootVisible(principal, root));
  // The default root first: FortiSOAR only ever uses api_roots[0] (clients.md §3 #16).
  const fallback = visible.find((root) => root.path === ctx.discovery.default);
  const ordered = fallback ? [fallback, ...visible.filter((r) => r !== fallback)] : visible;
  const urls = ordered.map((root) => `${baseUrl}/${encodeURIComponent(root.path)}/`);
  const body: Record<string, unknown> = { title: ctx.discovery.title };
  if (ctx.discovery.description !== undefined) body.description = ctx.discovery.description;
  if (ctx.discovery.contact !== undefined) body.contact = ctx.discovery.contact;
  if (fallback) body.default = urls[0];
  if (urls.length > 0) body.api_roots = urls;
  return body;
}

export function apiRootResource(ctx: TaxiiContext, principal: Principal, rootPath: string): Record<string, unknown> {
  const root = resolveApiRoot(ctx, principal, rootPath);
  const body: Record<string, unknown> = { title: root.title };
  if (root.description !== undefined) body.description = root.description;
  body.versions = [TAXII_MEDIA_TYPE];
  body.max_content_length = root.maxContentLength;
  return body;
}

export function collectionsResource(ctx: TaxiiContext, principal: Principal, rootPath: string): Record<string, unknown> {
  const root = resolveApiRoot(ctx, principal, rootPath);
  const visible = root.collections.filter((c) => isCollectionVisible(principal, c));
  return visible.length === 0 ? {} : { collections: visible.map((c) => collectionBody(c, principal)) };
}

export function collectionResource(ctx: TaxiiContext, principal: Principal, rootPath: string, idOrAlias: string): Record<string, unknown> {
  return collectionBody(resolveCollection(ctx, principal, rootPath, idOrAlias).collection, principal);
}

function collectionBody(collection: CollectionInfo, principal: Principal): Record<string, unknown> {
  const rights = collectionRights(principal, collection);
  const body: Record<string, unknown> = { id: collection.id, title: collection.title };
  if (collection.description !== undefined) body.description = collection.description;
  if (collection.alias !== undefined) body.alias = collection.alias;
  body.can_read = rights.canRead;
  body.can_write = rights.canWrite;
  body.media_types = collection.mediaTypes;
  return body;
}
