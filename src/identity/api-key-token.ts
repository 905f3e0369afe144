/**
 * API key tokens: `accord_<key id>_<secret>`. The key id is public (it names the
 * key in logs, the CLI and Basic auth); the secret is 256 random bits, shown once
 * at creation. Only `sha256:<hex>` of the secret is stored: a fast hash is enough
 * for a random secret of that size, and it keeps every request cheap.
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A key id: public, 24 lower-case hex digits. */
export const KEY_ID_PATTERN = '^[0-9a-f]{24}$';
/** What is stored of a secret. */
export const SECRET_HASH_PATTERN = '^sha256:[0-9a-f]{64}$';

const TOKEN = /^accord_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;

export interface NewKeyToken {
  keyId: string;
  token: string;
  secretHash: string;
}

export function newKeyToken(): NewKeyToken {
  const keyId = randomBytes(12).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, token: `accord_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

export function parseKeyToken(token: string): { keyId: string; secret: string } | null {
  const m = TOKEN.exec(token.trim());
  return m ? { keyId: m[1]!, secret: m[2]! } : null;
}

export function hashSecret(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex')}`;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret));
  const stored = Buffer.from(storedHash);
  return given.length === stored.length && timingSafeEqual(given, stored);
}
