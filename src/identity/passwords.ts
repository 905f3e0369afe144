/**
 * Password hashing with scrypt (RFC 7914) from node:crypto: salted, with the cost
 * parameters stored in the hash so they can be raised later (a stored hash below the
 * configured cost is rehashed at the next successful login, identify.ts), and compared
 * in constant time. Format: `scrypt$<N>$<r>$<p>$<salt base64>$<key base64>`.
 */

import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's parameters: N (CPU and memory cost, a power of two), r (block size), p (parallelism). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * About 130 ms per check on the 2-core test machine; OWASP's minimum (N = 2^17) takes
 * about 510 ms there, over the login budget (docs/reliability.md#login-throttling).
 */
export const DEFAULT_COST: ScryptCost = { N: 32768, r: 8, p: 1 };
const KEY_BYTES = 32;
/** scrypt's cost N is a power of two (RFC 7914 §2); the hash's shape as a pattern, so schemas can check it too. */
const COSTS = Array.from({ length: 23 }, (_, i) => String(2 ** (i + 1))).join('|');
export const PASSWORD_HASH_PATTERN = `^scrypt\\$(${COSTS})\\$(\\d{1,3})\\$(\\d{1,3})\\$([A-Za-z0-9+/=]{16,})\\$([A-Za-z0-9+/=]{40,})$`;
const HASH_SHAPE = new RegExp(PASSWORD_HASH_PATTERN);

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, keylen, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_BYTES, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = HASH_SHAPE.exec(hash);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const key = await scrypt(password, Buffer.from(m[4]!, 'base64'), expected.length, {
    N: Number(m[1]),
    r: Number(m[2]),
    p: Number(m[3]),
  });
  return timingSafeEqual(key, expected);
}

/** True when the hash was made with other parameters than `cost`: it is rehashed at the next login. */
export function isHashedOtherwise(hash: string, cost: ScryptCost): boolean {
  const m = HASH_SHAPE.exec(hash);
  return m !== null && (Number(m[1]) !== cost.N || Number(m[2]) !== cost.r || Number(m[3]) !== cost.p);
}

/**
 * A valid hash of no known password at `cost`: verifying against it costs the same as a
 * real check, so an unknown user name answers as slowly as a known one.
 */
export function decoyHash(cost: ScryptCost): string {
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
}
