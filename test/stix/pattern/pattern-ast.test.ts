import {
  parsePattern,
  type ComparisonExpression,
  type Literal,
  type ObservationExpression,
  type PatternAst,
} from '../../../src/stix/pattern';

function parse(pattern: string): PatternAst {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) throw new Error(parsed.finding.message);
  return parsed.ast;
}

/** A compact rendering: chains as `op(a, b)`, brackets as `[…]`, groups as `(…)`, qualifiers after. */
function shape(e: ObservationExpression): string {
  switch (e.kind) {
    case 'obs-and':
    case 'obs-or':
    case 'obs-followedby':
      return `${e.kind.slice(4).toUpperCase()}(${e.operands.map(shape).join(', ')})`;
    case 'observation':
      return `[${cmpShape(e.comparison)}]${e.qualifiers.map((q) => ` ${q.kind}`).join('')}`;
    case 'group':
      return `(${shape(e.body)})${e.qualifiers.map((q) => ` ${q.kind}`).join('')}`;
  }
}

function cmpShape(e: ComparisonExpression): string {
  switch (e.kind) {
    case 'cmp-and':
    case 'cmp-or':
      return `${e.kind.slice(4).toUpperCase()}(${e.operands.map(cmpShape).join(', ')})`;
    case 'exists':
      return `${e.negated ? 'NOT ' : ''}EXISTS ${e.path.objectType}`;
    case 'comparison':
      return `${e.path.steps[0]?.kind === 'property' ? e.path.steps[0].name : '?'}`;
  }
}

function firstTest(pattern: string) {
  const ast = parse(pattern);
  if (ast.kind !== 'observation') throw new Error('not one observation');
  const cmp = ast.comparison;
  if (cmp.kind !== 'comparison') throw new Error('not one comparison');
  return cmp;
}

function literalOf(pattern: string): Literal | Literal[] {
  return firstTest(pattern).value;
}

describe('parsePattern tree shape', () => {
  it.each([
    ['AND binds tighter than OR between observations', '[a:a=1] OR [b:b=1] AND [c:c=1]', 'OR([a], AND([b], [c]))'],
    ['OR binds tighter than FOLLOWEDBY', '[a:a=1] FOLLOWEDBY [b:b=1] OR [c:c=1]', 'FOLLOWEDBY([a], OR([b], [c]))'],
    ['a chain keeps its operands in order', '[a:a=1] FOLLOWEDBY [b:b=1] FOLLOWEDBY [c:c=1]', 'FOLLOWEDBY([a], [b], [c])'],
    ['parentheses override precedence', '([a:a=1] OR [b:b=1]) AND [c:c=1]', 'AND((OR([a], [b])), [c])'],
    ['a qualifier binds to the unit before it', '[a:a=1] AND [b:b=1] WITHIN 5 SECONDS', 'AND([a], [b] within)'],
    ['a qualifier after parentheses binds to the group', '([a:a=1] AND [b:b=1]) WITHIN 5 SECONDS', '(AND([a], [b])) within'],
    ['qualifiers stack in order', '[a:a=1] REPEATS 2 TIMES WITHIN 5 SECONDS', '[a] repeats within'],
    ['AND binds tighter than OR inside brackets', '[a:a=1 OR a:b=1 AND a:c=1]', '[OR(a, AND(b, c))]'],
    ['parentheses group comparisons', '[(a:a=1 OR a:b=1) AND a:c=1]', '[AND(OR(a, b), c)]'],
    ['NOT EXISTS is one test', '[NOT EXISTS file:name AND EXISTS url:value]', '[AND(NOT EXISTS file, EXISTS url)]'],
  ])('when %s, then the tree is as expected', (_name, pattern, expected) => {
    expect(shape(parse(pattern))).toBe(expected);
  });

  it('when a path has quoted, list and star steps, then each step is kept', () => {
    const test = firstTest("[file:extensions.'windows-pebinary-ext'.sections[2].hashes[*] = 'a']");
    expect(test.path.objectType).toBe('file');
    expect(test.path.steps.map((s) => (s.kind === 'property' ? `${s.name}${s.quoted ? "'" : ''}` : `[${s.index}]`))).toEqual([
      'extensions',
      "windows-pebinary-ext'",
      'sections',
      '[2]',
      'hashes',
      '[*]',
    ]);
  });

  it('when a test is negated, then the operator and the negation are recorded', () => {
    const test = firstTest("[file:name NOT LIKE 'a%']");
    expect([test.operator, test.negated]).toEqual(['LIKE', true]);
  });

  it.each([
    ['an int with a sign', '[a:a = -42]', { kind: 'int', value: -42, raw: '-42' }],
    ['a float with only fraction digits', '[a:a = .25]', { kind: 'float', value: 0.25, raw: '.25' }],
    ['a string with both escapes', String.raw`[a:a = 'it\'s a \\ path']`, { kind: 'string', value: "it's a \\ path", raw: String.raw`'it\'s a \\ path'` }],
    ['a timestamp', "[a:a = t'2020-01-01T00:00:00.5Z']", { kind: 'timestamp', value: '2020-01-01T00:00:00.5Z', raw: "t'2020-01-01T00:00:00.5Z'" }],
    ['a hex literal', "[a:a = h'0aFF']", { kind: 'hex', value: '0aFF', raw: "h'0aFF'" }],
    ['a binary literal', "[a:a = b'YWI=']", { kind: 'binary', value: 'YWI=', raw: "b'YWI='" }],
    ['a boolean', '[a:a = false]', { kind: 'boolean', value: false, raw: 'false' }],
  ])('when the literal is %s, then its kind, value and text are kept', (_name, pattern, expected) => {
    expect(literalOf(pattern)).toMatchObject(expected);
  });

  it('when a literal follows a newline, then its position counts lines and code points', () => {
    const value = literalOf("[a:a =\n  '😀', a:b = 1]".replace(', a:b = 1', ''));
    expect(value).toMatchObject({ position: { offset: 9, line: 2, column: 3 } });
  });

  it('when an IN list has values, then they are kept in order', () => {
    const values = literalOf("[a:a IN (1, 'b', true)]");
    expect(Array.isArray(values) ? values.map((v) => v.kind) : null).toEqual(['int', 'string', 'boolean']);
  });

  it('when START and STOP qualify an observation, then both timestamps are kept', () => {
    const ast = parse("[a:a=1] START t'2020-01-01T00:00:00Z' STOP t'2020-01-02T00:00:00Z'");
    const q = ast.kind === 'observation' ? ast.qualifiers[0] : undefined;
    expect(q?.kind === 'startstop' ? [q.start.value, q.stop.value] : null).toEqual(['2020-01-01T00:00:00Z', '2020-01-02T00:00:00Z']);
  });
});
