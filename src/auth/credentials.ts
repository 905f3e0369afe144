/**
 * Checks username and password pairs against the configured users. scrypt is
 * deliberately slow (~80 ms), and TAXII clients send Basic credentials on every
 * page, so a successful check is remembered for a few minutes under a keyed hash
 * of the credentials and the stored hash (a changed password invalidates it).
 * Unknown users cost the same as known ones, so timing reveals nothing.
 */

import { createHmac, randomBytes } from 'node:crypto';
import type { UserConfig } from '../config/types';
import { DECOY_HASH, verifyPassword } from './passwords';
import type { Principal } from './principal';

const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX = 10_000;

export class CredentialVerifier {
  private readonly users: Map<string, UserConfig>;
  private readonly pepper = randomBytes(32);
  private readonly verified = new Map<string, number>();

  constructor(users: readonly UserConfig[], private readonly now: () => number = Date.now) {
    this.users = new Map(users.map((u) => [u.username, u]));
  }

  async verifyBasic(username: string, password: string): Promise<Principal | null> {
    const user = this.users.get(username);
    const hash = user?.password_hash ?? DECOY_HASH;
    const key = createHmac('sha256', this.pepper).update(`${username}\0${password}\0${hash}`).digest('base64');
    const until = this.verified.get(key);
    const now = this.now();
    if (user && until !== undefined && until > now) return principalOf(user);
    const ok = await verifyPassword(password, hash);
    if (!ok || !user) return null;
    if (this.verified.size >= CACHE_MAX) this.verified.clear();
    this.verified.set(key, now + CACHE_TTL_MS);
    return principalOf(user);
  }
}

function principalOf(user: UserConfig): Principal {
  return { key: `user:${user.username}`, username: user.username, scheme: 'basic' };
}
