import type { ObjectVerdict, Profile } from '../../src/stix/issues';
import { createValidator, type StixValidator } from '../../src/stix/validator';

let shared: StixValidator | undefined;

/** One compiled validator per test file (compiling is start-up work, not per test). */
export function validator(): StixValidator {
  shared ??= createValidator();
  return shared;
}

export function judge(obj: unknown, profile: Profile = 'standard', advice = false): ObjectVerdict {
  return validator().validateObject(obj, { profile, advice });
}

export function describeIssues(verdict: ObjectVerdict): string {
  return verdict.issues.map((i) => `${i.severity} [${i.rule}] ${i.pointer || '/'}: ${i.message}`).join('\n');
}
