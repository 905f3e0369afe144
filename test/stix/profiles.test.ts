import { validateDocument } from '../../src/stix/document';
import { ident, T, variant, type Obj } from './fixtures/objects';
import { judge, validator } from './helpers';

interface SoftCase {
  name: string;
  obj: Obj;
  rule: string;
  pointer: string;
  /** The leniency that downgrades this MUST under standard; absent for SHOULD rules. */
  leniency?: string;
}

const LENIENCIES: SoftCase[] = [
  { name: 'an empty optional list', obj: variant('tool', { aliases: [] }), rule: 'no-empty-list', pointer: '/aliases', leniency: 'lenient-empty-list' },
  { name: 'an empty custom list', obj: variant('tool', { x_acme_tags: [] }), rule: 'no-empty-list', pointer: '/x_acme_tags', leniency: 'lenient-empty-list' },
  {
    name: 'a citation URL with a typographic dash',
    obj: variant('tool', { external_references: [{ source_name: 'acme', url: 'https://example.com/a\u2013b' }] }),
    rule: 'url-syntax',
    pointer: '/external_references/0/url',
    leniency: 'lenient-url-syntax',
  },
  {
    name: 'a cve reference without external_id',
    obj: variant('vulnerability', { external_references: [{ source_name: 'cve', url: 'https://nvd.nist.gov/vuln/detail/CVE-2016-1234' }] }),
    rule: 'vuln-ref-id',
    pointer: '/external_references/0',
    leniency: 'lenient-vuln-ref-shape',
  },
  {
    name: 'a CAPEC id under mitre',
    obj: variant('attack-pattern', { external_references: [{ source_name: 'mitre', external_id: 'CAPEC-163' }] }),
    rule: 'vuln-ref-id',
    pointer: '/external_references/0/external_id',
    leniency: 'lenient-vuln-ref-shape',
  },
  {
    name: 'an address ANDed with a port',
    obj: variant('indicator', { pattern: "[ipv4-addr:value = '198.51.100.1' AND network-traffic:dst_port = 443]" }),
    rule: 'pattern-single-type-and',
    pointer: '/pattern',
    leniency: 'lenient-mixed-type-and',
  },
  { name: 'a marking with modified', obj: variant('marking-definition', { modified: T }), rule: 'marking-definition-unversioned', pointer: '/modified', leniency: 'lenient-marking-modified' },
];

const SHOULDS: SoftCase[] = [
  { name: 'a custom property without x_', obj: variant('tool', { acme_rank: 1 }), rule: 'custom-property-prefix', pointer: '/acme_rank' },
  { name: 'a v1 UUID', obj: variant('tool', { id: 'tool--8e2e2d2b-17d4-1cbf-938f-000000000001' }), rule: 'id-uuid-version', pointer: '/id' },
  { name: 'an upper-case UUID', obj: variant('file', { id: 'file--8E2E2D2B-17D4-4CBF-938F-000000000001' }), rule: 'id-lowercase', pointer: '/id' },
  { name: 'a title-case kill chain', obj: variant('tool', { kill_chain_phases: [{ kill_chain_name: 'acme', phase_name: 'Recon' }] }), rule: 'kill-chain-phase-format', pointer: '/kill_chain_phases/0/phase_name' },
  { name: 'a three-letter country', obj: variant('location', { country: 'DEU' }), rule: 'location-country-code', pointer: '/country' },
  { name: 'an upper-case protocol', obj: variant('network-traffic', { protocols: ['ipv4', 'UDP'] }), rule: 'protocols-lowercase', pointer: '/protocols/1' },
  { name: 'a custom type without x-', obj: { type: 'acme-sensor', id: ident('acme-sensor'), reading: 1 }, rule: 'custom-type-prefix', pointer: '/type' },
  {
    name: 'the deprecated objects dictionary',
    obj: variant('observed-data', { object_refs: undefined, objects: { '0': { type: 'ipv4-addr', value: '198.51.100.3' } } }),
    rule: 'observed-objects-deprecated',
    pointer: '/objects',
  },
  {
    name: 'STOP before START',
    obj: variant('indicator', { pattern: "[file:name = 'a'] START t'2017-01-01T00:00:00Z' STOP t'2016-01-01T00:00:00Z'" }),
    rule: 'pattern-start-before-stop',
    pointer: '/pattern',
  },
  { name: 'an extension-definition without description', obj: variant('extension-definition', { description: undefined }), rule: 'extension-definition-description', pointer: '' },
  { name: 'a custom definition_type', obj: variant('marking-definition', { definition_type: 'acme', definition: { level: 1 } }), rule: 'marking-definition-type', pointer: '/definition_type' },
  { name: 'a product in capitals', obj: variant('malware-analysis', { product: 'ACME' }), rule: 'malware-analysis-product-format', pointer: '/product' },
];

describe('profiles', () => {
  test.each(LENIENCIES)('when an object has $name, then standard warns with $leniency and strict rejects', (c) => {
    const standard = judge(c.obj, 'standard');
    const soft = standard.issues.find((i) => i.rule === c.rule && i.pointer === c.pointer);
    expect(soft).toMatchObject({ severity: 'warning', leniency: c.leniency });
    expect(standard.accepted).toBe(true);

    const strict = judge(c.obj, 'strict');
    const hard = strict.issues.find((i) => i.rule === c.rule && i.pointer === c.pointer);
    expect(hard?.severity).toBe('error');
    expect(hard?.leniency).toBeUndefined();
    expect(strict.accepted).toBe(false);
  });

  test.each(SHOULDS)('when an object has $name, then standard warns and strict rejects ($rule)', (c) => {
    const standard = judge(c.obj, 'standard');
    const soft = standard.issues.find((i) => i.rule === c.rule && i.pointer === c.pointer);
    expect(soft?.severity).toBe('warning');
    expect(soft?.leniency).toBeUndefined();
    expect(standard.accepted).toBe(true);
    expect(judge(c.obj, 'strict').accepted).toBe(false);
  });

  test('when a bundle carries spec_version, then standard warns with lenient-bundle-spec-version and strict rejects', () => {
    const doc = { type: 'bundle', id: ident('bundle'), spec_version: '2.1', objects: [variant('tool')] };
    const standard = validateDocument(validator(), doc, { profile: 'standard' });
    expect(standard.documentIssues).toEqual([
      expect.objectContaining({ rule: 'bundle-extra-property', severity: 'warning', pointer: '/spec_version', leniency: 'lenient-bundle-spec-version' }),
    ]);
    const strict = validateDocument(validator(), doc, { profile: 'strict' });
    expect(strict.documentIssues).toEqual([expect.objectContaining({ rule: 'bundle-extra-property', severity: 'error' })]);
  });

  test.each([
    ['an empty required object_refs', variant('grouping', { object_refs: [] }), 'no-empty-list', '/object_refs'],
    ['an empty granular selectors list', variant('tool', { granular_markings: [{ lang: 'en', selectors: [] }] }), 'no-empty-list', '/granular_markings/0/selectors'],
    ['an empty extension_types', variant('extension-definition', { extension_types: [] }), 'no-empty-list', '/extension_types'],
    ['a malformed id under cve', variant('vulnerability', { external_references: [{ source_name: 'cve', external_id: 'CVE-2016' }] }), 'vuln-ref-id', '/external_references/0/external_id'],
    ['a url SCO with a space', variant('url', { value: 'https://example.com/a b' }), 'url-syntax', '/value'],
    ['a revoked marking', variant('marking-definition', { revoked: false }), 'marking-definition-unversioned', '/revoked'],
  ])('when an object has %s, then no leniency applies and standard rejects it', (_name, obj, rule, pointer) => {
    const verdict = judge(obj, 'standard');
    expect(verdict.issues.find((i) => i.rule === rule && i.pointer === pointer)).toMatchObject({ severity: 'error' });
    expect(verdict.issues.find((i) => i.rule === rule)?.leniency).toBeUndefined();
    expect(verdict.accepted).toBe(false);
  });

  test('when advice is off, then no info issue is reported; when on, advisories are info in both profiles', () => {
    const obj = variant('relationship', { relationship_type: 'befriends', external_references: [{ source_name: 'acme', url: 'https://example.com/x' }] });
    expect(judge(obj, 'standard', false).issues).toEqual([]);
    for (const profile of ['standard', 'strict'] as const) {
      const verdict = judge(obj, profile, true);
      expect(verdict.accepted).toBe(true);
      expect(verdict.issues.map((i) => [i.rule, i.severity])).toEqual([
        ['relationship-type-suggested', 'info'],
        ['external-reference-url-hashes', 'info'],
      ]);
    }
  });
});
