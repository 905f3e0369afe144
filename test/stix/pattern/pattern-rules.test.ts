import type { Finding, RuleLevel } from '../../../src/stix/issues';
import { checkPattern } from '../../../src/stix/pattern';

/** A finding at column `column` of line 1, where offset is column - 1 (ASCII patterns). */
function at(rule: string, level: RuleLevel, message: string, column: number, leniency?: string): Finding {
  const finding: Finding = { rule, level, pointer: '/pattern', message, position: { offset: column - 1, line: 1, column } };
  if (leniency) finding.leniency = leniency;
  return finding;
}

const MIXED = 'lenient-mixed-type-and';
const START = "t'2016-01-01T00:00:00Z'";
const STOP = "t'2016-01-02T00:00:00Z'";

/** Parsed patterns that break a §4.3 rule: each row lists every finding expected. */
const RULES: Array<[string, string, Finding[]]> = [
  ['the object type is capitalised', "[File:name = 'a']", [at('pattern-object-type', 'must', "object type 'File' is not a valid type name", 2)]],
  ['the object type has an underscore', '[x_whatever:detected = 1]', [at('pattern-object-type', 'must', "object type 'x_whatever' is not a valid type name", 2)]],
  ['the object type ends in a hyphen', "[ipv4-:value = '1.2.3.4']", [at('pattern-object-type', 'must', "object type 'ipv4-' is not a valid type name", 2)]],
  ['the object type has an empty hyphen group', '[ip--v4:value = 1]', [at('pattern-object-type', 'must', "object type 'ip--v4' is not a valid type name", 2)]],
  ['a keyword stands for the object type', "[AND:value = 'a']", [at('pattern-object-type', 'must', "object type 'AND' is not a valid type name", 2)]],
  ['the first step is a quoted name with a hyphen', "[file:'na-me' = 'a']", [at('pattern-property-name', 'must', "'na-me' is not a valid property name", 7)]],
  ['the first step starts with an underscore', "[file:_name = 'a']", [at('pattern-property-name', 'must', "'_name' is not a valid property name", 7)]],
  ['the first step has two characters', "[file:nm = 'a']", [at('pattern-property-name', 'must', "'nm' is not a valid property name", 7)]],
  [
    'a list index is negative',
    "[email-message:body_multipart[-1].body = 'a']",
    [at('pattern-list-index', 'must', "list index '-1' must be a non-negative integer or *", 30)],
  ],
  [
    'a list index is minus zero',
    "[file:extensions.'windows-pebinary-ext'.sections[-0].entropy > 7.0]",
    [at('pattern-list-index', 'must', "list index '-0' must be a non-negative integer or *", 49)],
  ],
  [
    'an AND inside brackets joins two SCO types',
    "[ipv4-addr:value = '198.51.100.1' AND network-traffic:dst_port = 443]",
    [at('pattern-single-type-and', 'must', 'no single object type satisfies this AND (ipv4-addr, network-traffic)', 35, MIXED)],
  ],
  [
    'an OR of two types is ANDed with a third',
    "[(file:name = 'a' OR url:value = 'b') AND mutex:name = 'm']",
    [at('pattern-single-type-and', 'must', 'no single object type satisfies this AND (file, url, mutex)', 39, MIXED)],
  ],
  [
    'the second of two ANDs empties the type set',
    "[file:name = 'a' AND file:size = 1 AND url:value = 'u']",
    [at('pattern-single-type-and', 'must', 'no single object type satisfies this AND (file, url)', 36, MIXED)],
  ],
  [
    'WITHIN appears twice on one unit',
    "[file:name = 'a'] WITHIN 5 SECONDS WITHIN 6 SECONDS",
    [at('pattern-qualifier-repeated', 'must', 'two WITHIN qualifiers on one observation expression', 36)],
  ],
  [
    'REPEATS appears twice on one parenthesised unit',
    "([file:name = 'a']) REPEATS 2 TIMES REPEATS 3 TIMES",
    [at('pattern-qualifier-repeated', 'must', 'two REPEATS qualifiers on one observation expression', 37)],
  ],
  [
    'START…STOP appears twice on one unit',
    `[file:name = 'a'] START ${START} STOP ${STOP} START ${START} STOP ${STOP}`,
    [at('pattern-qualifier-repeated', 'must', 'two START/STOP qualifiers on one observation expression', 78)],
  ],
  ['WITHIN is zero', "[file:name = 'a'] WITHIN 0 SECONDS", [at('pattern-qualifier-positive', 'must', 'WITHIN needs a value greater than 0', 26)]],
  ['WITHIN is negative', "[file:name = 'a'] WITHIN -5 SECONDS", [at('pattern-qualifier-positive', 'must', 'WITHIN needs a value greater than 0', 26)]],
  ['WITHIN is a zero float', "[file:name = 'a'] WITHIN 0.0 SECONDS", [at('pattern-qualifier-positive', 'must', 'WITHIN needs a value greater than 0', 26)]],
  ['REPEATS is zero', "[file:name = 'a'] REPEATS 0 TIMES", [at('pattern-qualifier-positive', 'must', 'REPEATS needs a value greater than 0', 27)]],
  [
    'STOP precedes START',
    `[file:name = 'a'] START ${STOP} STOP ${START}`,
    [at('pattern-start-before-stop', 'should', 'STOP 2016-01-01T00:00:00Z should be later than START 2016-01-02T00:00:00Z', 19)],
  ],
  [
    'STOP equals START written with other fraction digits',
    "[file:name = 'a'] START t'2016-01-01T00:00:00.5Z' STOP t'2016-01-01T00:00:00.500Z'",
    [at('pattern-start-before-stop', 'should', 'STOP 2016-01-01T00:00:00.500Z should be later than START 2016-01-01T00:00:00.5Z', 19)],
  ],
  [
    'a SHA-256 literal is too short',
    "[file:hashes.'SHA-256' = 'f00']",
    [at('pattern-hash-literal', 'must', "SHA-256 literal 'f00' is malformed (expected 64 hex digits)", 26)],
  ],
  [
    'a lower-case md5 literal is not hex',
    `[file:hashes.md5 = '${'z'.repeat(32)}']`,
    [at('pattern-hash-literal', 'must', `MD5 literal '${'z'.repeat(32)}' is malformed (expected 32 hex digits)`, 20)],
  ],
  [
    'one literal of a SHA-1 IN list is malformed',
    `[file:hashes.'SHA-1' IN ('${'a'.repeat(40)}', 'nope')]`,
    [at('pattern-hash-literal', 'must', "SHA-1 literal 'nope' is malformed (expected 40 hex digits)", 70)],
  ],
  [
    'an SSDEEP literal holds a space',
    "[file:hashes.ssdeep = '3:abc def']",
    [at('pattern-hash-literal', 'must', "SSDEEP literal '3:abc def' is malformed (expected 1-128 of A-Z, a-z, 0-9, /, +, :, .)", 23)],
  ],
  [
    'an MD5 is compared with an int',
    '[file:hashes.MD5 = 5]',
    [at('pattern-hash-literal', 'must', "MD5 literal '5' is malformed (expected 32 hex digits)", 20)],
  ],
  [
    'a timestamp literal is February 30',
    "[file:ctime = t'2016-02-30T00:00:00Z']",
    [at('pattern-timestamp-literal', 'must', "'2016-02-30T00:00:00Z' is not a real UTC instant", 15)],
  ],
  [
    'a timestamp literal has a leap second before 23:59',
    "[file:ctime = t'2016-06-01T12:00:60Z']",
    [at('pattern-timestamp-literal', 'must', "'2016-06-01T12:00:60Z' is not a real UTC instant", 15)],
  ],
  [
    'a timestamp literal has 33 fraction digits',
    `[file:ctime = t'2016-06-01T12:00:00.${'1'.repeat(33)}Z']`,
    [at('pattern-timestamp-literal', 'must', `'2016-06-01T12:00:00.${'1'.repeat(33)}Z' is not a real UTC instant`, 15)],
  ],
  [
    'START has month 13, so START and STOP are not compared',
    "[file:name = 'a'] START t'2016-13-01T00:00:00Z' STOP t'2016-12-01T00:00:00Z'",
    [at('pattern-timestamp-literal', 'must', "'2016-13-01T00:00:00Z' is not a real UTC instant", 25)],
  ],
  [
    'ISSUBSET takes a domain name',
    "[ipv4-addr:value ISSUBSET 'example.com']",
    [at('pattern-cidr-operand', 'should', "ISSUBSET expects an address or CIDR block, got 'example.com'", 27)],
  ],
  [
    'ISSUBSET takes an IPv4 prefix of 33',
    "[ipv4-addr:value ISSUBSET '10.0.0.0/33']",
    [at('pattern-cidr-operand', 'should', "ISSUBSET expects an address or CIDR block, got '10.0.0.0/33'", 27)],
  ],
  [
    'ISSUBSET takes a prefix with a leading zero',
    "[ipv4-addr:value ISSUBSET '10.0.0.0/08']",
    [at('pattern-cidr-operand', 'should', "ISSUBSET expects an address or CIDR block, got '10.0.0.0/08'", 27)],
  ],
  [
    'ISSUPERSET takes an IPv6 prefix of 129',
    "[ipv6-addr:value ISSUPERSET '2001:db8::/129']",
    [at('pattern-cidr-operand', 'should', "ISSUPERSET expects an address or CIDR block, got '2001:db8::/129'", 29)],
  ],
  [
    'a path names a STIX 2.0 file property',
    "[file:file_name = 'a']",
    [at('pattern-unknown-property', 'advisory', "'file_name' is not a property of file", 7)],
  ],
  [
    'a path names process:name, which STIX 2.1 dropped',
    "[process:name = 'a']",
    [at('pattern-unknown-property', 'advisory', "'name' is not a property of process", 10)],
  ],
  [
    'a MATCHES operand uses a PCRE inline flag',
    "[file:name MATCHES '(?i)invoice']",
    [at('pattern-regex-unverified', 'advisory', "MATCHES operand '(?i)invoice' does not compile as a JavaScript regex (Invalid group)", 20)],
  ],
  [
    'a MATCHES operand leaves a group open',
    "[file:name MATCHES '(abc']",
    [at('pattern-regex-unverified', 'advisory', "MATCHES operand '(abc' does not compile as a JavaScript regex (Unterminated group)", 20)],
  ],
];

describe('checkPattern on §4.3 rule violations', () => {
  it.each(RULES)('when %s, then exactly the expected findings are reported', (_name, pattern, expected) => {
    expect(checkPattern(pattern)).toEqual(expected);
  });

  it('when several rules fail in one pattern, then findings come in order of position', () => {
    const findings = checkPattern("[x_bad:'bad-name' = 1 AND file:hashes.MD5 = 'x'] WITHIN 0 SECONDS");
    expect(findings.map((f) => [f.rule, f.position?.offset])).toEqual([
      ['pattern-object-type', 1],
      ['pattern-property-name', 7],
      ['pattern-single-type-and', 22],
      ['pattern-hash-literal', 44],
      ['pattern-qualifier-positive', 56],
    ]);
  });

  it('when an AND of two types sits between observations, then pattern-single-type-and stays silent', () => {
    expect(checkPattern("[ipv4-addr:value = '198.51.100.1'] AND [network-traffic:dst_port = 443]")).toEqual([]);
  });

  it('when one AND mixes types inside a larger AND, then it is reported once', () => {
    const findings = checkPattern("[(file:name = 'a' AND url:value = 'b') AND file:size = 1]");
    expect(findings.map((f) => f.rule)).toEqual(['pattern-single-type-and']);
  });

  it('when the same hash path uses LIKE, then the literal is not checked as a hash', () => {
    expect(checkPattern("[file:hashes.MD5 LIKE 'abc%']")).toEqual([]);
  });

  it('when a MATCHES regex would backtrack catastrophically, then it is only compiled and accepted', () => {
    expect(checkPattern(`[file:name MATCHES '^(a+)+$'] AND [file:name = '${'a'.repeat(40)}!']`)).toEqual([]);
  });

  it('when a MATCHES operand exceeds the compile cap, then it is reported as unverified without compiling', () => {
    const findings = checkPattern(`[file:name MATCHES '${'a'.repeat(4097)}']`);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.rule).toBe('pattern-regex-unverified');
    expect(findings[0]?.message).toBe(
      `MATCHES operand '${'a'.repeat(80)}…' does not compile as a JavaScript regex (longer than 4096 characters, not compiled)`,
    );
  });
});
