import { publishedTlpObjects } from '../../src/stix/tlp';
import { ALL_VALID } from './fixtures/objects';
import { VALID_CASES } from './fixtures/valid-cases';
import { describeIssues, judge } from './helpers';

describe('valid objects', () => {
  test.each(Object.entries(ALL_VALID))('when a minimal %s is sent, then it is accepted without issues in both profiles', (_type, obj) => {
    expect(describeIssues(judge(obj, 'standard'))).toBe('');
    expect(describeIssues(judge(obj, 'strict'))).toBe('');
  });

  test.each(VALID_CASES)('when $name is sent, then it is accepted', (c) => {
    const verdict = judge(c.obj, 'standard');
    expect(verdict.accepted).toBe(true);
    const warnings = verdict.issues.filter((i) => i.severity !== 'info').map((i) => i.rule);
    // The issue list rides along so that a failure shows it.
    const issues = describeIssues(verdict);
    expect({ warnings, issues }).toEqual({ warnings: c.warnings ?? [], issues });
  });

  test('when the nine published TLP markings Accord seeds are validated, then each is clean under strict', () => {
    const markings = publishedTlpObjects();
    expect(markings).toHaveLength(9);
    for (const marking of markings) expect(describeIssues(judge(marking, 'strict', true))).toBe('');
  });

  test('when an object is validated, then it is not modified', () => {
    for (const c of VALID_CASES) {
      const before = JSON.stringify(c.obj);
      judge(c.obj, 'strict', true);
      expect(JSON.stringify(c.obj)).toBe(before);
    }
  });
});
