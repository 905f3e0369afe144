/**
 * `accord store check` (docs/reliability.md#damaged-stores): the full check of the
 * configured SQLite store and its marker, with exit code 0 when no damage is found
 * and 1 when some is.
 */

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildProgram } from '../../src/cli/accord';
import { dbOf, filledDataDir, overwriteMiddleOfRecords, removeDataDirs, sqliteConfig } from '../support/damage';

afterAll(removeDataDirs);

async function check(dataDir: string, ...options: string[]): Promise<{ out: string; exitCode: number }> {
  const configFile = join(dataDir, 'accord.yaml');
  writeFileSync(configFile, stringify(sqliteConfig()(dataDir)));
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'accord', '--config', configFile, 'store', 'check', ...options]);
    return { out, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    spy.mockRestore();
    process.exitCode = undefined;
  }
}

test('when the configured store is healthy, then the check says so, names the store its marker names, and exits 0', async () => {
  const dataDir = await filledDataDir(1000);
  const { out, exitCode } = await check(dataDir);
  expect(out).toContain(`${dbOf(dataDir)}: `);
  expect(out).toContain('PRAGMA integrity_check, then the stored texts');
  expect(out).toMatch(/names the same store\.\nNo damage found \(\d+\.\d s\)\.\n$/);
  expect(exitCode).toBe(0);
});

test('when 64 KB of the records are overwritten, then the check lists the damage and exits 1', async () => {
  const dataDir = await filledDataDir(1000);
  overwriteMiddleOfRecords(dbOf(dataDir));
  for (const options of [[], ['--quick']]) {
    const { out, exitCode } = await check(dataDir, ...options);
    expect(out).toMatch(/Damage found \((a problem|\d+ problems), \d+\.\d s\):\n {2}\S/);
    expect(out).toContain(`Restore ${dbOf(dataDir)} from a backup`);
    expect(exitCode).toBe(1);
  }
});

test('when a stored text is changed but its page stays valid, then only the full check finds it', async () => {
  const dataDir = await filledDataDir(1000);
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(dbOf(dataDir));
  db.prepare("UPDATE records SET body = substr(body, 1, 40) || '\u0001' || substr(body, 42) WHERE rid = 500").run();
  db.close();
  expect((await check(dataDir, '--quick')).exitCode).toBe(0);
  const { out, exitCode } = await check(dataDir);
  expect(out).toMatch(/record 500 \(indicator--[0-9a-f-]+\): its stored text is not valid JSON of the object it is filed as/);
  expect(exitCode).toBe(1);
});

test('when the store file is missing beside its marker, then the check says so and exits 1', async () => {
  const dataDir = await filledDataDir(1);
  rmSync(dbOf(dataDir));
  const { out, exitCode } = await check(dataDir);
  expect(out).toContain(`The store file ${dbOf(dataDir)} is missing; ${join(dataDir, 'accord.store')} says store`);
  expect(exitCode).toBe(1);
});
