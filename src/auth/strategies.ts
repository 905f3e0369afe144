/**
 * The passport strategies, one per kind of credential. Each reads the credentials
 * the authentication middleware already parsed; a strategy that finds none of its
 * kind steps aside (`fail` without a status) so passport tries the next one.
 */

import type { Request } from 'express';
import { Strategy } from 'passport-strategy';
import type { PresentedCredentials } from './credentials-in-request';
import type { Identifier } from './identify';
import type { Principal } from './principal';

export const STRATEGIES = ['accord-password', 'accord-api-key', 'accord-certificate'] as const;

type Lookup = (credentials: PresentedCredentials) => Promise<Principal | null> | null;

class CredentialStrategy extends Strategy {
  constructor(
    readonly name: string,
    private readonly lookup: Lookup,
  ) {
    super();
  }

  override authenticate(req: Request): void {
    const pending = this.lookup(req.accord.credentials ?? { kind: 'none' });
    if (pending === null) {
      this.fail('not this kind of credential', 401);
      return;
    }
    pending.then(
      (principal) => (principal ? this.success(principal) : this.fail(401)),
      (error: unknown) => this.error(error as Error),
    );
  }
}

export function createStrategies(identifier: Identifier): Strategy[] {
  return [
    new CredentialStrategy('accord-password', (c) => (c.kind === 'password' ? identifier.byPassword(c.username, c.password) : null)),
    new CredentialStrategy('accord-api-key', (c) => (c.kind === 'key' ? identifier.byKeyToken(c.token, c.scheme) : null)),
    new CredentialStrategy('accord-certificate', (c) => (c.kind === 'certificate' ? identifier.byCertificate(c.fingerprint) : null)),
  ];
}
