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
 * exists (docs/taxii.md#authentication). Failed password logins are throttled per
 * source address and per account, and a throttled password login gets 429 before
 * its password is checked; neither lock applies where the account logged in before,
 * and API keys and certificates are never locked (docs/reliability.md#login-throttling).
 */
export function authenticate(passport: InstanceType<typeof Passport>, throttle: LoginThrottle, apiKeyHeader: string): RequestHandler {
  return (req, res, next) => {
    const credentials = presentedCredentials(req, apiKeyHeader);
    req.accord.credentials = credentials;
    if (credentials.kind === 'none' || credentials.kind === 'malformed') return next(new UnauthenticatedError());
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const account = claimedAccount(credentials);
    if (account !== undefined) {
      const wait = throttle.retryAfter(address, account);
      if (wait > 0) return next(new TooManyRequestsError(wait));
      // A client that gives up while its password waits to be checked frees its place (docs/reliability.md#login-throttling).
      const abandoned = new AbortController();
      res.once('close', () => abandoned.abort());
      req.accord.loginSource = { address, standing: throttle.standing(address, account), abandoned: abandoned.signal };
    }
    passport.authenticate(STRATEGY, { session: false }, (error: unknown, user: Principal | false) => {
      if (error) return next(error);
      if (!user) {
        if (account !== undefined) throttle.recordFailure(address, account);
        return next(new UnauthenticatedError());
      }
      if (account !== undefined) throttle.recordSuccess(address, account);
      req.accord.principal = user;
      next();
    })(req, res, next);
  };
}
