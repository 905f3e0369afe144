/**
 * Turns credentials into a principal: passwords of users, API keys (however they
 * are sent), and client certificates. Every lookup reads the store, so a revoked
 * key, an expired key, a removed user or a removed certificate fails on the next
 * request. scrypt is slow on purpose (~80 ms) and TAXII clients send Basic
 * credentials on every page, so a successful password check is remembered for a
 * few minutes under a keyed hash that includes the stored hash (a changed
 * password invalidates it). Unknown users cost as much as known ones.
 */

import { createHmac, randomBytes } from 'node:crypto';
import type { Directory } from '../partnerships/directory';
import { parseKeyToken, secretMatches } from './api-key-token';
import { DECOY_HASH, verifyPassword } from './passwords';
import type { AuthScheme, Principal } from './principal';

const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX = 10_000;

export class Identifier {
  private readonly pepper = randomBytes(32);
  private readonly verified = new Map<string, number>();

  constructor(
    private readonly directory: Directory,
    private readonly now: () => number = Date.now,
  ) {}

  async byPassword(username: string, password: string): Promise<Principal | null> {
    const user = await this.directory.getUser(username);
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
  async byKeyToken(token: string, scheme: AuthScheme): Promise<Principal | null> {
    const parsed = parseKeyToken(token);
    if (!parsed) return null;
    const key = await this.directory.getKey(parsed.keyId);
    if (!key || !secretMatches(parsed.secret, key.secretHash)) return null;
    if (key.revokedAt !== undefined) return null;
    if (key.expiresAt !== undefined && Date.parse(key.expiresAt) <= this.now()) return null;
    return { organisationId: key.organisationId, keyId: key.id, admin: false, scheme };
  }

  async byCertificate(fingerprint: string): Promise<Principal | null> {
    const cert = await this.directory.getCertificate(fingerprint);
    return cert ? { organisationId: cert.organisationId, certificate: cert.fingerprint, admin: false, scheme: 'certificate' } : null;
  }
}

/** True when a string has the shape of an Accord API key token. */
export function looksLikeKeyToken(value: string): boolean {
  return parseKeyToken(value) !== null;
}
