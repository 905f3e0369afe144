/**
 * Which retention policy applies to a collection, and what it asks the store to
 * find (docs/trust.md#retention). A collection's value overrides its
 * partnership's; a legal hold on either suspends everything.
 */

import { formatMicros, timestampKey } from '../stix/timestamp';
import type { ExpiryQuery } from '../store/contract';
import type { Collection, Partnership, RetentionPolicy } from './model';

const DAY_MICROS = 86_400_000_000;

export function effectivePolicy(partnership: Partnership, collection: Collection): RetentionPolicy {
  const p = partnership.retention ?? {};
  const c = collection.retention ?? {};
  const policy: RetentionPolicy = {};
  const maxAgeDays = c.maxAgeDays ?? p.maxAgeDays;
  const indicatorGraceDays = c.indicatorGraceDays ?? p.indicatorGraceDays;
  if (maxAgeDays !== undefined) policy.maxAgeDays = maxAgeDays;
  if (indicatorGraceDays !== undefined) policy.indicatorGraceDays = indicatorGraceDays;
  if (p.legalHold === true || c.legalHold === true) policy.legalHold = true;
  return policy;
}

/** What the sweep removes from a collection at `now` (µs), or null: nothing configured, on hold, or the members collection. */
export function expiryQuery(partnership: Partnership, collection: Collection, now: number, limit: number): ExpiryQuery | null {
  if (collection.kind === 'members') return null;
  const policy = effectivePolicy(partnership, collection);
  if (policy.legalHold) return null;
  const query: ExpiryQuery = { collectionId: collection.id, limit };
  if (policy.maxAgeDays !== undefined) query.addedBefore = now - policy.maxAgeDays * DAY_MICROS;
  if (policy.indicatorGraceDays !== undefined) query.validUntilBefore = timestampKey(formatMicros(now - policy.indicatorGraceDays * DAY_MICROS));
  return query.addedBefore === undefined && query.validUntilBefore === undefined ? null : query;
}
