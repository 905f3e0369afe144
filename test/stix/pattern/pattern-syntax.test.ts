import { checkPattern, parsePattern } from '../../../src/stix/pattern';

const ANY_LITERAL = "'false', 'true', binary literal, float literal, hex literal, int literal, string literal, timestamp literal";
const ORDERED_LITERAL = 'binary literal, float literal, hex literal, int literal, string literal, timestamp literal';
const AFTER_OBSERVATION = "'AND', 'FOLLOWEDBY', 'OR', 'REPEATS', 'START', 'WITHIN', end of pattern";

interface SyntaxCase {
  name: string;
  pattern: string;
  /** [line, column, offset] */
  at: [number, number, number];
  expected: string;
  found: string;
}

/** Every case stops at its first error with rule pattern-syntax (docs/validation.md#pattern-parser). */
const SYNTAX: SyntaxCase[] = [
  { name: 'the brackets are missing', pattern: 'file:size = 1280', at: [1, 1, 0], expected: "'(', '['", found: "'file'" },
  { name: 'the pattern is empty', pattern: '', at: [1, 1, 0], expected: "'(', '['", found: 'end of pattern' },
  { name: 'the pattern is only a comment', pattern: '// nothing here', at: [1, 16, 15], expected: "'(', '['", found: 'end of pattern' },
  { name: 'the value is missing', pattern: '[file:size = ]', at: [1, 14, 13], expected: ANY_LITERAL, found: "']'" },
  {
    name: 'a hash is not quoted, the found token is cut to 20 characters',
    pattern: '[file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f]',
    at: [1, 20, 19],
    expected: ANY_LITERAL,
    found: "'cead3f77f6cda6ec00f5…'",
  },
  { name: 'a dot replaces the colon', pattern: '[file.size = 1280]', at: [1, 6, 5], expected: "':'", found: "'.'" },
  { name: 'a regex is written with slashes', pattern: String.raw`[file:name MATCHES /.*\.dll/]`, at: [1, 20, 19], expected: 'string literal', found: "'/'" },
  { name: 'WITHIN has no value', pattern: "[file:name = 'a'] WITHIN ]", at: [1, 26, 25], expected: 'float literal, int literal', found: "']'" },
  { name: 'WITHIN uses HOURS', pattern: "[file:name = 'a'] WITHIN 5 HOURS", at: [1, 28, 27], expected: "'SECONDS'", found: "'HOURS'" },
  { name: 'WITHIN lacks its unit', pattern: "[file:name = 'a'] WITHIN 5", at: [1, 27, 26], expected: "'SECONDS'", found: 'end of pattern' },
  { name: 'REPEATS takes a float', pattern: "[file:name = 'a'] REPEATS 1.5 TIMES", at: [1, 27, 26], expected: 'int literal', found: "'1.5'" },
  {
    name: 'START takes a plain string (the STIX 2.0 form)',
    pattern: "[file:name = 'a'] START '2016-06-01T00:00:00Z' STOP '2016-06-02T00:00:00Z'",
    at: [1, 25, 24],
    expected: 'timestamp literal',
    found: `"'2016-06-01T00:00:00…"`,
  },
  {
    name: 'START has no STOP',
    pattern: "[file:name = 'a'] START t'2016-06-01T00:00:00Z'",
    at: [1, 48, 47],
    expected: "'STOP'",
    found: 'end of pattern',
  },
  { name: 'ISSUBSET has no operand', pattern: '[network-traffic:dst_ref.value ISSUBSET ]', at: [1, 41, 40], expected: 'string literal', found: "']'" },
  { name: 'an operator is =?', pattern: "[file:hashes.MD5 =? 'x']", at: [1, 19, 18], expected: ANY_LITERAL, found: "'?'" },
  { name: 'a lone ! is no operator', pattern: '[file:size ! 5]', at: [1, 12, 11], expected: "'.', '[', comparison operator", found: "'!'" },
  { name: 'NOT is doubled', pattern: "[file:name NOT NOT = 'a']", at: [1, 16, 15], expected: 'comparison operator', found: "'NOT'" },
  { name: 'keywords are lower case', pattern: '[foo:bar=1] within 2 seconds', at: [1, 13, 12], expected: AFTER_OBSERVATION, found: "'within'" },
  { name: 'AND is lower case inside brackets', pattern: "[file:name = 'a' and file:size = 1]", at: [1, 18, 17], expected: "'AND', 'OR', ']'", found: "'and'" },
  { name: 'a boolean is upper case', pattern: '[file:name = TRUE]', at: [1, 14, 13], expected: ANY_LITERAL, found: "'TRUE'" },
  { name: 'an ordering operator takes a boolean', pattern: '[file:size < true]', at: [1, 14, 13], expected: ORDERED_LITERAL, found: "'true'" },
  {
    name: 'a hyphenated property name is not quoted',
    pattern: '[file:extensions.windows-pebinary-ext.sections[*].entropy > 7.0]',
    at: [1, 18, 17],
    expected: 'property name, string literal',
    found: "'windows-pebinary-ext'",
  },
  { name: 'a backslash escapes a letter', pattern: String.raw`[file:name = 'C:\Windows']`, at: [1, 17, 16], expected: "escape \\', escape \\\\", found: String.raw`'\W'` },
  { name: 'a string is not closed', pattern: "[file:name = 'abc", at: [1, 18, 17], expected: `"'"`, found: 'end of pattern' },
  { name: 'a block comment is not closed', pattern: "[file:name = 'a'] /* open", at: [1, 26, 25], expected: "'*/'", found: 'end of pattern' },
  { name: 'an int has a leading zero', pattern: '[file:size = 05]', at: [1, 14, 13], expected: ANY_LITERAL, found: "'05'" },
  { name: 'a float has no digit after the dot', pattern: '[file:size = 1.]', at: [1, 15, 14], expected: "'AND', 'OR', ']'", found: "'.'" },
  {
    name: 'a timestamp has a space for T',
    pattern: "[file:ctime = t'2016-06-01 00:00:00Z']",
    at: [1, 27, 26],
    expected: "'T'",
    found: "' '",
  },
  { name: 'a timestamp lacks Z', pattern: "[file:ctime = t'2016-06-01T00:00:00']", at: [1, 36, 35], expected: "'.', 'Z'", found: `"'"` },
  { name: 'a timestamp fraction is empty', pattern: "[file:ctime = t'2016-06-01T00:00:00.Z']", at: [1, 37, 36], expected: 'digit', found: "'Z'" },
  { name: 'a hex literal has odd length', pattern: "[file:magic_number_hex = h'abc']", at: [1, 31, 30], expected: 'hex digit', found: `"'"` },
  { name: 'a base64 literal is only padding', pattern: "[artifact:payload_bin = b'====']", at: [1, 27, 26], expected: `"'", base64 character`, found: "'='" },
  { name: 'a base64 literal is cut mid-group', pattern: "[artifact:payload_bin = b'YWJjZ']", at: [1, 32, 31], expected: 'base64 character', found: `"'"` },
  { name: 'binary is spelled b64 (not STIX 2.1)', pattern: "[artifact:payload_bin = b64'YWJj']", at: [1, 25, 24], expected: ANY_LITERAL, found: "'b64'" },
  { name: 'AND ends the pattern', pattern: "[file:name = 'a'] AND", at: [1, 22, 21], expected: "'(', '['", found: 'end of pattern' },
  { name: 'a bracket closes twice', pattern: "[file:name = 'a']]", at: [1, 18, 17], expected: AFTER_OBSERVATION, found: "']'" },
  {
    name: 'a parenthesis is not closed',
    pattern: "([file:name = 'a']",
    at: [1, 19, 18],
    expected: "')', 'AND', 'FOLLOWEDBY', 'OR', 'REPEATS', 'START', 'WITHIN'",
    found: 'end of pattern',
  },
  { name: 'the brackets are empty', pattern: '[]', at: [1, 2, 1], expected: "'(', 'EXISTS', 'NOT', object type", found: "']'" },
  { name: 'NOT opens a test without EXISTS', pattern: "[NOT file:name = 'a']", at: [1, 6, 5], expected: "'EXISTS'", found: "'file'" },
  { name: 'the property is missing', pattern: "[file: = 'a']", at: [1, 8, 7], expected: 'property name, string literal', found: "'='" },
  { name: 'a list index is a name', pattern: "[file:name[x] = 'a']", at: [1, 12, 11], expected: "'*', int literal", found: "'x'" },
  { name: 'an IN list ends in a comma', pattern: "[file:name IN ('a',)]", at: [1, 20, 19], expected: ANY_LITERAL, found: "')'" },
  { name: 'an IN list has no parentheses', pattern: "[file:name IN 'a']", at: [1, 15, 14], expected: "'('", found: `"'a'"` },
  {
    name: 'FOLLOWEDBY sits inside brackets',
    pattern: "[file:name = 'a' FOLLOWEDBY file:name = 'b']",
    at: [1, 18, 17],
    expected: "'AND', 'OR', ']'",
    found: "'FOLLOWEDBY'",
  },
  {
    name: 'the error is on line 3 after CR LF and LF',
    pattern: "[file:name = 'a']\r\nAND\n  [file:size = ]",
    at: [3, 16, 38],
    expected: ANY_LITERAL,
    found: "']'",
  },
  {
    name: 'a non-BMP character precedes the error (column in code points, offset in UTF-16 units)',
    pattern: "[file:name = '📄'] AND [file:size = ]",
    at: [1, 36, 36],
    expected: ANY_LITERAL,
    found: "']'",
  },
  { name: 'a control character follows the pattern', pattern: "[file:name = 'a']\u0007", at: [1, 18, 17], expected: AFTER_OBSERVATION, found: "'\\u0007'" },
];

describe('checkPattern on syntax errors', () => {
  it.each(SYNTAX.map((c) => [c.name, c] as const))('when %s, then pattern-syntax reports the position and tokens', (_name, c) => {
    const [line, column, offset] = c.at;
    expect(checkPattern(c.pattern)).toEqual([
      {
        rule: 'pattern-syntax',
        level: 'must',
        pointer: '/pattern',
        message: `syntax error at ${line}:${column}: expected ${c.expected}, found ${c.found}`,
        position: { offset, line, column },
      },
    ]);
  });

  it('when the parse alone fails, then parsePattern returns the same finding and no tree', () => {
    const parsed = parsePattern('[file:size = ]');
    expect(parsed.ok).toBe(false);
    expect(parsed).toEqual({ ok: false, finding: checkPattern('[file:size = ]')[0] });
  });

  it('when a syntax error follows a rule violation, then only the syntax error is reported', () => {
    const findings = checkPattern("[File:name = 'a'] WITHIN 0 SECONDS AND");
    expect(findings.map((f) => f.rule)).toEqual(['pattern-syntax']);
  });
});
