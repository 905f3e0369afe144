/**
 * HTTP Basic (RFC 7617), the TAXII 2.1 baseline (§8.2.2), as a passport strategy.
 * The scheme name is case-insensitive; the credentials are base64 of UTF-8 split
 * at the first ':' (a password may contain ':').
 */

import type { Request } from 'express';
import { Strategy } from 'passport-strategy';
import type { CredentialVerifier } from './credentials';

export const BASIC_STRATEGY = 'accord-basic';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseBasicAuthorization(header: string | undefined): { username: string; password: string } | null {
  if (header === undefined) return null;
  const match = /^\s*basic\s+(\S+)\s*$/i.exec(header);
  if (!match || match[1]!.length > 4096 || !BASE64.test(match[1]!)) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(match[1]!, 'base64'));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export class BasicAuthStrategy extends Strategy {
  name = BASIC_STRATEGY;

  constructor(private readonly verifier: CredentialVerifier) {
    super();
  }

  override authenticate(req: Request): void {
    const credentials = parseBasicAuthorization(req.headers.authorization);
    if (!credentials) {
      this.fail(401);
      return;
    }
    this.verifier.verifyBasic(credentials.username, credentials.password).then(
      (principal) => (principal ? this.success(principal) : this.fail(401)),
      (error: unknown) => this.error(error as Error),
    );
  }
}
