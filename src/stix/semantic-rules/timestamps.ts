/**
 * Order between two timestamps of one object (STIX 2.1 §3.2, §4, §5, §6.12;
 * docs/validation.md#timestamps), compared as exact instants, never through `Date`.
 * Malformed timestamps are the schema's concern; they are skipped here.
 */
import { splitTimestamp, calendarProblem, keyOfParts } from '../timestamp';
import { finding, type RuleId } from '../rules';
import type { RuleContext, SemanticRule } from './context';

function instantKey(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const parts = splitTimestamp(value);
  return parts && calendarProblem(parts) === null ? keyOfParts(parts) : null;
}

interface OrderRule {
  rule: RuleId;
  earlier: string;
  later: string;
  /** True when equal instants break the rule ("strictly later"). */
  strict: boolean;
  text: (later: string, earlier: string) => string;
}

function orderRule(spec: OrderRule): SemanticRule {
  return (ctx: RuleContext) => {
    const laterValue = ctx.obj[spec.later];
    const earlierValue = ctx.obj[spec.earlier];
    if (laterValue === undefined || earlierValue === undefined) return;
    const later = instantKey(laterValue);
    const earlier = instantKey(earlierValue);
    if (later === null || earlier === null) return;
    if (later < earlier || (spec.strict && later === earlier)) {
      ctx.out.push(finding(spec.rule, `/${spec.later}`, spec.text(laterValue as string, earlierValue as string)));
    }
  };
}

export const checkModifiedAfterCreated = orderRule({
  rule: 'modified-not-before-created',
  earlier: 'created',
  later: 'modified',
  strict: false,
  text: (m, c) => `modified ${m} is earlier than created ${c}`,
});

export const checkSeenOrder = orderRule({
  rule: 'last-seen-not-before-first-seen',
  earlier: 'first_seen',
  later: 'last_seen',
  strict: false,
  text: (l, f) => `last_seen ${l} is earlier than first_seen ${f}`,
});

export const checkObservedOrder = orderRule({
  rule: 'last-observed-not-before-first-observed',
  earlier: 'first_observed',
  later: 'last_observed',
  strict: false,
  text: (l, f) => `last_observed ${l} is earlier than first_observed ${f}`,
});

export const checkValidityOrder = orderRule({
  rule: 'valid-until-after-valid-from',
  earlier: 'valid_from',
  later: 'valid_until',
  strict: true,
  text: (u, f) => `valid_until ${u} must be strictly later than valid_from ${f}`,
});

export const checkRelationshipTimes = orderRule({
  rule: 'stop-time-after-start-time',
  earlier: 'start_time',
  later: 'stop_time',
  strict: true,
  text: (s, t) => `stop_time ${s} must be strictly later than start_time ${t}`,
});

export const checkTrafficTimes = orderRule({
  rule: 'end-not-before-start',
  earlier: 'start',
  later: 'end',
  strict: false,
  text: (e, s) => `end ${e} is earlier than start ${s}`,
});

/** Types carrying first_seen/last_seen (docs/validation.md#timestamps). */
export const SEEN_TYPES: ReadonlySet<string> = new Set(['campaign', 'infrastructure', 'intrusion-set', 'malware', 'threat-actor', 'sighting']);
