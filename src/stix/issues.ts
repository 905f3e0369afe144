/**
 * The shapes every STIX check reports in (docs/validation.md#messages).
 * A check emits `Finding`s at a rule level; the profile (`standard` or `strict`)
 * turns them into `Issue`s with a severity.
 */

export const PROFILES = ['standard', 'strict'] as const;
export type Profile = (typeof PROFILES)[number];

export function isProfile(value: string): value is Profile {
  return (PROFILES as readonly string[]).includes(value);
}
export type Severity = 'error' | 'warning' | 'info';
/** `must` is a spec (or Accord) MUST, `should` a SHOULD, `advisory` never an error. */
export type RuleLevel = 'must' | 'should' | 'advisory';

export interface Position {
  /** 0-based, in UTF-16 code units. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in code points. */
  column: number;
}

export interface Finding {
  rule: string;
  level: RuleLevel;
  /** RFC 6901 pointer relative to the object ("" is the object itself). */
  pointer: string;
  message: string;
  /** Set when a `standard`-profile leniency applies: a MUST then becomes a warning. */
  leniency?: string;
  position?: Position;
}

export interface Issue {
  rule: string;
  severity: Severity;
  pointer: string;
  message: string;
  leniency?: string;
  position?: Position;
}

export interface ObjectVerdict {
  /** Position in the envelope or bundle. */
  index: number;
  /** The object's id when it is a string. */
  id: string | null;
  /** `modified`, else `created`, else "". */
  version: string;
  /** True when no issue is an error. */
  accepted: boolean;
  issues: Issue[];
}

export function severityOf(finding: Finding, profile: Profile): Severity {
  switch (finding.level) {
    case 'advisory':
      return 'info';
    case 'should':
      return profile === 'strict' ? 'error' : 'warning';
    case 'must':
      return finding.leniency !== undefined && profile === 'standard' ? 'warning' : 'error';
  }
}
