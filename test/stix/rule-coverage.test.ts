import { RULE_LEVELS } from '../../src/stix/rules';
import { INVALID_CASES } from './fixtures/invalid-cases';
import { INVALID_PATTERNS } from './fixtures/pattern-cases';
import { VALID_CASES } from './fixtures/valid-cases';

describe('rule coverage of the tables', () => {
  const covered = new Set([...INVALID_CASES.map((c) => c.rule), ...INVALID_PATTERNS.map((c) => c.rule)]);

  test('when the catalogue is listed, then it holds 112 rules and 14 advisories (docs/validation.md#rule-catalogue)', () => {
    const levels = Object.values(RULE_LEVELS);
    expect(levels.filter((l) => l !== 'advisory')).toHaveLength(112);
    expect(levels.filter((l) => l === 'advisory')).toHaveLength(14);
  });

  test('when the invalid tables are read, then every MUST and SHOULD rule has a case', () => {
    const missing = Object.entries(RULE_LEVELS)
      .filter(([rule, level]) => level !== 'advisory' && !covered.has(rule))
      .map(([rule]) => rule);
    expect(missing).toEqual([]);
  });

  test('when the tables are counted, then there are at least 80 invalid objects, 20 bad patterns and 30 valid objects', () => {
    expect(INVALID_CASES.length + INVALID_PATTERNS.length).toBeGreaterThanOrEqual(80);
    expect(INVALID_PATTERNS.length).toBeGreaterThanOrEqual(20);
    expect(VALID_CASES.length).toBeGreaterThanOrEqual(30);
  });

  test('when the invalid tables are read, then every object family is represented', () => {
    expect(new Set(INVALID_CASES.map((c) => c.family))).toEqual(new Set(['any', 'sdo', 'sro', 'sco', 'meta', 'custom', 'bundle']));
  });
});
