/**
 * What one caller may see and do: the only code deciding visibility on the TAXII
 * side (docs/taxii.md#access). Built per request from the caller's organisation memberships, read from
 * the store each time, so removing a member or closing a partnership takes effect
 * on the next request. Anything outside the caller's partnerships is reported as
 * absent, so the TAXII layer answers it exactly like something that does not exist.
 */

import { ORGANISATIONS, organisationRef } from '../identity/model';
import type { Principal } from '../identity/principal';
import type { Profile } from '../stix/issues';
import type { Store, Submitter } from '../store/contract';
import { EntityTable } from '../store/entity-table';
import {
  COLLECTIONS,
  isWritable,
  MEMBERSHIPS,
  partnershipRef,
  PARTNERSHIPS,
  whyReadOnly,
  type Collection,
  type Partnership,
  type Rights,
  type Role,
} from './model';
import type { TlpLevel } from '../stix/tlp';
import { collectionRights, isVisible } from './audience';
import { voiceOf, type Voice } from './provenance';

export interface ApiRootInfo {
  path: string;
  title: string;
  description?: string;
  maxContentLength: number;
  /** The caller's role in the partnership behind this root. */
  role: Role;
  /** Send `"objects": []` rather than `{}` for an empty envelope (Elastic). */
  alwaysListObjects: boolean;
  /** Why nobody may write here today, when that is so (the partnership is closed, not yet begun or ended). */
  readOnlyBecause?: string;
}

export interface CollectionInfo {
  id: string;
  apiRoot: string;
  title: string;
  description?: string;
  alias?: string;
  /** STIX spec versions the collection stores (its media_types, TAXII 2.1 §5.2); an object of another spec version is refused. */
  specVersions: string[];
  profile: Profile;
  markingCeiling?: TlpLevel;
  /** Objects other than SCOs must name their creator. */
  requireCreatedByRef: boolean;
  /** Publishers' objects wait for review (docs/taxii.md#moderated-collections). */
  moderated: boolean;
  /** The partnership's members collection: kept by the server, written by no one. */
  serverKept: boolean;
}

export interface CollectionView {
  root: ApiRootInfo;
  collection: CollectionInfo;
  rights: Rights;
}

export class Scope {
  private memberships?: Promise<Map<string, Role>>;
  private voiceOfCaller?: Promise<Voice>;
  /**
   * The API root and collection this caller was found allowed to see (in this
   * request), as opposed to what the URL merely named: the audit trail files an
   * entry under a partnership only then, so that naming someone else's partnership
   * leaves nothing in that partnership's trail.
   */
  readonly shown: { partnership?: string; collection?: string } = {};

  private readonly partnerships: EntityTable<Partnership>;
  private readonly collectionTable: EntityTable<Collection>;

  constructor(
    private readonly store: Store,
    readonly principal: Principal,
    private readonly today: string,
    private readonly defaultProfile: Profile,
  ) {
    this.partnerships = new EntityTable(store, PARTNERSHIPS);
    this.collectionTable = new EntityTable(store, COLLECTIONS);
  }

  /** API roots of the partnerships the caller's organisation belongs to, by path. */
  async apiRoots(): Promise<ApiRootInfo[]> {
    const roles = await this.roles();
    const roots: ApiRootInfo[] = [];
    for (const [path, role] of [...roles].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const partnership = await this.partnerships.get(path);
      if (partnership) roots.push(rootInfo(partnership, role, this.today));
    }
    return roots;
  }

  async apiRoot(path: string): Promise<ApiRootInfo | undefined> {
    const role = (await this.roles()).get(path);
    if (role === undefined) return undefined;
    const partnership = await this.partnerships.get(path);
    if (!partnership) return undefined;
    this.shown.partnership = path;
    return rootInfo(partnership, role, this.today);
  }

  /** Every collection of a visible root the caller may read or write (audience.ts), sorted by id (TAXII 2.1 §3.3: a stable order). */
  async collections(path: string): Promise<CollectionView[]> {
    const partnership = await this.partnerships.get(path);
    const role = (await this.roles()).get(path);
    if (!partnership || role === undefined) return [];
    const root = rootInfo(partnership, role, this.today);
    const writable = isWritable(partnership, this.today);
    const served = (await this.collectionTable.list(partnershipRef(path))).filter((c) => c.kind !== 'members' || partnership.membersCollection === true);
    // Read from the store on every request, so an audience change applies to the next one.
    return served
      .map((c) => ({ root, collection: this.collectionInfo(c), rights: collectionRights(c, this.principal.organisationId, role, writable) }))
      .filter((view) => isVisible(view.rights));
  }

  /** A collection by id, else by alias, within a visible root. */
  async collection(path: string, idOrAlias: string): Promise<CollectionView | undefined> {
    const views = await this.collections(path);
    const view = views.find((v) => v.collection.id === idOrAlias) ?? views.find((v) => v.collection.alias === idOrAlias);
    if (view) this.shown.collection = view.collection.id;
    return view;
  }

  /** Whom the caller's organisation may speak for in `created_by_ref` (read once per request). */
  voice(): Promise<Voice> {
    const organisationId = this.principal.organisationId;
    this.voiceOfCaller ??= new EntityTable(this.store, ORGANISATIONS).list().then((organisations) => voiceOf(organisationId, organisations));
    return this.voiceOfCaller;
  }

  /** Who submits what this caller posts: its organisation, and its user or key (never a secret). */
  submitter(): Submitter {
    const submitter: Submitter = { organisation: this.principal.organisationId };
    if (this.principal.username !== undefined) submitter.user = this.principal.username;
    if (this.principal.keyId !== undefined) submitter.keyId = this.principal.keyId;
    return submitter;
  }

  /** Status resources are private to the submitting organisation. */
  ownerKey(): string {
    return `org:${this.principal.organisationId}`;
  }

  private roles(): Promise<Map<string, Role>> {
    this.memberships ??= new EntityTable(this.store, MEMBERSHIPS)
      .list(organisationRef(this.principal.organisationId))
      .then((list) => new Map(list.map((m) => [m.partnership, m.role])));
    return this.memberships;
  }

  private collectionInfo(c: Collection): CollectionInfo {
    const info: CollectionInfo = {
      id: c.id,
      apiRoot: c.partnership,
      title: c.title,
      specVersions: ['2.1'],
      profile: c.validationProfile ?? this.defaultProfile,
      requireCreatedByRef: c.requireCreatedByRef ?? false,
      moderated: c.moderated ?? false,
      serverKept: c.kind === 'members',
    };
    if (c.description !== undefined) info.description = c.description;
    if (c.alias !== undefined) info.alias = c.alias;
    if (c.markingCeiling !== undefined) info.markingCeiling = c.markingCeiling;
    return info;
  }
}

function rootInfo(p: Partnership, role: Role, today: string): ApiRootInfo {
  const info: ApiRootInfo = { path: p.path, title: p.title, maxContentLength: p.maxContentLength, role, alwaysListObjects: p.alwaysListObjects ?? false };
  if (p.description !== undefined) info.description = p.description;
  const readOnly = whyReadOnly(p, today);
  if (readOnly !== undefined) info.readOnlyBecause = readOnly;
  return info;
}
