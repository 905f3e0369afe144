/**
 * The typed view of everything the partnerships layer keeps in the store:
 * organisations, users, API keys, client certificates, partnerships, memberships
 * and collections. The CLI, the admin API, the seeding at first start and
 * authentication all go through it, so every rule on names and references holds
 * wherever a change comes from.
 */

import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, UnprocessableContentError } from '../errors';
import { newKeyToken } from '../auth/api-key-token';
import { formatMicros } from '../stix/timestamp';
import type { MicroClock } from '../store/clock';
import type { Entity, EntityKind, Store } from '../store/contract';
import {
  PARTNERSHIP_KINDS,
  ROLES,
  TLP_LEVELS,
  type ApiKey,
  type Certificate,
  type Collection,
  type Membership,
  type Organisation,
  type Partnership,
  type Role,
  type User,
} from './model';

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;
const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;
const ROOT_PATH = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,63}$/;
const RESERVED_PATHS = new Set(['taxii', 'taxii2', 'admin']);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FINGERPRINT = /^[0-9A-F]{64}$/;

export type PartnershipInput = Omit<Partnership, 'created' | 'status' | 'maxContentLength'> &
  Partial<Pick<Partnership, 'status' | 'maxContentLength'>>;
export type CollectionInput = Omit<Collection, 'created' | 'id'> & { id?: string };
/** A change to a collection; null removes an optional property. */
export type CollectionPatch = {
  title?: string;
  description?: string | null;
  alias?: string | null;
  markingCeiling?: Collection['markingCeiling'] | null;
  validationProfile?: Collection['validationProfile'] | null;
};

export class Directory {
  constructor(
    private readonly store: Store,
    private readonly clock: MicroClock,
    /** taxii.max_content_length: a new partnership's body limit, and the most a steward may set. */
    readonly defaultMaxContentLength: number,
  ) {}

  // Organisations

  async addOrganisation(input: Omit<Organisation, 'created'>): Promise<Organisation> {
    check(SLUG.test(input.id), `organisation id ${JSON.stringify(input.id)}: 2-63 lower-case letters, digits or '-'`);
    check(input.name.trim() !== '', 'organisation name: must not be empty');
    const org: Organisation = { ...input, created: this.now() };
    await this.store.createEntity(entity('organisation', org.id, org));
    return org;
  }

  async getOrganisation(id: string): Promise<Organisation | null> {
    return docOf<Organisation>(await this.store.getEntity('organisation', id));
  }

  async requireOrganisation(id: string): Promise<Organisation> {
    return required(await this.getOrganisation(id), `No organisation ${id}.`);
  }

  async listOrganisations(): Promise<Organisation[]> {
    return docsOf<Organisation>(await this.store.listEntities('organisation'));
  }

  // Users

  async addUser(input: Omit<User, 'created'>): Promise<User> {
    check(USERNAME.test(input.username), `username ${JSON.stringify(input.username)}: 1-64 letters, digits, '.', '_', '@' or '-'`);
    await this.requireOrganisation(input.organisationId);
    const user: User = { ...input, created: this.now() };
    await this.store.createEntity(entity('user', user.username, user, [`org:${user.organisationId}`]));
    return user;
  }

  async getUser(username: string): Promise<User | null> {
    return docOf<User>(await this.store.getEntity('user', username));
  }

  async listUsers(organisationId?: string): Promise<User[]> {
    return docsOf<User>(await this.store.listEntities('user', organisationId && `org:${organisationId}`));
  }

  async removeUser(username: string): Promise<void> {
    if (!(await this.store.deleteEntity('user', username))) throw new NotFoundError(`No user ${username}.`);
  }

  // API keys

  async issueKey(input: { organisationId: string; label?: string; expiresAt?: string }): Promise<{ key: ApiKey; token: string }> {
    await this.requireOrganisation(input.organisationId);
    if (input.expiresAt !== undefined) check(!Number.isNaN(Date.parse(input.expiresAt)), `expiry ${JSON.stringify(input.expiresAt)}: not a date`);
    const { keyId, token, secretHash } = newKeyToken();
    const key: ApiKey = { id: keyId, organisationId: input.organisationId, secretHash, created: this.now() };
    if (input.label !== undefined) key.label = input.label;
    if (input.expiresAt !== undefined) key.expiresAt = new Date(input.expiresAt).toISOString();
    await this.store.createEntity(entity('api_key', key.id, key, [`org:${key.organisationId}`]));
    return { key, token };
  }

  /** Adds a key whose secret hash is already known (seeding from configuration). */
  async importKey(key: Omit<ApiKey, 'created'>): Promise<ApiKey> {
    await this.requireOrganisation(key.organisationId);
    const stored: ApiKey = { ...key, created: this.now() };
    await this.store.createEntity(entity('api_key', key.id, stored, [`org:${key.organisationId}`]));
    return stored;
  }

  async getKey(id: string): Promise<ApiKey | null> {
    return docOf<ApiKey>(await this.store.getEntity('api_key', id));
  }

  async listKeys(organisationId?: string): Promise<ApiKey[]> {
    return docsOf<ApiKey>(await this.store.listEntities('api_key', organisationId && `org:${organisationId}`));
  }

  async revokeKey(id: string): Promise<ApiKey> {
    const key = required(await this.getKey(id), `No API key ${id}.`);
    if (key.revokedAt === undefined) key.revokedAt = this.now();
    await this.store.replaceEntity(entity('api_key', key.id, key, [`org:${key.organisationId}`]));
    return key;
  }

  // Client certificates

  async addCertificate(input: Omit<Certificate, 'created'>): Promise<Certificate> {
    check(FINGERPRINT.test(input.fingerprint), 'certificate fingerprint: 64 upper-case hex digits (SHA-256)');
    await this.requireOrganisation(input.organisationId);
    const cert: Certificate = { ...input, created: this.now() };
    await this.store.createEntity(entity('certificate', cert.fingerprint, cert, [`org:${cert.organisationId}`]));
    return cert;
  }

  async getCertificate(fingerprint: string): Promise<Certificate | null> {
    return docOf<Certificate>(await this.store.getEntity('certificate', fingerprint));
  }

  async listCertificates(organisationId?: string): Promise<Certificate[]> {
    return docsOf<Certificate>(await this.store.listEntities('certificate', organisationId && `org:${organisationId}`));
  }

  async removeCertificate(fingerprint: string): Promise<void> {
    if (!(await this.store.deleteEntity('certificate', fingerprint))) throw new NotFoundError(`No certificate ${fingerprint}.`);
  }

  // Partnerships

  async createPartnership(input: PartnershipInput): Promise<Partnership> {
    const partnership: Partnership = {
      ...input,
      status: input.status ?? 'active',
      maxContentLength: input.maxContentLength ?? this.defaultMaxContentLength,
      created: this.now(),
    };
    checkPartnership(partnership);
    await this.store.createEntity(entity('partnership', partnership.path, partnership));
    return partnership;
  }

  async getPartnership(path: string): Promise<Partnership | null> {
    return docOf<Partnership>(await this.store.getEntity('partnership', path));
  }

  async requirePartnership(path: string): Promise<Partnership> {
    return required(await this.getPartnership(path), `No partnership ${path}.`);
  }

  async listPartnerships(): Promise<Partnership[]> {
    return docsOf<Partnership>(await this.store.listEntities('partnership'));
  }

  async updatePartnership(path: string, patch: Partial<Omit<Partnership, 'path' | 'created'>>): Promise<Partnership> {
    const updated: Partnership = { ...(await this.requirePartnership(path)), ...withoutUndefined(patch) };
    checkPartnership(updated);
    await this.store.replaceEntity(entity('partnership', path, updated));
    return updated;
  }

  // Memberships

  /** Adds the organisation to the partnership, or changes its role. */
  async setMember(partnership: string, organisationId: string, role: Role): Promise<Membership> {
    check((ROLES as readonly string[]).includes(role), `role ${JSON.stringify(role)}: one of ${ROLES.join(', ')}`);
    await this.requirePartnership(partnership);
    await this.requireOrganisation(organisationId);
    const id = `${partnership}/${organisationId}`;
    const existing = docOf<Membership>(await this.store.getEntity('membership', id));
    const membership: Membership = { partnership, organisationId, role, created: existing?.created ?? this.now() };
    const record = entity('membership', id, membership, [`org:${organisationId}`, `partnership:${partnership}`]);
    await (existing ? this.store.replaceEntity(record) : this.store.createEntity(record));
    return membership;
  }

  async removeMember(partnership: string, organisationId: string): Promise<void> {
    if (!(await this.store.deleteEntity('membership', `${partnership}/${organisationId}`))) {
      throw new NotFoundError(`Organisation ${organisationId} is not a member of ${partnership}.`);
    }
  }

  async listMembers(partnership: string): Promise<Membership[]> {
    return docsOf<Membership>(await this.store.listEntities('membership', `partnership:${partnership}`));
  }

  async membershipsOf(organisationId: string): Promise<Membership[]> {
    return docsOf<Membership>(await this.store.listEntities('membership', `org:${organisationId}`));
  }

  // Collections

  async addCollection(input: CollectionInput): Promise<Collection> {
    await this.requirePartnership(input.partnership);
    const collection: Collection = { ...input, id: input.id ?? randomUUID(), created: this.now() };
    checkCollection(collection);
    if (await this.store.getEntity('collection', collection.id)) throw new ConflictError(`A collection with id ${collection.id} already exists.`);
    await this.store.createEntity(collectionEntity(collection));
    return collection;
  }

  async getCollection(id: string): Promise<Collection | null> {
    return docOf<Collection>(await this.store.getEntity('collection', id));
  }

  async listCollections(partnership: string): Promise<Collection[]> {
    return docsOf<Collection>(await this.store.listEntities('collection', `partnership:${partnership}`));
  }

  async updateCollection(id: string, patch: CollectionPatch): Promise<Collection> {
    const current = required(await this.getCollection(id), `No collection ${id}.`);
    const updated = { ...current, ...withoutUndefined(patch) } as Collection;
    for (const key of Object.keys(patch) as Array<keyof CollectionPatch>) if (patch[key] === null) delete updated[key];
    checkCollection(updated);
    await this.store.replaceEntity(collectionEntity(updated));
    return updated;
  }

  private now(): string {
    return formatMicros(this.clock());
  }
}

/** YYYY-MM-DD naming a day that exists (not 2026-02-31). */
function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

function checkPartnership(p: Partnership): void {
  check(ROOT_PATH.test(p.path) && !RESERVED_PATHS.has(p.path.toLowerCase()), `partnership path ${JSON.stringify(p.path)}: one URL segment of letters, digits, '.', '_', '~', '-' (not taxii, taxii2 or admin)`);
  check(p.title.trim() !== '', 'partnership title: must not be empty');
  check((PARTNERSHIP_KINDS as readonly string[]).includes(p.kind), `partnership kind ${JSON.stringify(p.kind)}: one of ${PARTNERSHIP_KINDS.join(', ')}`);
  check(p.status === 'active' || p.status === 'closed', 'partnership status: active or closed');
  for (const date of [p.startDate, p.endDate]) if (date !== undefined) check(isCalendarDate(date), `partnership date ${JSON.stringify(date)}: a real date, YYYY-MM-DD`);
  if (p.startDate !== undefined && p.endDate !== undefined) check(p.startDate <= p.endDate, `partnership dates: start_date ${p.startDate} is after end_date ${p.endDate}`);
  check(Number.isInteger(p.maxContentLength) && p.maxContentLength > 0, 'partnership max_content_length: a positive integer');
}

function checkCollection(c: Collection): void {
  check(UUID_V4.test(c.id), `collection id ${JSON.stringify(c.id)}: a lower-case UUIDv4`);
  check(c.title.trim() !== '', 'collection title: must not be empty');
  if (c.alias !== undefined) check(c.alias !== '' && !c.alias.includes('/'), 'collection alias: non-empty, without /');
  if (c.markingCeiling !== undefined) {
    check((TLP_LEVELS as readonly string[]).includes(c.markingCeiling), `marking ceiling ${JSON.stringify(c.markingCeiling)}: one of ${TLP_LEVELS.join(', ')}`);
  }
  if (c.validationProfile !== undefined) check(['standard', 'strict'].includes(c.validationProfile), 'validation profile: standard or strict');
}

function collectionEntity(c: Collection): Entity {
  const record = entity('collection', c.id, c, [`partnership:${c.partnership}`]);
  if (c.alias !== undefined) record.uniqueKey = `${c.partnership}/${c.alias}`;
  return record;
}

function entity(kind: EntityKind, id: string, doc: object, refs: string[] = []): Entity {
  return { kind, id, refs, doc: { ...doc } as Record<string, unknown> };
}

function docOf<T>(e: Entity | null): T | null {
  return e === null ? null : (e.doc as T);
}

function docsOf<T>(list: Entity[]): T[] {
  return list.map((e) => e.doc as T);
}

function required<T>(value: T | null, message: string): T {
  if (value === null) throw new NotFoundError(message);
  return value;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new UnprocessableContentError(message);
}

function withoutUndefined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
