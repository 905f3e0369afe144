import type { Request, RequestHandler } from 'express';
import type { AuditTrail } from '../../audit/audit-trail';
import type { StoredStatus } from '../../store/contract';
import { principalOf } from '../request-state';

export interface AuditNote {
  operation: string;
  partnership?: string;
  collection?: string;
  objectCount?: number;
  statusId?: string;
  detail?: string;
}

/** A request's audit entry while it is handled, and how a change commits it. */
export interface RequestAudit {
  note: AuditNote;
  commit(outcome: number, status?: StoredStatus): Promise<void>;
}

export type Audited = (operation: string) => RequestHandler;

/** Methods that change the store: refused up front while the trail cannot be written. */
const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Marks a route as audited: one entry records the caller, the operation, the
 * outcome status and what the handler added (object count, status id). A
 * change's handler commits its entry with `commitAudit` before it answers, and
 * while the trail cannot be written a change is refused (503) before its handler
 * runs (docs/reliability.md#audit-trail); any other answer is recorded when it
 * is sent, without waiting. The partnership and collection are those the caller
 * was allowed to see (the collection by id, however the URL named it), never
 * merely what the URL named: a stranger's 404 is not filed in another
 * partnership's trail (its stewards would learn who probed them);
 * administrators see it server-wide.
 */
export function auditedBy(trail: AuditTrail): Audited {
  return (operation) => async (req, res, next) => {
    const note: AuditNote = { operation };
    // Read now: Express resets req.params when an error leaves the route.
    const { objectId, statusId } = req.params as Record<string, string | undefined>;
    const eventOf = (outcome: number): AuditNote & { outcome: number } => {
      const shown = req.accord.scope?.shown ?? {};
      const entry: AuditNote & { outcome: number } = { ...note, outcome };
      if (shown.partnership !== undefined) {
        entry.partnership = shown.partnership;
        if (shown.collection !== undefined) entry.collection = shown.collection;
        if (shown.collection !== undefined && typeof objectId === 'string') entry.detail = `object ${objectId}`;
        if (typeof statusId === 'string' && entry.statusId === undefined) entry.statusId = statusId;
      }
      return entry;
    };
    let committed = false;
    req.accord.audit = {
      note,
      commit: async (outcome, status) => {
        await trail.record(principalOf(req), eventOf(outcome), status);
        committed = true;
      },
    };
    res.on('finish', () => {
      const principal = req.accord.principal;
      if (principal && !committed) trail.recordSoon(principal, eventOf(res.statusCode));
    });
    if (CHANGES.has(req.method)) await trail.ensureWritable();
    next();
  };
}

/**
 * Records a change's entry with the status it is about to answer, and waits
 * until the entry is durable: a change is acknowledged only once it is in the
 * trail. Add Objects passes its status resource, stored in the same write.
 * Throws AuditUnavailableError (503) when the entry cannot be written.
 */
export async function commitAudit(req: Request, outcome: number, extra: Partial<AuditNote> = {}, status?: StoredStatus): Promise<void> {
  const audit = req.accord.audit;
  if (!audit) throw new Error('commitAudit on a route that is not audited');
  Object.assign(audit.note, extra);
  await audit.commit(outcome, status);
}

/** Adds what the handler learnt to the request's audit entry. */
export function noteAudit(req: Request, extra: Partial<AuditNote>): void {
  if (req.accord.audit) Object.assign(req.accord.audit.note, extra);
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
      trail.recordSoon(principal, { operation: 'admin_refused', outcome: res.statusCode, detail: `${req.method} ${req.originalUrl.split('?')[0]}` });
    });
    next();
  };
}
