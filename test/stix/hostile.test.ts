import { validateDocument } from '../../src/stix/document';
import { ident, nestedLists, sdo, variant } from './fixtures/objects';
import { judge, validator } from './helpers';

/** Outcomes only: these inputs must be rejected (or accepted) promptly, never time out (docs/validation.md#redos). */
describe('hostile inputs', () => {
  const nearMissTypes: Array<[string, string]> = [
    ['a 31-character type failing on its last character', `${'a-'.repeat(15)}!`],
    ['a 40-character type ending in a dash', `${'ab-'.repeat(13)}a-`],
    ['a 60-character type with a double dash at the end', `${'a1-'.repeat(19)}-a`],
    ['a 251-character type', 'a'.repeat(251)],
    ['a 100,000-character type', `x-${'a'.repeat(100000)}`],
  ];

  test.each(nearMissTypes)('when an object has %s, then it is rejected for type-name', (_name, type) => {
    const verdict = judge({ type, spec_version: '2.1', id: `${type}--8e2e2d2b-17d4-4cbf-938f-000000000001`, created: '2020-01-01T00:00:00.000Z' });
    expect(verdict.issues.map((i) => i.rule)).toEqual(['type-name']);
  });

  test('when a type is exactly 250 characters, then it is a legal custom type', () => {
    const type = `x-${'a'.repeat(248)}`;
    const verdict = judge(sdo(type, { id: `${type}--8e2e2d2b-17d4-4cbf-938f-000000000001` }));
    expect(verdict.accepted).toBe(true);
  });

  test.each([
    ['a near-miss -ext key of 41 characters', `${'a-'.repeat(19)}ex`],
    ['a -ext key with an empty group', `${'a-'.repeat(20)}-ext`],
    ['an -ext key of 10,000 characters', `${'a'.repeat(10000)}-ext`],
    ['an extension-definition key with a long tail', `extension-definition--${'a'.repeat(5000)}`],
  ])('when extensions hold %s, then it is rejected for extensions-key', (_name, key) => {
    const verdict = judge(variant('tool', { extensions: { [key]: { extension_type: 'property-extension', rank: 1 } } }));
    expect(verdict.issues.find((i) => i.rule === 'extensions-key')?.severity).toBe('error');
  });

  test('when an object nests 10,000 lists, then it is rejected for object-limits alone', () => {
    const verdict = judge(variant('tool', { x_deep: nestedLists(10000) }));
    expect(verdict.issues.map((i) => i.rule)).toEqual(['object-limits']);
  });

  test('when an object nests 10,000 objects, then it is rejected for object-limits alone', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10000; i++) deep = { x_next: deep };
    const verdict = judge(variant('file', { x_deep: deep }));
    expect(verdict.issues.map((i) => i.rule)).toEqual(['object-limits']);
  });

  test('when a bundle member nests too deeply, then only that member is rejected', () => {
    const doc = { type: 'bundle', id: ident('bundle'), objects: [variant('tool'), variant('malware', { x_deep: nestedLists(200) })] };
    const result = validateDocument(validator(), doc, { profile: 'standard' });
    expect(result.verdicts.map((v) => v.accepted)).toEqual([true, false]);
  });

  test('when a pattern is over 64 KiB, then it is rejected for pattern-limits', () => {
    const verdict = judge(variant('indicator', { pattern: `[file:name = '${'a'.repeat(70000)}']` }));
    expect(verdict.issues.map((i) => i.rule)).toContain('pattern-limits');
  });

  test('when a pattern nests 10,000 parentheses, then it is rejected for pattern-limits', () => {
    const verdict = judge(variant('indicator', { pattern: `${'('.repeat(10000)}[file:name = 'a']${')'.repeat(10000)}` }));
    expect(verdict.issues.map((i) => i.rule)).toContain('pattern-limits');
    expect(verdict.accepted).toBe(false);
  });

  test('when a pattern repeats a near-miss 3,000 times, then it is rejected for pattern-syntax', () => {
    const verdict = judge(variant('indicator', { pattern: `[file:name = 'a'${" OR file:name = 'a'".repeat(3000)} OR]` }));
    expect(verdict.issues.map((i) => i.rule)).toEqual(['pattern-syntax']);
  });

  test.each([
    ['a 1 MB identifier', 'id-format', '/id', { id: `malware--${'a'.repeat(1_000_000)}` }],
    ['a 100,000-character property name', 'custom-property-name', `/x_${'a'.repeat(100000)}`, { [`x_${'a'.repeat(100000)}`]: 1 }],
    ['a 100,000-character lang', 'lang-tag', '/lang', { lang: 'en-'.repeat(33333) }],
    ['a 200,000-character timestamp', 'timestamp-format', '/created', { created: `2016-04-06T20:03:48.${'1'.repeat(200000)}Z` }],
    ['a 90,000-character reference', 'ref-format', '/created_by_ref', { created_by_ref: `identity--${'8e2e2d2b-'.repeat(10000)}` }],
  ])('when a malware has %s, then it is rejected for %s', (_name, rule, pointer, changes) => {
    const verdict = judge(variant('malware', changes));
    expect(verdict.issues.find((i) => i.rule === rule && i.pointer === pointer)?.severity).toBe('error');
  });

  test('when a url SCO holds 100,000 near-miss percent escapes, then it is rejected for url-syntax', () => {
    const verdict = judge(variant('url', { value: `https://example.com/${'%4'.repeat(100000)}` }));
    expect(verdict.issues.map((i) => i.rule)).toEqual(['url-syntax']);
  });

  test('when a domain name holds 10,000 labels, then it is rejected for domain-name-value', () => {
    const verdict = judge(variant('domain-name', { value: 'a.'.repeat(10000) + 'com' }));
    expect(verdict.issues.map((i) => i.rule)).toEqual(['domain-name-value']);
  });

  test('when an email address is a long near miss, then it is rejected for email-addr-value', () => {
    const verdict = judge(variant('email-addr', { value: `${'a.'.repeat(50000)}@` }));
    expect(verdict.issues.map((i) => i.rule)).toEqual(['email-addr-value']);
  });

  test('when an object has 50,000 badly named custom properties, then it is rejected with 1,000 issues listed', () => {
    const changes: Record<string, unknown> = {};
    for (let i = 0; i < 50000; i++) changes[`X${i}`] = i;
    const verdict = judge(variant('file', changes));
    expect(verdict.accepted).toBe(false);
    expect(verdict.issues.length).toBe(1000);
    expect(verdict.issues[0]).toMatchObject({ rule: 'custom-property-name', pointer: '/X0' });
    expect(new Set(verdict.issues.map((i) => i.rule))).toEqual(new Set(['custom-property-name']));
  });

  test('when 1,000 external references each fail their anyOf, then each is one issue', () => {
    const refs = Array.from({ length: 1000 }, () => ({ source_name: 'acme' }));
    const verdict = judge(variant('tool', { external_references: refs }));
    expect(verdict.issues.length).toBe(1000);
    expect(verdict.issues[999]).toMatchObject({ rule: 'external-reference-content', pointer: '/external_references/999' });
  });

  test('when 50,000 external references each fail their anyOf, then the first is reported', () => {
    const refs = Array.from({ length: 50000 }, () => ({ source_name: 'acme' }));
    const verdict = judge(variant('tool', { external_references: refs }));
    expect(verdict.accepted).toBe(false);
    expect(verdict.issues).toEqual([expect.objectContaining({ rule: 'external-reference-content', pointer: '/external_references/0' })]);
  });

  test('when __proto__ is a property, then it is a custom property and nothing is polluted', () => {
    const obj = JSON.parse(`{"type":"tool","spec_version":"2.1","id":"${ident('tool')}","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"t","__proto__":{"polluted":true}}`) as unknown;
    const verdict = judge(obj);
    expect(verdict.issues.map((i) => [i.rule, i.pointer])).toEqual([['custom-property-name', '/__proto__']]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
