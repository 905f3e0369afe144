/** `accord validate`: the ingest validator offline, with the same messages, and exit codes that scripts can use. */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCommand } from '../../src/cli/validate';
import { indicator, malware } from '../support/stix';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'accord-validate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(files: string[], options: Partial<Parameters<typeof validateCommand>[1]> = {}, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await validateCommand(files, { profile: 'standard', format: 'text', ...options }, { out: (l) => out.push(l), err: (l) => err.push(l) }, async () => Buffer.from(stdin));
  return { code, out, err };
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content));
  return path;
}

test('when files are read, then as the server reads bodies: a BOM is ignored, invalid UTF-8 is refused, and a repeated member name is an error', async () => {
  const a = indicator();
  const bom = file('bom.json', `\uFEFF${JSON.stringify({ objects: [a] })}`);
  expect((await run([bom])).code).toBe(0);
  const latin1 = file('latin1.json', Buffer.concat([Buffer.from('{"objects":[{"type":"indicator","name":"'), Buffer.from([0xe9]), Buffer.from('"}]}')]));
  const bad = await run([latin1]);
  expect([bad.code, bad.err.join('\n')]).toEqual([2, expect.stringContaining('not valid UTF-8')]);
  const twice = file('twice.json', JSON.stringify({ objects: [a] }).replace('"name":', '"name":"first","name":'));
  const dup = await run([twice]);
  expect([dup.code, dup.out.join('\n')]).toEqual([1, expect.stringContaining(`/objects/0 ${a.id} error [duplicate-member] /name:`)]);
  expect(dup.out.join('\n')).toContain('0 accepted, 1 rejected');
});

test('when a file redefines a published TLP marking, then the CLI refuses it as the server would, in text and JSON', async () => {
  const red = {
    type: 'marking-definition',
    spec_version: '2.1',
    id: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
    created: '2022-10-01T00:00:00.000Z',
    name: 'TLP:RED',
    extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'red' } },
  };
  expect((await run([file('red.json', red)])).code).toBe(0);
  const path = file('red-redefined.json', { ...red, constructor: { statement: 'share freely' } });
  const json = await run([path], { format: 'json' });
  expect(json.code).toBe(1);
  const [report] = JSON.parse(json.out.join('\n'));
  expect(report.verdicts[0]).toMatchObject({ accepted: false, issues: expect.arrayContaining([expect.objectContaining({ rule: 'tlp-reserved-id', severity: 'error', pointer: '/id' })]) });
});

test('when a bundle is all valid, then every object is accepted and the exit code is 0', async () => {
  const path = file('good.json', { type: 'bundle', id: 'bundle--6ff64c49-0e4a-4d3e-9a8a-2d1c1c7b1a10', objects: [indicator(), malware()] });
  const { code, out } = await run([path]);
  expect(code).toBe(0);
  expect(out[out.length - 1]).toBe(`${path}: 2 objects, 2 accepted, 0 rejected (bundle)`);
});

test('when an envelope holds a bad object, then its errors are printed with pointers and the exit code is 1', async () => {
  const bad = indicator({ valid_until: '2025-01-01T00:00:00Z', pattern: "[file:hashes.'SHA-256' = 'abc']" });
  const path = file('mixed.json', { objects: [indicator(), bad] });
  const { code, out } = await run([path]);
  expect(code).toBe(1);
  expect(out).toContain(`${path} /objects/1 ${bad.id} rejected: 2 errors`);
  expect(out.some((l) => l.includes('error [valid-until-after-valid-from] /valid_until:'))).toBe(true);
  expect(out.some((l) => l.includes('error [pattern-hash-literal] /pattern:'))).toBe(true);
});

test('when strict is asked, then SHOULD rules become errors', async () => {
  const lower = indicator({ kill_chain_phases: [{ kill_chain_name: 'Lockheed Martin', phase_name: 'recon' }] });
  const path = file('should.json', lower);
  expect((await run([path])).code).toBe(0);
  expect((await run([path], { profile: 'strict' })).code).toBe(1);
});

test('when a file is not JSON, then the exit code is 2 and the others are still checked', async () => {
  const good = file('fine.json', [indicator()]);
  const { code, out, err } = await run([file('broken.json', '{"objects": ['), good]);
  expect(code).toBe(2);
  expect(err[0]).toContain('broken.json: cannot be read as JSON');
  expect(out[out.length - 1]).toBe(`${good}: 1 objects, 1 accepted, 0 rejected (array)`);
});

test('when - is given, then stdin is read, and JSON output lists the verdicts', async () => {
  const obj = malware({ id: 'malware--not-a-uuid' });
  const { code, out } = await run(['-'], { format: 'json' }, JSON.stringify(obj));
  expect(code).toBe(1);
  const [report] = JSON.parse(out.join('\n'));
  expect(report).toMatchObject({ file: '-', kind: 'object', verdicts: [{ accepted: false, id: 'malware--not-a-uuid' }] });
  expect(report.verdicts[0].issues[0]).toMatchObject({ rule: 'id-format', pointer: '/id', severity: 'error' });
});
