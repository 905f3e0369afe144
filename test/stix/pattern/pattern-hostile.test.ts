import { checkPattern, MAX_NESTING, MAX_PATTERN_BYTES } from '../../../src/stix/pattern';

/** `[file:name = '<filler>']` padded with ASCII to exactly `bytes` UTF-8 bytes. */
function patternOfBytes(bytes: number): string {
  const frame = "[file:name = '']";
  return `[file:name = '${'a'.repeat(bytes - frame.length)}']`;
}

const LIMIT_64K = { rule: 'pattern-limits', level: 'must', pointer: '/pattern', message: 'pattern exceeds 64 KiB' };

function nestingFinding(offset: number) {
  return {
    rule: 'pattern-limits',
    level: 'must',
    pointer: '/pattern',
    message: 'pattern exceeds 100 nesting levels',
    position: { offset, line: 1, column: offset + 1 },
  };
}

describe('checkPattern on hostile input (docs/validation.md#redos; outcomes, not timings)', () => {
  it('when a pattern is exactly 64 KiB, then it is parsed and valid', () => {
    const pattern = patternOfBytes(MAX_PATTERN_BYTES);
    expect(pattern.length).toBe(65536);
    expect(checkPattern(pattern)).toEqual([]);
  });

  it('when a pattern is 64 KiB + 1 byte, then pattern-limits rejects it before parsing', () => {
    expect(checkPattern(patternOfBytes(MAX_PATTERN_BYTES + 1))).toEqual([LIMIT_64K]);
  });

  it('when a pattern of 64 KiB + 1 bytes is unparseable too, then only the size is reported', () => {
    expect(checkPattern('('.repeat(MAX_PATTERN_BYTES + 1))).toEqual([LIMIT_64K]);
  });

  it('when two-byte characters push a shorter string past 64 KiB of UTF-8, then pattern-limits rejects it', () => {
    const pattern = `[file:name = '${'é'.repeat(32_761)}']`;
    expect(pattern.length).toBeLessThan(MAX_PATTERN_BYTES);
    expect(checkPattern(pattern)).toEqual([LIMIT_64K]);
  });

  it('when 10,000 parentheses nest an observation, then pattern-limits stops at level 101', () => {
    const pattern = `${'('.repeat(10_000)}[file:name = 'a']${')'.repeat(10_000)}`;
    expect(checkPattern(pattern)).toEqual([nestingFinding(MAX_NESTING)]);
  });

  it('when 10,000 parentheses nest a comparison inside brackets, then pattern-limits stops at level 101', () => {
    const pattern = `[${'('.repeat(10_000)}file:name = 'a'${')'.repeat(10_000)}]`;
    expect(checkPattern(pattern)).toEqual([nestingFinding(MAX_NESTING)]);
  });

  it('when 10,000 parentheses are never closed, then pattern-limits is reported, not a syntax error', () => {
    expect(checkPattern('('.repeat(10_000))).toEqual([nestingFinding(MAX_NESTING)]);
  });

  it('when nesting is 101 levels, then pattern-limits reports the opening that exceeds it', () => {
    const pattern = `${'('.repeat(100)}[file:name = 'a']${')'.repeat(100)}`;
    expect(checkPattern(pattern)).toEqual([nestingFinding(100)]);
  });

  it('when 2,500 observations are chained by AND, then the chain parses without deep recursion', () => {
    const pattern = Array.from({ length: 2500 }, () => "[file:name = 'a']").join(' AND ');
    expect(checkPattern(pattern)).toEqual([]);
  });

  it('when 3,000 comparisons of alternating types are ANDed, then one single-type finding is reported', () => {
    const tests = Array.from({ length: 3000 }, (_, i) => (i % 2 === 0 ? "file:name = 'a'" : "url:value = 'b'"));
    const findings = checkPattern(`[${tests.join(' AND ')}]`);
    expect(findings.map((f) => [f.rule, f.message])).toEqual([
      ['pattern-single-type-and', 'no single object type satisfies this AND (file, url)'],
    ]);
  });

  it('when a near-miss type name of 20,000 characters fails on its last character, then pattern-object-type reports it cut to 80', () => {
    const type = `${'a-'.repeat(10_000)}!`.slice(0, -1);
    const findings = checkPattern(`[${type}:name = 'x']`);
    expect(findings).toEqual([
      {
        rule: 'pattern-object-type',
        level: 'must',
        pointer: '/pattern',
        message: `object type '${'a-'.repeat(40)}…' is not a valid type name`,
        position: { offset: 1, line: 1, column: 2 },
      },
    ]);
  });

  it('when a 60,000-character string is never closed, then the syntax error is at its end', () => {
    const pattern = `[file:name = '${'a'.repeat(60_000)}`;
    const [finding] = checkPattern(pattern);
    expect(finding?.rule).toBe('pattern-syntax');
    expect(finding?.position).toEqual({ offset: pattern.length, line: 1, column: pattern.length + 1 });
  });

  it('when block-comment openers repeat 30,000 times, then the first stray * is a syntax error', () => {
    const [finding] = checkPattern('/*'.repeat(30_000));
    expect(finding?.message).toBe("syntax error at 1:6: expected '(', '[', found '*'");
  });

  it('when 60,000 lines are blank, then the line count reaches the end', () => {
    const [finding] = checkPattern('\n'.repeat(60_000));
    expect(finding?.position).toEqual({ offset: 60_000, line: 60_001, column: 1 });
  });

  it('when an IN list holds 10,000 values, then it is parsed and valid', () => {
    expect(checkPattern(`[file:size IN (${Array.from({ length: 10_000 }, (_, i) => i).join(',')})]`)).toEqual([]);
  });
});
