/**
 * The pattern rules (docs/validation.md#pattern-rules) over a parsed pattern. The walk
 * recurses only where the parser did (brackets and parentheses), so its depth is
 * bounded by MAX_NESTING.
 */
import type { Finding } from '../issues';
import { compareTimestamps } from '../timestamp';
import type { ComparisonExpression, ObservationExpression, PatternAst, Qualifier } from './ast';
import { patternFinding } from './errors';
import { checkTest, checkTimestampLiteral, isRealInstant } from './test-checks';

/** Findings of every pattern rule, in order of position in the pattern. */
export function applyPatternRules(ast: PatternAst): Finding[] {
  const out: Finding[] = [];
  walkObservation(ast, out);
  return out.sort((a, b) => (a.position?.offset ?? -1) - (b.position?.offset ?? -1));
}

function walkObservation(expr: ObservationExpression, out: Finding[]): void {
  switch (expr.kind) {
    case 'obs-and':
    case 'obs-or':
    case 'obs-followedby':
      for (const operand of expr.operands) walkObservation(operand, out);
      return;
    case 'observation':
      walkComparison(expr.comparison, out);
      objectTypes(expr.comparison, out);
      checkQualifiers(expr.qualifiers, out);
      return;
    case 'group':
      walkObservation(expr.body, out);
      checkQualifiers(expr.qualifiers, out);
      return;
  }
}

function walkComparison(expr: ComparisonExpression, out: Finding[]): void {
  if (expr.kind === 'comparison' || expr.kind === 'exists') {
    checkTest(expr, out);
  } else {
    for (const operand of expr.operands) walkComparison(operand, out);
  }
}

/**
 * One type per observation (STIX 2.1 §9.5, oasis-tcs/cti-stix2#235): a test yields
 * its type, OR the union, AND the intersection. An AND whose operands each have
 * types but share none is reported once; the empty set then propagates silently.
 */
function objectTypes(expr: ComparisonExpression, out: Finding[]): Set<string> {
  if (expr.kind === 'comparison' || expr.kind === 'exists') return new Set([expr.path.objectType]);
  const sets = expr.operands.map((operand) => objectTypes(operand, out));
  if (expr.kind === 'cmp-or') return new Set(sets.flatMap((s) => [...s]));
  if (sets.some((s) => s.size === 0)) return new Set();
  let common = sets[0] ?? new Set<string>();
  for (let i = 1; i < sets.length; i++) {
    const next = sets[i] ?? new Set<string>();
    common = new Set([...common].filter((t) => next.has(t)));
    if (common.size === 0) {
      const types = [...new Set(sets.flatMap((s) => [...s]))].join(', ');
      const finding = patternFinding(
        'pattern-single-type-and',
        'must',
        `no single object type satisfies this AND (${types})`,
        expr.operators[i - 1],
      );
      // docs/validation.md#leniencies: vendors pair SCO types inside one observation; standard downgrades this.
      finding.leniency = 'lenient-mixed-type-and';
      out.push(finding);
      return common;
    }
  }
  return common;
}

const QUALIFIER_NAME: Record<Qualifier['kind'], string> = {
  within: 'WITHIN',
  repeats: 'REPEATS',
  startstop: 'START/STOP',
};

/** One qualifier of each kind per unit, positive WITHIN/REPEATS, START before STOP. */
function checkQualifiers(qualifiers: Qualifier[], out: Finding[]): void {
  const seen = new Map<Qualifier['kind'], number>();
  for (const q of qualifiers) {
    const count = (seen.get(q.kind) ?? 0) + 1;
    seen.set(q.kind, count);
    const name = QUALIFIER_NAME[q.kind];
    if (count === 2) {
      const message = `two ${name} qualifiers on one observation expression`;
      out.push(patternFinding('pattern-qualifier-repeated', 'must', message, q.position));
    }
    if (q.kind === 'startstop') {
      checkTimestampLiteral(q.start, out);
      checkTimestampLiteral(q.stop, out);
      const comparable = isRealInstant(q.start.value) && isRealInstant(q.stop.value);
      if (comparable && compareTimestamps(q.stop.value, q.start.value) <= 0) {
        const message = `STOP ${q.stop.value} should be later than START ${q.start.value}`;
        out.push(patternFinding('pattern-start-before-stop', 'should', message, q.position));
      }
    } else if (!(q.value.value > 0)) {
      out.push(patternFinding('pattern-qualifier-positive', 'must', `${name} needs a value greater than 0`, q.value.position));
    }
  }
}
