/** The retention policy as partnerships and collections take it in their bodies, and its wire shape. */

import type { RetentionPolicy } from '../partnerships/model';
import type { CliOption } from './action';

export const RETENTION_BODY = {
  type: ['object', 'null'],
  additionalProperties: false,
  description: "How long data is kept. Given fields change, others stay (a merge patch); null removes the policy. A collection's field overrides its partnership's; a legal hold on either holds.",
  properties: {
    max_age_days: { type: 'integer', minimum: 1, description: "Remove an object once its newest version's date_added is this many days old." },
    indicator_grace_days: { type: 'integer', minimum: 0, description: 'Remove an indicator this many days after its valid_until.' },
    legal_hold: { type: 'boolean', description: 'While true, nothing is removed.' },
  },
} as const;

/** The policy after a body's change to `current`: undefined keeps it, null removes it, given fields replace theirs. */
export function retentionOf(
  body: { max_age_days?: number; indicator_grace_days?: number; legal_hold?: boolean } | null | undefined,
  current: RetentionPolicy | undefined,
): RetentionPolicy | null | undefined {
  if (body === undefined || body === null) return body;
  const policy: RetentionPolicy = { ...current };
  if (body.max_age_days !== undefined) policy.maxAgeDays = body.max_age_days;
  if (body.indicator_grace_days !== undefined) policy.indicatorGraceDays = body.indicator_grace_days;
  if (body.legal_hold !== undefined) policy.legalHold = body.legal_hold;
  return policy;
}

export function retentionWire(policy: RetentionPolicy | undefined): Record<string, unknown> | undefined {
  if (policy === undefined) return undefined;
  return { max_age_days: policy.maxAgeDays, indicator_grace_days: policy.indicatorGraceDays, legal_hold: policy.legalHold };
}

/** The policy's fields as CLI options of `partnership update` and `collection update`. */
export const RETENTION_OPTIONS: CliOption[] = [
  { flags: '--max-age-days <days>', field: 'retention.max_age_days', description: "remove objects whose newest version's date_added is this old" },
  { flags: '--indicator-grace-days <days>', field: 'retention.indicator_grace_days', description: 'remove indicators this long after their valid_until' },
  { flags: '--legal-hold <on>', field: 'retention.legal_hold', description: 'true or false: while true, nothing is removed' },
];
