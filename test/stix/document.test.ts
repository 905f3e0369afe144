import { validateDocument } from '../../src/stix/document';
import { ident, T, variant } from './fixtures/objects';
import { validator } from './helpers';

describe('validateDocument', () => {
  const good = variant('tool');
  const bad = variant('malware', { is_family: 'yes' });

  test('when a bundle is given, then its members are judged by position and the bundle itself is checked', () => {
    const result = validateDocument(validator(), { type: 'bundle', id: ident('bundle'), objects: [good, bad] }, { profile: 'standard' });
    expect(result.kind).toBe('bundle');
    expect(result.documentIssues).toEqual([]);
    expect(result.verdicts.map((v) => [v.index, v.id, v.accepted])).toEqual([
      [0, good['id'], true],
      [1, bad['id'], false],
    ]);
  });

  test('when a TAXII envelope mixes valid and invalid objects, then exactly the invalid ones fail', () => {
    const objects = [good, bad, 'junk', variant('indicator'), { type: 'bundle', id: ident('bundle'), objects: [good] }, variant('ipv4-addr')];
    const result = validateDocument(validator(), { objects, more: false }, { profile: 'standard' });
    expect(result.kind).toBe('envelope');
    expect(result.verdicts.map((v) => v.accepted)).toEqual([true, false, false, true, false, true]);
    const failures = result.verdicts.filter((v) => !v.accepted);
    expect(failures.map((v) => [v.index, v.id, v.version, v.issues[0]?.rule])).toEqual([
      [1, bad['id'], T, 'property-type'],
      [2, null, '', 'object-shape'],
      [4, ident('bundle'), '', 'bundle-in-envelope'],
    ]);
  });

  test('when an array is given, then each element is judged', () => {
    const result = validateDocument(validator(), [good, good], { profile: 'strict' });
    expect(result.kind).toBe('array');
    expect(result.verdicts.map((v) => v.accepted)).toEqual([true, true]);
  });

  test('when one object is given, then it is judged at index 0', () => {
    const result = validateDocument(validator(), bad, { profile: 'standard' });
    expect(result.kind).toBe('object');
    expect(result.verdicts).toHaveLength(1);
    expect(result.verdicts[0]).toMatchObject({ index: 0, accepted: false, version: T });
  });

  test('when a STIX 2.0 bundle is given, then its members fail spec-version-required', () => {
    const member = variant('tool', { spec_version: undefined });
    const result = validateDocument(validator(), { type: 'bundle', id: ident('bundle'), spec_version: '2.0', objects: [member] }, { profile: 'standard' });
    expect(result.verdicts[0]?.issues.map((i) => i.rule)).toEqual(['spec-version-required']);
    expect(result.documentIssues.map((i) => [i.rule, i.severity])).toEqual([['bundle-extra-property', 'warning']]);
  });

  test('when a bundle has a v1 id, then strict rejects the document and standard warns', () => {
    const doc = { type: 'bundle', id: 'bundle--8e2e2d2b-17d4-1cbf-938f-000000000001', objects: [good] };
    expect(validateDocument(validator(), doc, { profile: 'standard' }).documentIssues.map((i) => [i.rule, i.severity])).toEqual([['id-uuid-version', 'warning']]);
    expect(validateDocument(validator(), doc, { profile: 'strict' }).documentIssues.map((i) => i.severity)).toEqual(['error']);
  });

  test('when a bundle repeats a version, then advice marks the repeat with duplicate-version', () => {
    const doc = { type: 'bundle', id: ident('bundle'), objects: [good, variant('malware'), good] };
    const result = validateDocument(validator(), doc, { profile: 'standard', advice: true });
    expect(result.verdicts.map((v) => v.issues.filter((i) => i.rule === 'duplicate-version').length)).toEqual([0, 0, 1]);
    expect(result.verdicts[2]?.accepted).toBe(true);
    expect(validateDocument(validator(), doc, { profile: 'standard' }).verdicts[2]?.issues).toEqual([]);
  });

  test('when advice is on, then extension-use is reported once per type and name per request', () => {
    const a = variant('tool', { x_acme_rank: 1 });
    const b = variant('tool', { id: ident('tool', 2), x_acme_rank: 2 });
    const result = validator().validateObjects([a, b, sdoLike('x-acme-widget'), sdoLike('x-acme-widget', 3)], { profile: 'standard', advice: true });
    const uses = result.map((v) => v.issues.filter((i) => i.rule === 'extension-use').map((i) => i.pointer));
    expect(uses).toEqual([['/x_acme_rank'], [], ['/type'], []]);
  });
});

function sdoLike(type: string, n = 1): Record<string, unknown> {
  return { type, spec_version: '2.1', id: ident(type, n), created: T, modified: T };
}
