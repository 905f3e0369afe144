/**
 * The one identify step: presented credentials (credentials.ts) become a
 * principal, or null. Passwords of users, API keys (however they are sent) and
 * client certificates each have one branch here, so a new kind of credential is
 * one parser branch and one branch below. Every lookup reads the store, so a
 * revoked or expired key, a removed user or a removed certificate fails on the
 * next request. scrypt is slow on purpose (~80 ms) and TAXII clients send Basic
 * credentials on every page, so a successful password check is remembered for a
 * few minutes under a keyed hash that includes the stored hash (a changed
 * password invalidates it). Unknown users cost as much as known ones.
 */

import { createHmac, randomBytes } from 'node:crypto';
import type { Store } from '../store/contract';
import { EntityTable } from '../store/entity-table';
import { parseKeyToken, secretMatches } from './api-key-token';
import type { PresentedCredentials } from './credentials';
import { API_KEYS, CERTIFICATES, USERS, type ApiKey, type Certificate, type User } from './model';
import { DECOY_HASH, verifyPassword } from './passwords';
import type { AuthScheme, Principal } from './principal';

const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX = 10_000;

export class Identifier {
  private readonly pepper = randomBytes(32);
  private readonly verified = new Map<string, number>();
  private readonly users: EntityTable<User>;
  private readonly keys: EntityTable<ApiKey>;
  private readonly certificates: EntityTable<Certificate>;

  constructor(
    store: Store,
    private readonly now: () => number = Date.now,
  ) {
    this.users = new EntityTable(store, USERS);
    this.keys = new EntityTable(store, API_KEYS);
    this.certificates = new EntityTable(store, CERTIFICATES);
  }

  /** The principal the credentials prove, or null (none given, malformed, or wrong). */
  identify(credentials: PresentedCredentials): Promise<Principal | null> {
    switch (credentials.kind) {
      case 'password':
        return this.byPassword(credentials.username, credentials.password);
      case 'key':
        return this.byKeyToken(credentials.token, credentials.scheme);
      case 'certificate':
        return this.byCertificate(credentials.fingerprint);
      default:
        return Promise.resolve(null);
    }
  }

  private async byPassword(username: string, password: string): Promise<Principal | null> {
    const user = await this.users.get(username);
    const hash = user?.passwordHash ?? DECOY_HASH;
    const key = createHmac('sha256', this.pepper).update(`${username}\0${password}\0${hash}`).digest('base64');
    const until = this.verified.get(key);
    const now = this.now();
    if (!(user && until !== undefined && until > now)) {
      const ok = await verifyPassword(password, hash);
      if (!ok || !user) return null;
      if (this.verified.size >= CACHE_MAX) this.verified.clear();
      this.verified.set(key, now + CACHE_TTL_MS);
    }
    return { organisationId: user.organisationId, username: user.username, admin: user.admin, scheme: 'basic' };
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
