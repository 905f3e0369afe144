import type { Issue, ObjectVerdict } from '../../src/stix/issues';
import { formatVerdictMessage, MAX_MESSAGE_LENGTH } from '../../src/stix/messages';
import { T, variant } from './fixtures/objects';
import { judge } from './helpers';

function verdict(issues: Issue[]): ObjectVerdict {
  return { index: 0, id: 'x', version: '', accepted: !issues.some((i) => i.severity === 'error'), issues };
}

describe('formatVerdictMessage', () => {
  test('when a verdict is clean, then there is no message', () => {
    expect(formatVerdictMessage(judge(variant('tool')))).toBeUndefined();
  });

  test('when a verdict has an error and a warning, then the message matches docs/validation.md#messages', () => {
    const obj = variant('network-traffic', { protocols: ['TCP'], is_active: true, end: T });
    expect(formatVerdictMessage(judge(obj))).toBe(
      "1 error, 1 warning: [network-traffic-active-no-end] /end: end is not allowed while is_active is true; " +
        "[protocols-lowercase] /protocols/0: protocol 'TCP' should be a lower-case IANA name",
    );
  });

  test('when an issue points at the object itself, then the pointer is written /', () => {
    const message = formatVerdictMessage(judge(variant('attack-pattern', { name: undefined })));
    expect(message).toBe("1 error: [required-property] /: required property 'name' is missing");
  });

  test('when several required properties are missing, then one issue names them all', () => {
    const message = formatVerdictMessage(judge(variant('malware', { created: undefined, modified: undefined, is_family: undefined })));
    expect(message).toBe("1 error: [required-property] /: required properties 'created', 'modified', 'is_family' are missing");
  });

  test('when a pointer is huge (a megabyte-long dictionary key), then it is shortened and the rule and text still show', () => {
    const key = `${'a'.repeat(100_000)} `;
    const message = formatVerdictMessage(judge(variant('process', { environment_variables: { [key]: 'x' } }))) as string;
    expect(message).toMatch(/^1 error: \[dictionary-key\] \/environment_variables\/a{100,}…: /);
    expect(message.length).toBeLessThan(1300);
  });

  test('when a timestamp has more fraction digits than Accord keeps, then the message says the bound', () => {
    const message = formatVerdictMessage(judge(variant('attack-pattern', { created: `2026-01-01T00:00:00.${'1'.repeat(33)}Z` })));
    expect(message).toContain('[timestamp-format] /created:');
    expect(message).toContain('with at most 32 fraction digits');
  });

  test('when counts are plural, then the header says so', () => {
    const issues: Issue[] = [
      { rule: 'a', severity: 'error', pointer: '/a', message: 'x' },
      { rule: 'b', severity: 'error', pointer: '/b', message: 'x' },
      { rule: 'c', severity: 'info', pointer: '/c', message: 'x' },
    ];
    expect(formatVerdictMessage(verdict(issues))).toMatch(/^2 errors, 1 info: /);
  });

  test('when issues exceed 4,096 characters, then the message is cut with a count of the rest', () => {
    const issues: Issue[] = Array.from({ length: 200 }, (_, i) => ({ rule: 'custom-property-name', severity: 'error', pointer: `/X${i}`, message: 'm'.repeat(60) }));
    const message = formatVerdictMessage(verdict(issues)) as string;
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    const more = /… \(\+(\d+) more\)$/.exec(message);
    expect(more).not.toBeNull();
    const shown = message.split('; ').length;
    expect(shown + Number(more?.[1])).toBe(200);
  });

  test('when a value is long, then the message quotes only its first 80 characters', () => {
    const long = `https://example.com/${'a'.repeat(200)} b`;
    const issue = judge(variant('url', { value: long })).issues[0];
    expect(issue?.message).toBe(`'${long.slice(0, 80)}…' is not an RFC 3986 URI: space at 220 is not allowed in the path`);
  });
});
