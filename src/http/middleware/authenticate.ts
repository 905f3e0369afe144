import type { RequestHandler } from 'express';
import type { Passport } from 'passport';
import { TooManyRequestsError, UnauthenticatedError } from '../../errors';
import { claimedAccount, presentedCredentials } from '../../identity/credentials';
import type { LoginThrottle } from '../../identity/login-throttle';
import type { Principal } from '../../identity/principal';
import { STRATEGY } from '../passport-strategy';

/**
 * Turns the request's credentials into a principal before any routing, so an
 * unauthenticated request gets 401 on every path and learns nothing about what
 * exists (docs/taxii.md#authentication). Failed logins are throttled per source address
 * and per account (an account's lock spares the addresses it last logged in from);
 * a throttled caller gets 429 before its credentials are checked.
 */
export function authenticate(passport: InstanceType<typeof Passport>, throttle: LoginThrottle, apiKeyHeader: string): RequestHandler {
  return (req, res, next) => {
    const credentials = presentedCredentials(req, apiKeyHeader);
    req.accord.credentials = credentials;
    if (credentials.kind === 'none') return next(new UnauthenticatedError());
    const source = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const account = claimedAccount(credentials);
    const wait = throttle.retryAfter(source, account);
    if (wait > 0) return next(new TooManyRequestsError(wait));
    if (credentials.kind === 'malformed') {
      throttle.recordFailure(source, undefined);
      return next(new UnauthenticatedError());
    }
    passport.authenticate(STRATEGY, { session: false }, (error: unknown, user: Principal | false) => {
      if (error) return next(error);
      if (!user) {
        throttle.recordFailure(source, account);
        return next(new UnauthenticatedError());
      }
      throttle.recordSuccess(source, account);
      req.accord.principal = user;
      next();
    })(req, res, next);
  };
}
