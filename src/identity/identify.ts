/**
 * The one identify step: presented credentials (credentials.ts) become a
 * principal, or null. Passwords of users, API keys (however they are sent) and
 * client certificates each have one branch here, so a new kind of credential is
 * one parser branch and one branch below. Every lookup reads the store, so a
 * revoked or expired key, a removed user or a removed certificate fails on the
 * next request. scrypt is slow on purpose (about 130 ms) and TAXII clients send
 * Basic credentials on every page, so a successful password check is remembered
 * for a few minutes under a keyed hash that includes the stored hash (a changed
 * password invalidates it), and identical checks running at once share one.
 * Checks run with bounded concurrency (password-checks.ts). Unknown users cost as
 * much as known ones. A stored hash made with other scrypt parameters than the
 * configured ones is rehashed after a successful check (docs/reliability.md#login-throttling).
 */

import { createHmac, randomBytes } from 'node:crypto';
import type { Store } from '../store/contract';
import { EntityTable } from '../store/entity-table';
import { parseKeyToken, secretMatches } from './api-key-token';
import type { PresentedCredentials } from './credentials';
import type { Standing } from './login-throttle';
import { API_KEYS, CERTIFICATES, USERS, type ApiKey, type Certificate, type User } from './model';
import { PasswordChecks } from './password-checks';
import { decoyHash, DEFAULT_COST, hashPassword, isHashedOtherwise, verifyPassword, type ScryptCost } from './passwords';
import type { AuthScheme, Principal } from './principal';

const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX = 10_000;

/** Where a password login comes from and how it stands with the throttle: the order of checks under load. */
export interface LoginSource {
  address: string;
  standing: Standing;
  /** Fires when the client has gone: a check still waiting is dropped. */
  abandoned?: AbortSignal;
}

const UNKNOWN_SOURCE: LoginSource = { address: 'unknown', standing: 'suspect' };

export class Identifier {
  private readonly pepper = randomBytes(32);
  private readonly verified = new Map<string, number>();
  private readonly pending = new Map<string, Promise<boolean>>();
  private readonly checks = new PasswordChecks();
  private readonly decoy: string;
  private readonly users: EntityTable<User>;
  private readonly keys: EntityTable<ApiKey>;
  private readonly certificates: EntityTable<Certificate>;

  constructor(
    store: Store,
    private readonly now: () => number = Date.now,
    private readonly cost: ScryptCost = DEFAULT_COST,
  ) {
    this.decoy = decoyHash(cost);
    this.users = new EntityTable(store, USERS);
    this.keys = new EntityTable(store, API_KEYS);
    this.certificates = new EntityTable(store, CERTIFICATES);
  }

  /** The principal the credentials prove, or null (none given, malformed, or wrong). */
  identify(credentials: PresentedCredentials, source: LoginSource = UNKNOWN_SOURCE): Promise<Principal | null> {
    switch (credentials.kind) {
      case 'password':
        return this.byPassword(credentials.username, credentials.password, source);
      case 'key':
        return this.byKeyToken(credentials.token, credentials.scheme);
      case 'certificate':
        return this.byCertificate(credentials.fingerprint);
      default:
        return Promise.resolve(null);
    }
  }

  private async byPassword(username: string, password: string, source: LoginSource): Promise<Principal | null> {
    const user = await this.users.get(username);
    const hash = user?.passwordHash ?? this.decoy;
    const key = this.cacheKey(username, password, hash);
    const until = this.verified.get(key);
    if (!(user && until !== undefined && until > this.now())) {
      let check = this.pending.get(key);
      if (!check) {
        check = this.checks.run(source.address, `user:${username}`, source.standing, () => this.check(user, password, hash), source.abandoned).finally(() => this.pending.delete(key));
        this.pending.set(key, check);
      }
      if (!(await check) || !user) return null;
    }
    return { organisationId: user.organisationId, username: user.username, admin: user.admin, scheme: 'basic' };
  }

  /** Verifies, remembers a success, and rehashes at the configured cost when the stored hash was made otherwise. */
  private async check(user: User | null, password: string, hash: string): Promise<boolean> {
    if (!(await verifyPassword(password, hash)) || !user) return false;
    this.remember(this.cacheKey(user.username, password, hash));
    if (isHashedOtherwise(hash, this.cost)) {
      // The old hash still works if this fails; the next login tries again.
      await this.rehash(user, password).catch(() => undefined);
    }
    return true;
  }

  private async rehash(user: User, password: string): Promise<void> {
    const upgraded = await hashPassword(password, this.cost);
    // Only over the hash that was checked: never over one an administrator set meanwhile.
    const current = await this.users.get(user.username);
    if (current?.passwordHash !== user.passwordHash) return;
    await this.users.replace({ ...current, passwordHash: upgraded });
    this.remember(this.cacheKey(user.username, password, upgraded));
  }

  private cacheKey(username: string, password: string, hash: string): string {
    return createHmac('sha256', this.pepper).update(`${username}\0${password}\0${hash}`).digest('base64');
  }

  private remember(key: string): void {
    if (this.verified.size >= CACHE_MAX) this.verified.clear();
    this.verified.set(key, this.now() + CACHE_TTL_MS);
  }

  /** An API key token, valid when the key exists, matches, is not revoked and has not expired. */
  private async byKeyToken(token: string, scheme: AuthScheme): Promise<Principal | null> {
    const parsed = parseKeyToken(token);
    if (!parsed) return null;
    const key = await this.keys.get(parsed.keyId);
    if (!key || !secretMatches(parsed.secret, key.secretHash)) return null;
    if (key.revokedAt !== undefined) return null;
    if (key.expiresAt !== undefined && Date.parse(key.expiresAt) <= this.now()) return null;
    return { organisationId: key.organisationId, keyId: key.id, admin: false, scheme };
  }

  private async byCertificate(fingerprint: string): Promise<Principal | null> {
    const cert = await this.certificates.get(fingerprint);
    return cert ? { organisationId: cert.organisationId, certificate: cert.fingerprint, admin: false, scheme: 'certificate' } : null;
  }
}
