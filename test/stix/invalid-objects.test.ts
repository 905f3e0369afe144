import { validateDocument } from '../../src/stix/document';
import { INVALID_CASES } from './fixtures/invalid-cases';
import { INVALID_PATTERNS } from './fixtures/pattern-cases';
import { variant } from './fixtures/objects';
import { describeIssues, judge, validator } from './helpers';

describe('invalid objects', () => {
  test.each(INVALID_CASES.filter((c) => !c.document))('when $family object has $name, then [$rule] at "$pointer" rejects it', (c) => {
    const verdict = judge(c.obj, c.profile ?? 'standard');
    const match = verdict.issues.find((i) => i.rule === c.rule && i.pointer === c.pointer);
    expect(match?.severity ?? describeIssues(verdict)).toBe('error');
    expect(verdict.accepted).toBe(false);
  });

  test.each(INVALID_CASES.filter((c) => c.document))('when a $family document has $name, then [$rule] at "$pointer"', (c) => {
    const result = validateDocument(validator(), c.obj, { profile: c.profile ?? 'standard' });
    const match = result.documentIssues.find((i) => i.rule === c.rule && i.pointer === c.pointer);
    expect(match?.severity).toBe('error');
  });
});

describe('invalid patterns', () => {
  test.each(INVALID_PATTERNS)('when an indicator has $name, then [$rule] at /pattern rejects it', (c) => {
    const verdict = judge(variant('indicator', { pattern: c.pattern }), c.profile ?? 'standard');
    const match = verdict.issues.find((i) => i.rule === c.rule && i.pointer === '/pattern');
    expect(match?.severity ?? describeIssues(verdict)).toBe('error');
    expect(verdict.accepted).toBe(false);
  });

  test('when a pattern has a syntax error, then the issue names its position', () => {
    const verdict = judge(variant('indicator', { pattern: "[file:name = 'a'] AND" }));
    const issue = verdict.issues.find((i) => i.rule === 'pattern-syntax');
    expect(issue?.position).toEqual(expect.objectContaining({ line: 1 }));
    expect(issue?.message).toMatch(/^syntax error at 1:\d+: expected .+, found end of pattern$/);
  });

  test('when pattern_type is not stix, then the pattern is only text', () => {
    for (const patternType of ['sigma', 'yara', 'snort', 'suricata', 'pcre', 'acme-rules']) {
      const verdict = judge(variant('indicator', { pattern_type: patternType, pattern: 'title: not STIX at all [' }));
      expect(verdict.issues).toEqual([]);
    }
  });
});
