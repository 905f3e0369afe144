/**
 * Administration use cases, shared by the admin HTTP API and the CLI. Server
 * administrators (and the local operator at the CLI) manage everything; a
 * steward manages the members, collections and audit trail of their own
 * partnerships. A partnership the caller is not part of is reported as absent
 * (404), exactly as on the TAXII side. Every change is audited.
 */

import type { AuditTrail } from '../audit/audit-trail';
import { hashPassword } from '../auth/passwords';
import type { Principal } from '../auth/principal';
import { ForbiddenError, NotFoundError, UnprocessableContentError } from '../errors';
import type { AuditQuery, StoredAuditEntry, Store } from '../store/contract';
import type { CollectionInput, CollectionPatch, Directory, PartnershipInput } from './directory';
import type { ApiKey, Certificate, Collection, Membership, Organisation, Partnership, Role, User } from './model';

/** Who asks: an authenticated principal, or the operator at the local CLI. */
export type Actor = Principal | 'cli';

const MIN_PASSWORD = 10;

export class Administration {
  constructor(
    private readonly directory: Directory,
    private readonly store: Store,
    private readonly audit: AuditTrail,
  ) {}

  // Server-wide: administrators only.

  async addOrganisation(actor: Actor, input: Omit<Organisation, 'created'>): Promise<Organisation> {
    requireAdmin(actor);
    const org = await this.directory.addOrganisation(input);
    this.record(actor, 'add_organisation', { detail: `organisation ${org.id}` });
    return org;
  }

  async listOrganisations(actor: Actor): Promise<Organisation[]> {
    requireAdmin(actor);
    return this.directory.listOrganisations();
  }

  async addUser(actor: Actor, input: { username: string; organisationId: string; password: string; admin?: boolean }): Promise<User> {
    requireAdmin(actor);
    if (input.password.length < MIN_PASSWORD) throw new UnprocessableContentError(`password: at least ${MIN_PASSWORD} characters`);
    const user = await this.directory.addUser({
      username: input.username,
      organisationId: input.organisationId,
      passwordHash: await hashPassword(input.password),
      admin: input.admin ?? false,
    });
    this.record(actor, 'add_user', { detail: `user ${user.username} of ${user.organisationId}${user.admin ? ' (admin)' : ''}` });
    return user;
  }

  async listUsers(actor: Actor, organisationId?: string): Promise<User[]> {
    requireAdmin(actor);
    return this.directory.listUsers(organisationId);
  }

  async removeUser(actor: Actor, username: string): Promise<void> {
    requireAdmin(actor);
    await this.directory.removeUser(username);
    this.record(actor, 'remove_user', { detail: `user ${username}` });
  }

  /** Returns the key and its token; the token is shown this once and never stored. */
  async issueKey(actor: Actor, input: { organisationId: string; label?: string; expiresAt?: string }): Promise<{ key: ApiKey; token: string }> {
    requireAdmin(actor);
    const issued = await this.directory.issueKey(input);
    this.record(actor, 'issue_key', { detail: `key ${issued.key.id} of ${issued.key.organisationId}` });
    return issued;
  }

  async listKeys(actor: Actor, organisationId?: string): Promise<ApiKey[]> {
    requireAdmin(actor);
    return this.directory.listKeys(organisationId);
  }

  async revokeKey(actor: Actor, keyId: string): Promise<ApiKey> {
    requireAdmin(actor);
    const key = await this.directory.revokeKey(keyId);
    this.record(actor, 'revoke_key', { detail: `key ${keyId} of ${key.organisationId}` });
    return key;
  }

  async addCertificate(actor: Actor, input: Omit<Certificate, 'created'>): Promise<Certificate> {
    requireAdmin(actor);
    const cert = await this.directory.addCertificate(input);
    this.record(actor, 'add_certificate', { detail: `certificate ${cert.fingerprint} of ${cert.organisationId}` });
    return cert;
  }

  async listCertificates(actor: Actor, organisationId?: string): Promise<Certificate[]> {
    requireAdmin(actor);
    return this.directory.listCertificates(organisationId);
  }

  async removeCertificate(actor: Actor, fingerprint: string): Promise<void> {
    requireAdmin(actor);
    await this.directory.removeCertificate(fingerprint);
    this.record(actor, 'remove_certificate', { detail: `certificate ${fingerprint}` });
  }

  async createPartnership(actor: Actor, input: PartnershipInput): Promise<Partnership> {
    requireAdmin(actor);
    const partnership = await this.directory.createPartnership(input);
    this.record(actor, 'create_partnership', { partnership: partnership.path, detail: `${partnership.kind} ${partnership.title}` });
    return partnership;
  }

  // Per partnership: administrators and the partnership's stewards.

  /** Administrators see every partnership; others the ones they steward. */
  async listPartnerships(actor: Actor): Promise<Partnership[]> {
    const all = await this.directory.listPartnerships();
    if (isAdmin(actor)) return all;
    const stewarded = new Set(
      (await this.directory.membershipsOf((actor as Principal).organisationId)).filter((m) => m.role === 'steward').map((m) => m.partnership),
    );
    return all.filter((p) => stewarded.has(p.path));
  }

  async getPartnership(actor: Actor, path: string): Promise<Partnership> {
    return this.stewarded(actor, path);
  }

  async updatePartnership(actor: Actor, path: string, patch: Partial<Omit<Partnership, 'path' | 'created'>>): Promise<Partnership> {
    await this.stewarded(actor, path);
    // Add Objects bodies are read whole up to this limit: raising it is the operator's call.
    const limit = this.directory.defaultMaxContentLength;
    if (patch.maxContentLength !== undefined && patch.maxContentLength > limit && !isAdmin(actor)) {
      throw new ForbiddenError(`Only server administrators may raise max_content_length above ${limit} bytes.`);
    }
    const updated = await this.directory.updatePartnership(path, patch);
    this.record(actor, 'update_partnership', { partnership: path, detail: Object.keys(patch).join(', ') });
    return updated;
  }

  async setMember(actor: Actor, path: string, organisationId: string, role: Role): Promise<Membership> {
    await this.stewarded(actor, path);
    const membership = await this.directory.setMember(path, organisationId, role);
    this.record(actor, 'set_member', { partnership: path, detail: `${organisationId} as ${role}` });
    return membership;
  }

  async removeMember(actor: Actor, path: string, organisationId: string): Promise<void> {
    await this.stewarded(actor, path);
    await this.directory.removeMember(path, organisationId);
    this.record(actor, 'remove_member', { partnership: path, detail: organisationId });
  }

  async listMembers(actor: Actor, path: string): Promise<Membership[]> {
    await this.stewarded(actor, path);
    return this.directory.listMembers(path);
  }

  async addCollection(actor: Actor, input: CollectionInput): Promise<Collection> {
    await this.stewarded(actor, input.partnership);
    // Collection ids are unique server-wide, so "already exists" would tell a steward
    // that another partnership holds that id: only administrators choose ids.
    if (input.id !== undefined && !isAdmin(actor)) {
      throw new ForbiddenError('Only server administrators choose a collection id; leave id out and one is generated.');
    }
    const collection = await this.directory.addCollection(input);
    this.record(actor, 'add_collection', { partnership: input.partnership, collection: collection.id, detail: collection.title });
    return collection;
  }

  async updateCollection(actor: Actor, path: string, id: string, patch: CollectionPatch): Promise<Collection> {
    await this.stewarded(actor, path);
    // By id or, as on the TAXII routes, by alias within the partnership.
    const collections = await this.directory.listCollections(path);
    const current = collections.find((c) => c.id === id) ?? collections.find((c) => c.alias === id);
    if (!current) throw new NotFoundError(`No collection ${id} in ${path}.`);
    const updated = await this.directory.updateCollection(current.id, patch);
    this.record(actor, 'update_collection', { partnership: path, collection: current.id, detail: Object.keys(patch).join(', ') });
    return updated;
  }

  async listCollections(actor: Actor, path: string): Promise<Collection[]> {
    await this.stewarded(actor, path);
    return this.directory.listCollections(path);
  }

  /** A partnership's audit entries (administrators may also ask for the whole trail). */
  async listAudit(actor: Actor, query: AuditQuery): Promise<{ entries: StoredAuditEntry[]; more: boolean }> {
    if (query.partnership === undefined) requireAdmin(actor);
    else await this.stewarded(actor, query.partnership);
    await this.audit.flush();
    return this.store.listAudit(query);
  }

  private async stewarded(actor: Actor, path: string): Promise<Partnership> {
    const partnership = await this.directory.getPartnership(path);
    if (isAdmin(actor)) {
      if (!partnership) throw new NotFoundError(`No partnership ${path}.`);
      return partnership;
    }
    const role = (await this.directory.membershipsOf((actor as Principal).organisationId)).find((m) => m.partnership === path)?.role;
    if (!partnership || role === undefined) throw new NotFoundError(`No partnership ${path}.`);
    if (role !== 'steward') throw new ForbiddenError(`Only stewards of ${path} and server administrators may manage it.`);
    return partnership;
  }

  private record(actor: Actor, operation: string, extra: { partnership?: string; collection?: string; detail?: string }): void {
    this.audit.record(actor, { operation, outcome: 200, ...extra });
  }
}

function isAdmin(actor: Actor): boolean {
  return actor === 'cli' || actor.admin;
}

function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw new ForbiddenError('Only server administrators may do this.');
}
