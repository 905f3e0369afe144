import type { Request, RequestHandler, Response } from 'express';
import { noteAudit } from '../middleware/audit';
import { MethodNotAllowedError } from '../../errors';
import type { Listing } from '../../taxii/read-objects';
import { requireTaxii21Accept } from '../../taxii/media-types';
import { sendTaxii } from '../respond';

/** 406 unless the Accept header admits TAXII 2.1 (checklist §1.1); Content-Type is ignored on reads. */
export const negotiate: RequestHandler = (req, _res, next) => {
  requireTaxii21Accept(req.headers.accept);
  next();
};

/** Answers any other method on a known path: OPTIONS lists the methods, the rest get 405 with Allow. */
export function otherMethods(allowed: string[]): RequestHandler {
  const withHead = allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed;
  return (req, res) => {
    if (req.method === 'OPTIONS') {
      res.setHeader('Allow', [...withHead, 'OPTIONS'].join(', '));
      res.status(204).end();
      return;
    }
    throw new MethodNotAllowedError(withHead);
  };
}

export function sendListing(req: Request, res: Response, listing: Listing): void {
  noteAudit(req, { objectCount: listing.count });
  if (listing.dateAddedFirst !== undefined && listing.dateAddedLast !== undefined) {
    res.setHeader('X-TAXII-Date-Added-First', listing.dateAddedFirst);
    res.setHeader('X-TAXII-Date-Added-Last', listing.dateAddedLast);
  }
  sendTaxii(res, 200, listing.body);
}

/** A route parameter as a string (Express 5 types allow arrays for wildcard parameters). */
export function param(req: Request, name: string): string {
  const value = req.params[name];
  return Array.isArray(value) ? value.join('/') : String(value);
}
