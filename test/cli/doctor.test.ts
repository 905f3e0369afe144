/** `accord doctor` against a real listener: a healthy server passes; what a client would trip over is named. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Doctor } from '../../src/cli/doctor';
import { buildConfig } from '../../src/config/load';
import { startServer, type RunningServer } from '../../src/server';
import { PASSWORD, RW, standardConfig } from '../support/harness';
import { indicator, recordOf } from '../support/stix';

let running: RunningServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'accord-doctor-'));
  running = await startServer(buildConfig({ ...standardConfig(dir), server: { port: 0 } }, 'doctor'));
  const objects = [indicator(), indicator(), indicator()];
  await running.runtime.store.addRecords(RW, objects.map(recordOf), '*');
});
afterAll(async () => {
  await running.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

async function doctor(url: string, options: ConstructorParameters<typeof Doctor>[0]) {
  const lines: string[] = [];
  const code = await new Doctor(options, (line) => lines.push(line)).run(url);
  return { code, lines };
}

test('when the server is healthy, then every check passes and the exit code is 0', async () => {
  const { code, lines } = await doctor(running.url, { user: 'alice', password: PASSWORD });
  expect(code).toBe(0);
  expect(lines[lines.length - 1]).toMatch(/^0 failed, \d+ warnings$/);
  expect(lines).toEqual(expect.arrayContaining([
    expect.stringContaining('ok   next works alone'),
    expect.stringContaining('ok   the header resumes as added_after without repeating'),
    expect.stringContaining('ok   TAXII 2.0 clients (FortiGate, QRadar) get a bundle'),
    expect.stringContaining('ok   an unknown status is a 404 TAXII error resource'),
  ]));
});

test('when the credentials are wrong, then discovery fails with the reason and the exit code is 1', async () => {
  const { code, lines } = await doctor(`${running.url}/taxii2/`, { user: 'alice', password: 'wrong' });
  expect(code).toBe(1);
  expect(lines).toContain('  FAIL discovery: HTTP 401 (Valid credentials are required to use this server.)');
});

test('when the caller belongs to no partnership, then doctor says discovery lists no API root', async () => {
  const { code, lines } = await doctor(running.url, { user: 'mallory', password: PASSWORD });
  expect(code).toBe(1);
  expect(lines.join('\n')).toContain('discovery lists no API root for these credentials');
});
