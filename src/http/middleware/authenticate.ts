import type { RequestHandler } from 'express';
import type { Passport } from 'passport';
import { UnauthenticatedError } from '../../errors';
import type { Principal } from '../../auth/principal';
import { BASIC_STRATEGY } from '../../auth/basic-strategy';

/**
 * Turns the request's credentials into a principal before any routing, so an
 * unauthenticated request gets 401 on every path and learns nothing about what
 * exists (checklist §1.4, §1.7).
 */
export function authenticate(passport: InstanceType<typeof Passport>): RequestHandler {
  return (req, res, next) => {
    passport.authenticate(BASIC_STRATEGY, { session: false }, (error: unknown, user: Principal | false) => {
      if (error) return next(error);
      if (!user) return next(new UnauthenticatedError());
      req.accord.principal = user;
      next();
    })(req, res, next);
  };
}
