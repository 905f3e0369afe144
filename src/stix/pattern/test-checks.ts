/** Pattern rules (docs/validation.md#pattern-rules) on one comparison or EXISTS test: its object path and literals. */
import type { Finding } from '../issues';
import { calendarProblem, splitTimestamp } from '../timestamp';
import type { ComparisonTest, ExistsTest, Literal, ObjectPath, PathStep, TimestampLiteral } from './ast';
import { patternFinding } from './errors';
import { quote } from './format';
import { hashAlgorithm, hashForm, isHashValue } from './hash-forms';
import { isPropertyName, isTypeName } from './names';
import { isAddressOrCidr, regexProblem } from './operands';
import { isUnknownScoProperty } from './sco-properties';

export function checkTest(test: ComparisonTest | ExistsTest, out: Finding[]): void {
  checkPath(test.path, out);
  if (test.kind === 'exists') return;
  const literals: Literal[] = Array.isArray(test.value) ? test.value : [test.value];
  for (const literal of literals) if (literal.kind === 'timestamp') checkTimestampLiteral(literal, out);
  switch (test.operator) {
    case '=':
    case '==':
    case '!=':
    case '<>':
    case 'IN':
      checkHashLiterals(test.path, literals, out);
      break;
    case 'ISSUBSET':
    case 'ISSUPERSET':
      if (!isAddressOrCidr(test.value.value)) {
        const message = `${test.operator} expects an address or CIDR block, got ${quote(test.value.value)}`;
        out.push(patternFinding('pattern-cidr-operand', 'should', message, test.value.position));
      }
      break;
    case 'MATCHES': {
      const problem = regexProblem(test.value.value);
      if (problem !== null) {
        const message = `MATCHES operand ${quote(test.value.value)} does not compile as a JavaScript regex (${problem})`;
        out.push(patternFinding('pattern-regex-unverified', 'advisory', message, test.value.position));
      }
      break;
    }
    default:
      break;
  }
}

function checkPath(path: ObjectPath, out: Finding[]): void {
  if (!isTypeName(path.objectType)) {
    const message = `object type ${quote(path.objectType)} is not a valid type name`;
    out.push(patternFinding('pattern-object-type', 'must', message, path.objectTypePosition));
  }
  const first = path.steps[0];
  if (first?.kind === 'property') {
    if (!isPropertyName(first.name)) {
      out.push(patternFinding('pattern-property-name', 'must', `${quote(first.name)} is not a valid property name`, first.position));
    } else if (!first.name.startsWith('x_') && isUnknownScoProperty(path.objectType, first.name)) {
      // Custom x_ properties are legal on SCOs (docs/validation.md#properties), so only other names draw the advisory.
      const message = `${quote(first.name)} is not a property of ${path.objectType}`;
      out.push(patternFinding('pattern-unknown-property', 'advisory', message, first.position));
    }
  }
  for (const step of path.steps) {
    // The grammar's int admits a sign; Accord accepts no '-' at all, `-0` included (docs/validation.md#pattern-rules).
    if (step.kind === 'index' && step.index.startsWith('-')) {
      const message = `list index ${quote(step.index)} must be a non-negative integer or *`;
      out.push(patternFinding('pattern-list-index', 'must', message, step.position));
    }
  }
}

/** `t'…'` literals pass the timestamp calendar check (docs/validation.md#pattern-rules). */
export function checkTimestampLiteral(literal: TimestampLiteral, out: Finding[]): void {
  if (!isRealInstant(literal.value)) {
    out.push(patternFinding('pattern-timestamp-literal', 'must', `${quote(literal.value)} is not a real UTC instant`, literal.position));
  }
}

export function isRealInstant(value: string): boolean {
  const parts = splitTimestamp(value);
  return parts !== null && calendarProblem(parts) === null;
}

/** A `hashes.<known algorithm>` path takes that algorithm's value form (docs/validation.md#pattern-rules). */
function checkHashLiterals(path: ObjectPath, literals: Literal[], out: Finding[]): void {
  const algorithm = hashPathAlgorithm(path.steps);
  if (algorithm === null) return;
  for (const literal of literals) {
    const text = literal.kind === 'string' || literal.kind === 'hex' ? literal.value : null;
    if (text !== null && isHashValue(algorithm, text)) continue;
    const shown = quote(text ?? literal.raw);
    const message = `${algorithm} literal ${shown} is malformed (expected ${hashForm(algorithm)})`;
    out.push(patternFinding('pattern-hash-literal', 'must', message, literal.position));
  }
}

/** The algorithm when the path ends in `hashes.<algorithm>`, else null. */
function hashPathAlgorithm(steps: PathStep[]): string | null {
  const n = steps.length;
  if (n < 2) return null;
  const holder = steps[n - 2];
  const last = steps[n - 1];
  if (holder?.kind !== 'property' || holder.name !== 'hashes' || last?.kind !== 'property') return null;
  return hashAlgorithm(last.name);
}
