/**
 * The TAXII resources that describe the server: discovery (§4.1), API root
 * (§4.2), collections and collection (§5.1, §5.2), in TAXII 2.1 or, read-only, in
 * TAXII 2.0's shapes. Optional lists are omitted rather than sent empty (§2: empty
 * lists are not allowed).
 */

import type { CollectionView, Scope } from '../partnerships/scope';
import type { TaxiiContext } from './context';
import { STIX20_MEDIA_TYPE, TAXII_MEDIA_TYPE, type Dialect } from './media-types';
import { resolveApiRoot, resolveCollection } from './resolve';
import { mediaTypeForSpecVersion } from './versioning';

/** `baseUrl` is the scheme and authority clients use, without a trailing slash. */
export async function discoveryResource(ctx: TaxiiContext, scope: Scope, baseUrl: string): Promise<Record<string, unknown>> {
  const visible = await scope.apiRoots();
  // The default root first: FortiSOAR only ever uses api_roots[0] (docs/client-quirks.md#default-root-first).
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

export async function apiRootResource(scope: Scope, rootPath: string, dialect: Dialect = '2.1'): Promise<Record<string, unknown>> {
  const root = await resolveApiRoot(scope, rootPath);
  const body: Record<string, unknown> = { title: root.title };
  if (root.description !== undefined) body.description = root.description;
  body.versions = [dialect === '2.0' ? 'taxii-2.0' : TAXII_MEDIA_TYPE];
  body.max_content_length = root.maxContentLength;
  return body;
}

export async function collectionsResource(scope: Scope, rootPath: string, dialect: Dialect = '2.1'): Promise<Record<string, unknown>> {
  await resolveApiRoot(scope, rootPath);
  const visible = await scope.collections(rootPath);
  return visible.length === 0 ? {} : { collections: visible.map((view) => collectionBody(view, dialect)) };
}

export async function collectionResource(scope: Scope, rootPath: string, idOrAlias: string, dialect: Dialect = '2.1'): Promise<Record<string, unknown>> {
  return collectionBody(await resolveCollection(scope, rootPath, idOrAlias), dialect);
}

/**
 * A collection in TAXII 2.1, or in TAXII 2.0's shape
 * (docs/client-quirks.md#taxii-20-appliances): no alias, the STIX 2.0 media type, and
 * `can_write: false`, since there are no 2.0 writes (taxii2client.v20 would otherwise
 * offer a write that can only fail with 406).
 */
function collectionBody({ collection, rights }: CollectionView, dialect: Dialect): Record<string, unknown> {
  const body: Record<string, unknown> = { id: collection.id, title: collection.title };
  if (collection.description !== undefined) body.description = collection.description;
  if (dialect === '2.1' && collection.alias !== undefined) body.alias = collection.alias;
  body.can_read = rights.canRead;
  body.can_write = dialect === '2.1' && rights.canWrite;
  body.media_types = dialect === '2.0' ? [STIX20_MEDIA_TYPE] : collection.specVersions.map(mediaTypeForSpecVersion);
  return body;
}
