/**
 * The status resource (TAXII 2.1 §4.3.1) and Get Status (§4.3). A status is served
 * only to the organisation that submitted it, while it may still see the collection; anyone else,
 * and anyone after it expired, gets the same 404 as for an unknown id.
 */

import { NotFoundError } from '../errors';
import type { Scope } from '../partnerships/scope';
import type { StatusDetail, StoredStatus } from '../store/contract';
import type { TaxiiContext } from './context';
import { resolveApiRoot } from './resolve';

export async function getStatus(ctx: TaxiiContext, scope: Scope, rootPath: string, statusId: string): Promise<Record<string, unknown>> {
  const root = await resolveApiRoot(scope, rootPath);
  const status = await ctx.store.getStatus(statusId, ctx.clock());
  // A status names objects of its collection: once the submitter may neither read nor
  // write that collection (docs/taxii.md#audiences), the status is gone for it too.
  if (!status || status.apiRoot !== root.path || status.owner !== scope.ownerKey() || !(await scope.collection(root.path, status.collectionId))) {
    throw new NotFoundError('No status resource with this id.');
  }
  return statusResource(status);
}

/** Lists are omitted when their count is 0 and otherwise complete (never truncated). */
export function statusResource(status: StoredStatus): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: status.id,
    status: status.status,
    request_timestamp: status.requestTimestamp,
    total_count: status.totalCount,
    success_count: status.successCount,
    successes: details(status.successes),
    failure_count: status.failureCount,
    failures: details(status.failures),
    pending_count: status.pendingCount,
    pendings: details(status.pendings),
  };
  for (const key of ['successes', 'failures', 'pendings']) if (body[key] === undefined) delete body[key];
  return body;
}

function details(list: StatusDetail[]): StatusDetail[] | undefined {
  return list.length === 0 ? undefined : list;
}
