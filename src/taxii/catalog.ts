/**
 * The API roots and collections the server offers (TAXII 2.1 §4.2, §5.2), read
 * from configuration. The access rules on them live in src/partnerships.
 */

import type { ApiRootConfig, CollectionConfig, Config } from '../config/types';
import type { Profile } from '../stix/issues';
import { STIX_MEDIA_TYPE } from './media-types';

export interface CollectionInfo {
  id: string;
  apiRoot: string;
  title: string;
  description?: string;
  alias?: string;
  /** STIX media types the collection stores (TAXII 2.1 §5.2). */
  mediaTypes: string[];
  /** Spec versions taken from `mediaTypes`; an object of another spec version is refused. */
  specVersions: string[];
  profile: Profile;
  readers: ReadonlySet<string>;
  writers: ReadonlySet<string>;
}

export interface ApiRootInfo {
  path: string;
  title: string;
  description?: string;
  maxContentLength: number;
  /** Sorted by id: TAXII 2.1 §3.3 requires a stable order. */
  collections: CollectionInfo[];
}

export class Catalog {
  private readonly roots = new Map<string, ApiRootInfo>();

  constructor(config: Config) {
    for (const root of config.api_roots) this.roots.set(root.path, toRootInfo(root, config.validation.profile));
  }

  apiRoots(): ApiRootInfo[] {
    return [...this.roots.values()];
  }

  apiRoot(path: string): ApiRootInfo | undefined {
    return this.roots.get(path);
  }

  /** A collection by id, else by alias, within one API root. */
  collection(root: ApiRootInfo, idOrAlias: string): CollectionInfo | undefined {
    return root.collections.find((c) => c.id === idOrAlias) ?? root.collections.find((c) => c.alias === idOrAlias);
  }
}

function toRootInfo(root: ApiRootConfig, profile: Profile): ApiRootInfo {
  const info: ApiRootInfo = {
    path: root.path,
    title: root.title,
    maxContentLength: root.max_content_length,
    collections: root.collections.map((c) => toCollectionInfo(c, root.path, profile)).sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
  if (root.description !== undefined) info.description = root.description;
  return info;
}

function toCollectionInfo(c: CollectionConfig, apiRoot: string, profile: Profile): CollectionInfo {
  const info: CollectionInfo = {
    id: c.id,
    apiRoot,
    title: c.title,
    mediaTypes: [STIX_MEDIA_TYPE],
    specVersions: ['2.1'],
    profile: c.validation_profile ?? profile,
    readers: new Set(c.readers),
    writers: new Set(c.writers),
  };
  if (c.description !== undefined) info.description = c.description;
  if (c.alias !== undefined) info.alias = c.alias;
  return info;
}
