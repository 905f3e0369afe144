import { ident, sco, variant, type Obj } from './fixtures/objects';
import { judge, validator } from './helpers';

const ADVISORIES: Array<[string, Obj, string, string]> = [
  ['a malware type outside malware-type-ov', variant('malware', { malware_types: ['cryptominer'] }), 'open-vocab-value', '/malware_types/0'],
  ['a custom vocabulary value in capitals', variant('tool', { tool_types: ['Remote Admin'] }), 'open-vocab-format', '/tool_types/0'],
  ['a relationship the specification does not suggest', variant('relationship', { relationship_type: 'befriends' }), 'relationship-type-suggested', '/relationship_type'],
  ['an indicator without description', variant('indicator'), 'indicator-name-description', ''],
  ['a citation URL without hashes', variant('tool', { external_references: [{ source_name: 'acme', url: 'https://example.com/' }] }), 'external-reference-url-hashes', '/external_references/0'],
  ['an ipv4-addr with a v4 id', variant('ipv4-addr'), 'sco-id-deterministic', '/id'],
  ['a custom hash algorithm on a file', variant('file', { hashes: { SHA256: 'ab' } }), 'hash-algorithm-custom', '/hashes/SHA256'],
  ['an x- media subtype', variant('file', { mime_type: 'application/x-msdownload' }), 'mime-type-registered', '/mime_type'],
  ['a kernel registry path', variant('windows-registry-key', { key: '\\REGISTRY\\MACHINE\\Software' }), 'registry-key-hive-unknown', '/key'],
  ['an upper-case environment variable name', variant('process', { environment_variables: { PATH: '/bin' } }), 'dictionary-key-lowercase', '/environment_variables/PATH'],
  ['a pattern path a file lacks', variant('indicator', { pattern: "[file:colour = 'red']" }), 'pattern-unknown-property', '/pattern'],
  ['a MATCHES operand JavaScript cannot compile', variant('indicator', { pattern: "[file:name MATCHES '(?<=a)b(?P<x>c)']" }), 'pattern-regex-unverified', '/pattern'],
  ['a custom property without extension-definition', variant('tool', { x_acme_rank: 1 }), 'extension-use', '/x_acme_rank'],
];

describe('advisories', () => {
  test.each(ADVISORIES)('when an object has %s, then advice reports info [%s]', (_name, obj, rule, pointer) => {
    for (const profile of ['standard', 'strict'] as const) {
      const verdict = judge(obj, profile, true);
      expect(verdict.issues.find((i) => i.rule === rule && i.pointer === pointer)?.severity).toBe('info');
      expect(verdict.accepted).toBe(true);
    }
    expect(judge(obj, 'strict', false).issues.filter((i) => i.severity === 'info')).toEqual([]);
  });

  test('when a request repeats an id and modified, then the repeat draws duplicate-version', () => {
    const obj = variant('tool');
    const verdicts = validator().validateObjects([obj, obj], { profile: 'standard', advice: true });
    expect(verdicts[1]?.issues).toEqual([expect.objectContaining({ rule: 'duplicate-version', severity: 'info', pointer: '/modified' })]);
    expect(verdicts.every((v) => v.accepted)).toBe(true);
  });

  test('when an SCO lacks ID-contributing properties but has a v4 id, then nothing is reported', () => {
    expect(judge(sco('user-account', { display_name: 'J' }), 'strict', true).issues).toEqual([]);
  });

  test('when a custom type is undeclared, then extension-use names the type', () => {
    const verdict = judge({ type: 'x-acme-sensor', id: ident('x-acme-sensor'), reading: 1 }, 'standard', true);
    expect(verdict.issues.map((i) => [i.rule, i.pointer])).toEqual([['extension-use', '/type']]);
  });
});
