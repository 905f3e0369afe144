/**
 * Passport stays the authentication entry point, as a thin layer: one strategy
 * that hands the credentials the authentication middleware already parsed to the
 * one identify step (src/identity/identify.ts).
 */

import type { Request } from 'express';
import { Strategy } from 'passport-strategy';
import type { Identifier } from '../identity/identify';

export const STRATEGY = 'accord';

class CredentialStrategy extends Strategy {
  readonly name = STRATEGY;

  constructor(private readonly identifier: Identifier) {
    super();
  }

  override authenticate(req: Request): void {
    this.identifier.identify(req.accord.credentials ?? { kind: 'none' }, req.accord.loginSource).then(
      (principal) => (principal ? this.success(principal) : this.fail(401)),
      (error: unknown) => this.error(error as Error),
    );
  }
}

export function createStrategy(identifier: Identifier): Strategy {
  return new CredentialStrategy(identifier);
}
