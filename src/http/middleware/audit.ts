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
 * caller, the operation, the outcome status and what the handler added (object
 * count, status id). The partnership and collection are those the caller was
 * allowed to see (the collection by id, however the URL named it), never merely
 * what the URL named: a stranger's 404 is not filed in another partnership's trail
 * (its stewards would learn who probed them); administrators see it server-wide.
 */
export function auditedBy(trail: AuditTrail): Audited {
  return (operation) => (req, res, next) => {
    const note: AuditNote = { operation };
    req.accord.audit = note;
    // Read now: Express resets req.params when an error leaves the route.
    const { objectId, statusId } = req.params as Record<string, string | undefined>;
    res.on('finish', () => {
      const principal = req.accord.principal;
      if (!principal) return;
      const shown = req.accord.scope?.shown ?? {};
      const entry: AuditNote & { outcome: number } = { ...note, outcome: res.statusCode };
      if (shown.partnership !== undefined) {
        entry.partnership = shown.partnership;
        if (shown.collection !== undefined) entry.collection = shown.collection;
        if (shown.collection !== undefined && typeof objectId === 'string') entry.detail = `object ${objectId}`;
        if (typeof statusId === 'string' && entry.statusId === undefined) entry.statusId = statusId;
      }
      trail.record(principal, entry);
    });
    next();
  };
}

/** Adds what the handler learnt to the request's audit entry. */
export function noteAudit(req: Request, extra: Partial<AuditNote>): void {
  if (req.accord.audit) Object.assign(req.accord.audit, extra);
}

/**
 * Admin changes are audited by their use cases when they succeed; a refused admin
 * request (4xx) by a signed-in caller is filed here, so that probing and attempts
 * beyond one's role leave a trace. Server-wide only: the path may name a
 * partnership the caller may not see. Unauthenticated requests (401, 429) have no
 * principal; the request log has them.
 */
export function auditRefusedAdmin(trail: AuditTrail): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      const principal = req.accord.principal;
      if (!principal || res.statusCode < 400 || res.statusCode >= 500) return;
      trail.record(principal, { operation: 'admin_refused', outcome: res.statusCode, detail: `${req.method} ${req.originalUrl.split('?')[0]}` });
    });
    next();
  };
}
