/**
 * The administration CLI works on the same store as a running server: changes
 * made at the command line take effect on the server's next request.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildProgram } from '../../src/cli/accord';
import { RW, standardConfig, startTestServer, TAXII, type TestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';

let server: TestServer;
let configFile: string;

beforeAll(async () => {
  server = await startTestServer();
  configFile = join(server.dataDir, 'accord.yaml');
  writeFileSync(configFile, stringify(standardConfig(server.dataDir)));
});
afterAll(async () => server.close());

async function accord(...args: string[]): Promise<string> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'accord', '--config', configFile, ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

test('when an organisation, a membership and a key are made at the CLI, then the key reads the partnership over HTTP', async () => {
  expect(await accord('org', 'add', 'cert-team', '--name', 'National CERT')).toBe('cert-team\tNational CERT\n');
  await accord('member', 'add', 'api1', 'cert-team', '--role', 'consumer');
  const issued = await accord('key', 'issue', '--org', 'cert-team', '--label', 'SIEM');
  const token = /token \(shown once, store it now\): (\S+)/.exec(issued)![1]!;
  const res = await server.raw().get(`/api1/collections/${RW}/`).set('Authorization', `Bearer ${token}`).set('Accept', TAXII);
  expect(res.status).toBe(200);
  expect(JSON.parse(res.text)).toMatchObject({ can_read: true, can_write: false });

  const keyId = token.split('_')[1]!;
  expect(await accord('key', 'revoke', keyId)).toMatch(new RegExp(`^${keyId}\\t\\d{4}-`));
  expect((await server.raw().get('/taxii2/').set('Authorization', `Bearer ${token}`)).status).toBe(401);
});

test('when a partnership is created and closed at the CLI, then the server serves it read-only', async () => {
  await accord('partnership', 'create', 'op-cli', '--title', 'CLI operation', '--kind', 'regional_operation');
  await accord('member', 'add', 'op-cli', 'alpha', '--role', 'publisher');
  const added = JSON.parse(await accord('--json', 'collection', 'add', 'op-cli', '--title', 'Findings', '--ceiling', 'green'));
  expect(added).toMatchObject({ partnership: 'op-cli', title: 'Findings', marking_ceiling: 'green' });
  expect(JSON.parse((await server.get(`/op-cli/collections/${added.id}/`)).text).can_write).toBe(true);
  await accord('partnership', 'close', 'op-cli');
  expect(JSON.parse((await server.get(`/op-cli/collections/${added.id}/`)).text).can_write).toBe(false);
});

test('when the audit trail is listed at the CLI, then the CLI changes are in it beside the server\'s entries', async () => {
  // The CLI reads the store; the server's entries reach it when its buffer is written.
  await server.runtime.audit.flush();
  const rows = (await accord('audit', '--partnership', 'op-cli')).trim().split('\n').map((l) => l.split('\t'));
  // Entries are numbered as they are written, so the server's (buffered) follow the CLI's.
  expect(rows.filter((r) => r[5] === 'cli').map((r) => r[2])).toEqual(['create_partnership', 'set_member', 'add_collection', 'update_partnership']);
  expect(rows.filter((r) => r[5] !== 'cli').map((r) => `${r[2]} by ${r[5]}`)).toEqual(['get_collection by alice', 'get_collection by alice']);
});

test('when a CLI command names something missing, then it fails with the reason', async () => {
  await expect(accord('member', 'add', 'op-cli', 'nobody', '--role', 'consumer')).rejects.toThrow('No organisation nobody.');
  await expect(accord('member', 'add', 'op-cli', 'alpha', '--role', 'owner')).rejects.toThrow('role "owner"');
});

test('when a collection and a partnership are changed at the CLI, then the options reach the same checks as the admin API', async () => {
  const [id] = (await accord('collection', 'list', 'api1')).split('\n')[0]!.split('\t');
  expect(await accord('collection', 'update', 'api1', id!, '--ceiling', 'amber', '--title', 'Renamed at the CLI')).toBe(`${id}\trw\tRenamed at the CLI\tamber\n`);
  await expect(accord('collection', 'update', 'api1', id!, '--ceiling', 'purple')).rejects.toThrow('marking_ceiling "purple": one of clear');
  expect(JSON.parse(await accord('--json', 'partnership', 'update', 'api1', '--max-content-length', '5000', '--always-list-objects', 'true'))).toMatchObject({ max_content_length: 5000, always_list_objects: true });
  await expect(accord('partnership', 'update', 'api1', '--always-list-objects', 'maybe')).rejects.toThrow('always_list_objects: must be boolean');
  await expect(accord('partnership', 'update', 'api1', '--start', '2027-01-01', '--end', '2026-12-31')).rejects.toThrow('start_date 2027-01-01 is after end_date 2026-12-31');
});

test('when an audience is set, shown and cleared at the CLI, then the server applies it on its next request and the trail has each change', async () => {
  expect(await accord('audience', 'set', 'api1', 'second', '--read', 'delta, alpha', '--write', '')).toBe('read: delta, alpha; write: nobody\n');
  expect((await server.get(`/api1/collections/second/`, 'carol')).status).toBe(404);
  expect(JSON.parse((await server.get(`/api1/collections/second/`)).text)).toMatchObject({ can_read: true, can_write: false });
  expect(JSON.parse(await accord('--json', 'audience', 'show', 'api1', 'second'))).toMatchObject({ partnership: 'api1', read: ['delta', 'alpha'], write: [] });
  await expect(accord('audience', 'set', 'api1', 'second', '--read', 'beta')).rejects.toThrow('read: "beta" is not a member organisation of api1');
  await expect(accord('audience', 'set', 'api1', 'second')).rejects.toThrow('must name read, write or both');
  expect(await accord('audience', 'clear', 'api1', 'second')).toBe('');
  expect(await accord('audience', 'show', 'api1', 'second')).toBe('read: every member by role; write: every member by role\n');
  expect((await server.get(`/api1/collections/second/`, 'carol')).status).toBe(200);
  const rows = (await accord('audit', '--partnership', 'api1')).trim().split('\n').map((l) => l.split('\t'));
  expect(rows.filter((r) => r[5] === 'cli' && r[2]!.endsWith('_audience')).map((r) => r[2])).toEqual(['set_audience', 'clear_audience']);
});

test('when a collection is made moderated and its submissions listed, rejected and approved at the CLI, then the submitter status follows and the trail has each step', async () => {
  expect(JSON.parse(await accord('--json', 'collection', 'update', 'api1', 'second', '--moderated', 'true'))).toMatchObject({ moderated: true });
  const objects = [indicator(), indicator()];
  const posted = JSON.parse((await server.post('/api1/collections/second/objects/', envelope(...objects))).text);
  expect([posted.status, posted.pending_count]).toEqual(['pending', 2]);
  const listed = (await accord('submission', 'list', 'api1', 'second')).trim().split('\n').map((l) => l.split('\t'));
  expect(listed.map((r) => [r[1], r[2]])).toEqual(objects.map((o) => [posted.id, o.id]));
  await expect(accord('submission', 'reject', 'api1', 'second', '--ids', listed[0]![0]!)).rejects.toThrow(/reason/);
  expect(await accord('submission', 'reject', 'api1', 'second', '--ids', listed[0]![0]!, '--reason', 'unsourced')).toContain('rejected');
  expect(await accord('submission', 'approve', 'api1', 'second', '--status', posted.id)).toContain('stored');
  expect(JSON.parse((await server.get(`/api1/status/${posted.id}/`)).text)).toMatchObject({ status: 'complete', success_count: 1, failure_count: 1, pending_count: 0 });
  await accord('collection', 'update', 'api1', 'second', '--moderated', 'false');
  const rows = (await accord('audit', '--partnership', 'api1')).trim().split('\n').map((l) => l.split('\t'));
  expect(rows.filter((r) => r[5] === 'cli' && /submissions$|update_collection/.test(r[2]!)).map((r) => [r[2], r[10]]).slice(-4)).toEqual([
    ['update_collection', 'moderated=true'],
    ['reject_submissions', `1 rejected: unsourced; submissions ${listed[0]![0]}`],
    ['approve_submissions', `1 stored, 0 refused; submissions ${listed[1]![0]}`],
    ['update_collection', 'moderated=false'],
  ]);
});
