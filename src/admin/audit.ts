/**
 * The audit trail, oldest first: server administrators read all of it, a
 * partnership's stewards its own entries (those filed under the partnership;
 * see src/audit/audit-trail.ts for what is filed where). Each entry is listed
 * as it is hashed, with its hash (src/store/audit-chain.ts).
 */

import { BadParameterError } from '../errors';
import { auditRecordOf } from '../store/audit-chain';
import { defineAction, type AdminResource } from './action';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** `after` (the seq of the last entry seen) and `limit` (capped at 1,000) as given in a query string or on the command line. */
function pageOf(after: string | undefined, limit: string | undefined): { afterSeq?: number; limit: number } {
  if (after !== undefined && !/^\d{1,15}$/.test(after)) throw new BadParameterError('after', after, 'expected the seq of an entry');
  if (limit !== undefined && (!/^\d{1,4}$/.test(limit) || Number(limit) < 1)) throw new BadParameterError('limit', limit, 'expected 1 to 9999');
  const page = { limit: Math.min(Number(limit ?? DEFAULT_LIMIT), MAX_LIMIT) };
  return after === undefined ? page : { ...page, afterSeq: Number(after) };
}

const fromQuery = (params: URLSearchParams) => ({ after: params.get('after') ?? undefined, limit: params.get('limit') ?? undefined });

/** Without a partnership, the whole trail: administrators only (the steward rule). */
const list = defineAction({ optionalParams: ['partnership', 'after', 'limit'] })({
  name: 'audit.list',
  who: 'steward',
  run: async (input, ctx) => {
    const page = pageOf(input.after, input.limit);
    await ctx.audit.flush();
    return ctx.store.listAudit(input.partnership === undefined ? page : { ...page, partnership: input.partnership });
  },
  present: (page) => ({ entries: page.entries.map(auditRecordOf), more: page.more }),
  rows: (wire) => (wire as { entries: unknown[] }).entries,
  http: [
    { method: 'GET', path: '/admin/partnerships/:partnership/audit', query: fromQuery },
    { method: 'GET', path: '/admin/audit', query: fromQuery },
  ],
  cli: [
    {
      command: 'audit',
      description: 'list audit entries, oldest first',
      options: [{ flags: '--partnership <path>' }, { flags: '--after <seq>', description: 'entries after this seq' }, { flags: '--limit <n>', description: 'how many', default: String(DEFAULT_LIMIT) }],
      columns: ['seq', 'time', 'operation', 'outcome', 'organisation', 'user', 'key_id', 'partnership', 'collection', 'object_count', 'detail'],
    },
  ],
});

export const audit: AdminResource = { actions: [list] };
