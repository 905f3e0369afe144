/** Findings of the parse stage (pattern-syntax and pattern-limits; docs/validation.md#pattern-parser). */
import type { Finding, Position, RuleLevel } from '../issues';

export const PATTERN_POINTER = '/pattern';

/** Ends a parse at its first error. */
export class PatternError extends Error {
  constructor(readonly finding: Finding) {
    super(finding.message);
    this.name = 'PatternError';
  }
}

export function patternFinding(rule: string, level: RuleLevel, message: string, position?: Position): Finding {
  const finding: Finding = { rule, level, pointer: PATTERN_POINTER, message };
  if (position) finding.position = { ...position };
  return finding;
}

/** `{expected}` is the sorted set of acceptable tokens; `found` is already rendered. */
export function syntaxFinding(position: Position, expected: Iterable<string>, found: string): Finding {
  const labels = [...new Set(expected)].sort();
  const message = `syntax error at ${position.line}:${position.column}: expected ${labels.join(', ')}, found ${found}`;
  return patternFinding('pattern-syntax', 'must', message, position);
}

export function limitsFinding(limit: string, position?: Position): Finding {
  return patternFinding('pattern-limits', 'must', `pattern exceeds ${limit}`, position);
}
