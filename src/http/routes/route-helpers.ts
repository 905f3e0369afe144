import type { Request, RequestHandler, Response } from 'express';
import { noteAudit } from '../middleware/audit';
import { MethodNotAllowedError } from '../../errors';
import type { Listing } from '../../taxii/read-objects';
import { negotiateDialect, TAXII20_MEDIA_TYPE } from '../../taxii/media-types';
import { sendTaxii } from '../respond';

/** 406 unless the Accept header admits TAXII 2.1 (docs/taxii.md#media-types); Content-Type is ignored on reads. */
export const negotiate: RequestHandler = (req, _res, next) => {
  req.accord.dialect = negotiateDialect(req.headers.accept, false);
  next();
};

/** For the resources also served read-only in TAXII 2.0: records which version to answer in. */
export const negotiateWith20: RequestHandler = (req, _res, next) => {
  req.accord.dialect = negotiateDialect(req.headers.accept, true);
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

export function sendListing(req: Request, res: Response, listing: Listing): Promise<void> {
  noteAudit(req, { objectCount: listing.count });
  if (listing.dateAddedFirst !== undefined) res.setHeader('X-TAXII-Date-Added-First', listing.dateAddedFirst);
  if (listing.dateAddedLast !== undefined) res.setHeader('X-TAXII-Date-Added-Last', listing.dateAddedLast);
  return sendTaxii(res, 200, listing.body);
}

/** Sends a TAXII resource in the negotiated version's media type (the body shape is the caller's). */
export function sendResource(req: Request, res: Response, status: number, body: Record<string, unknown>): Promise<void> {
  return sendTaxii(res, status, body, req.accord.dialect === '2.0' ? TAXII20_MEDIA_TYPE : undefined);
}

/** A route parameter as a string (Express 5 types allow arrays for wildcard parameters). */
export function param(req: Request, name: string): string {
  const value = req.params[name];
  return Array.isArray(value) ? value.join('/') : String(value);
}
