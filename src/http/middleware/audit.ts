import type { Request, RequestHandler } from 'express';
import type { AuditTrail } from '../../audit/audit-trail';

export interface AuditNote {
  operation: string;
  partnership?: string;
  collection?: string;
  objectCount?: number;
  statusId?: string;
  detail?: string;
}

export type Audited = (operation: string) => RequestHandler;

/**
 * Marks a route as audited: when the response is sent, one entry records the
 * caller, the operation, the partnership and collection named in the URL, the
 * outcome status and what the handler added (object count, status id).
 */
export function auditedBy(trail: AuditTrail): Audited {
  return (operation) => (req, res, next) => {
    const note: AuditNote = { operation };
    if (typeof req.params.apiRoot === 'string') note.partnership = req.params.apiRoot;
    if (typeof req.params.partnership === 'string') note.partnership = req.params.partnership;
    if (typeof req.params.collectionId === 'string') note.collection = req.params.collectionId;
    req.accord.audit = note;
    res.on('finish', () => {
      const principal = req.accord.principal;
      if (principal) trail.record(principal, { ...note, outcome: res.statusCode });
    });
    next();
  };
}

/** Adds what the handler learnt to the request's audit entry. */
export function noteAudit(req: Request, extra: Partial<AuditNote>): void {
  if (req.accord.audit) Object.assign(req.accord.audit, extra);
}
