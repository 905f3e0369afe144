import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { META_TYPES, SCO_TYPES, SDO_TYPES, SRO_TYPES } from '../../src/stix/object-class';
import { projectRoot } from '../../src/paths';
import { loadSchemaRegistry, SCHEMA_BASE } from '../../src/stix/schema-registry';

const SCHEMA_DIR = join(projectRoot(__dirname), 'schemas');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsonFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}

function walk(node: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      visit(k, v);
      walk(v, visit);
    }
  }
}

describe('schemas', () => {
  const files = jsonFiles(SCHEMA_DIR);

  test('when the registry loads, then every SDO, SRO, SCO and meta type has its own compiled schema', () => {
    const registry = loadSchemaRegistry(SCHEMA_DIR);
    expect([SDO_TYPES.size, SRO_TYPES.size, SCO_TYPES.size, META_TYPES.size]).toEqual([19, 2, 18, 3]);
    for (const type of [...SDO_TYPES, ...SRO_TYPES, ...SCO_TYPES, ...META_TYPES]) {
      expect(registry.byType.get(type)?.id).toMatch(new RegExp(`/${type}\\.json$`));
    }
    expect([...(registry.byType.get('file')?.properties ?? [])]).toEqual(expect.arrayContaining(['hashes', 'extensions', 'defanged', 'spec_version']));
    expect([...(registry.byType.get('marking-definition')?.properties ?? [])]).not.toContain('modified');
  });

  test.each(files.map((f) => relative(SCHEMA_DIR, f)))('when %s is read, then it is draft 2020-12 with an $id matching its path', (file) => {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['$id']).toBe(`${SCHEMA_BASE}${file}`);
  });

  test('when the schemas are scanned, then no regular expression can backtrack (type names and keys are checked in code)', () => {
    const patterns: string[] = [];
    for (const file of files) {
      walk(JSON.parse(readFileSync(file, 'utf8')), (key, value) => {
        if (key === 'pattern' && typeof value === 'string') patterns.push(value);
        if (key === 'patternProperties' && value !== null && typeof value === 'object') patterns.push(...Object.keys(value));
      });
    }
    expect(patterns).toEqual(['^extension-definition--']);
  });

  test('when a schema fails to compile, then loading throws an error naming its $id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-schemas-'));
    try {
      cpSync(SCHEMA_DIR, dir, { recursive: true });
      const path = join(dir, 'sdo', 'tool.json');
      const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      schema['properties'] = { ...(schema['properties'] as object), tool_version: { type: 'string', formatt: 'x' } };
      writeFileSync(path, JSON.stringify(schema));
      expect(() => loadSchemaRegistry(dir)).toThrow(`${SCHEMA_BASE}sdo/tool.json`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when a schema names an unknown format, then loading throws an error naming its $id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-schemas-'));
    try {
      cpSync(SCHEMA_DIR, dir, { recursive: true });
      const path = join(dir, 'sco', 'mutex.json');
      const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      schema['properties'] = { ...(schema['properties'] as object), name: { type: 'string', format: 'no-such-format' } };
      writeFileSync(path, JSON.stringify(schema));
      expect(() => loadSchemaRegistry(dir)).toThrow(`${SCHEMA_BASE}sco/mutex.json`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
