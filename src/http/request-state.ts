/** What the middleware learns about a request, carried on `req.accord`. */

import type { Request } from 'express';
import type { PresentedCredentials } from '../identity/credentials';
import type { LoginSource } from '../identity/identify';
import type { Principal } from '../identity/principal';
import type { Scope } from '../partnerships/scope';
import type { TaxiiContext } from '../taxii/context';
import type { Dialect } from '../taxii/media-types';
import type { RequestAudit } from './middleware/audit';

export interface RequestState {
  id: string;
  /** Arrival time in microseconds since the epoch. */
  receivedAt: number;
  credentials?: PresentedCredentials;
  /** Set for password logins: their address and standing with the login throttle. */
  loginSource?: LoginSource;
  principal?: Principal;
  scope?: Scope;
  audit?: RequestAudit;
  /** The TAXII version the response speaks, once negotiated. */
  dialect?: Dialect;
}

declare module 'express-serve-static-core' {
  interface Request {
    accord: RequestState;
  }
}

/** The authenticated caller; authentication runs before every TAXII route. */
export function principalOf(req: Request): Principal {
  const principal = req.accord.principal;
  if (!principal) throw new Error('route reached without authentication');
  return principal;
}

/** What the caller may see, built once per request. */
export function scopeOf(req: Request, ctx: TaxiiContext): Scope {
  req.accord.scope ??= ctx.scopeFor(principalOf(req));
  return req.accord.scope;
}

/** Query parameters straight from the URL: Express's parser would nest `match[type]` and merge repeats. */
export function queryOf(req: Request): URLSearchParams {
  const q = req.originalUrl.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : req.originalUrl.slice(q + 1));
}
