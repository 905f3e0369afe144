/**
 * The import directions of src/, stated once and enforced: each top-level module
 * or folder may import only the ones listed for it (they all sit below it), a few
 * files have narrower rules, and each outside package has its home. A new import
 * that breaks a rule fails here with the file and the import named.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

const SRC = join(__dirname, '..', '..', 'src');

/** Who may import whom, from the bottom up. `errors` and `paths` are leaves everyone may use. */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  paths: [],
  log: [],
  stix: [],
  store: ['stix'],
  identity: ['store'],
  partnerships: ['identity', 'stix', 'store'],
  audit: ['identity', 'log', 'stix', 'store'],
  taxii: ['identity', 'partnerships', 'stix', 'store'],
  // The retention sweep: partnerships' policies applied to the store, audited.
  retention: ['audit', 'identity', 'partnerships', 'stix', 'store'],
  admin: ['audit', 'identity', 'partnerships', 'retention', 'stix', 'store'],
  // The configuration describes a deployment, its seed in the admin resources' own schemas; the store's limits bound some keys.
  config: ['admin', 'stix', 'store'],
  http: ['admin', 'audit', 'identity', 'log', 'partnerships', 'store', 'taxii'],
  // The composition root wires everything; only it builds the HTTP app.
  runtime: ['admin', 'audit', 'config', 'http', 'identity', 'log', 'partnerships', 'retention', 'stix', 'store', 'taxii'],
  // Caps on the listener's connections: plain Node, below the server that applies them.
  connections: [],
  server: ['config', 'connections', 'runtime'],
  cli: ['admin', 'config', 'identity', 'log', 'partnerships', 'retention', 'runtime', 'server', 'stix', 'store', 'taxii'],
};
const EVERYONE = ['errors', 'paths'];

/** Narrower rules inside a layer, as [importing file pattern, imported file pattern, why]. */
const FORBIDDEN: Array<[RegExp, RegExp, string]> = [
  [/^(?!store\/(index\.ts$|sqlite\/|mongodb\/))/, /^store\/(sqlite|mongodb)\//, 'only store/index.ts opens a backend'],
  [/^store\/(sqlite|mongodb)\//, /^store\/(?!contract|selection|import-checks|clock|audit-chain)[^/]+\.ts$/, 'a backend uses the contract, the selection core, the shared import checks and the audit chain only'],
  [/^store\/sqlite\//, /^store\/mongodb\//, 'backends do not import each other'],
  [/^store\/mongodb\//, /^store\/sqlite\//, 'backends do not import each other'],
  [/^(?!cli\/|runtime\.ts$)/, /^store\/(index|copy)\.ts$/, 'opening and copying stores is for the composition root and the CLI'],
];

/** Outside packages and where they may be used. */
const PACKAGES: Record<string, RegExp> = {
  express: /^http\//,
  'express-serve-static-core': /^http\//,
  helmet: /^http\//,
  passport: /^http\//,
  'passport-strategy': /^http\//,
  'better-sqlite3': /^store\/sqlite\//,
  mongodb: /^store\/mongodb\//,
  winston: /^log\//,
  commander: /^cli\//,
  yaml: /^config\//,
  ajv: /^(stix|admin|config)\//,
  'ajv-formats': /^(stix|admin)\//,
  'json-schema-to-ts': /^(admin|config)\//,
  'language-subtag-registry': /^stix\//,
};

interface Import {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function importsOf(file: string): Import[] {
  const from = relative(SRC, file);
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map(({ fileName }) => ({
    from,
    to: fileName.startsWith('.') ? `${normalize(join(dirname(from), fileName))}.ts` : fileName,
  }));
}

const layerOf = (path: string) => path.split('/')[0]!.replace(/\.ts$/, '');
const packageOf = (name: string) => (name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!);

const IMPORTS = sourceFiles(SRC).flatMap(importsOf);

/** The rule an import breaks, or null. */
function violation({ from, to }: Import): string | null {
  if (to.startsWith('node:')) return null;
  if (!to.endsWith('.ts')) {
    const home = PACKAGES[packageOf(to)];
    if (!home) return `${to} is not a known dependency of src/ (add it to PACKAGES with its home)`;
    return home.test(from) ? null : `${to} is used only in ${home.source}`;
  }
  if (to.startsWith('..')) return 'imports from outside src/';
  const [source, target] = [layerOf(from), layerOf(to)];
  if (!(source in ALLOWED)) return `${source} is not in the layering table`;
  if (source !== target && !EVERYONE.includes(target) && !ALLOWED[source]!.includes(target)) return `${source} may not import ${target}`;
  const narrower = FORBIDDEN.find(([who, what]) => who.test(from) && what.test(to));
  return narrower ? narrower[2] : null;
}

test('when the imports of src/ are read, then every one follows the layering table', () => {
  const broken = IMPORTS.flatMap((i) => {
    const why = violation(i);
    return why === null ? [] : [`${i.from} → ${i.to}: ${why}`];
  });
  expect(broken).toEqual([]);
});

test('when the layering table is read, then it has no cycle: no two layers import each other', () => {
  const visiting = new Set<string>();
  const done = new Set<string>();
  const cycles: string[] = [];
  const visit = (layer: string, path: string[]) => {
    if (done.has(layer)) return;
    if (visiting.has(layer)) {
      cycles.push([...path, layer].join(' → '));
      return;
    }
    visiting.add(layer);
    for (const below of ALLOWED[layer] ?? []) visit(below, [...path, layer]);
    visiting.delete(layer);
    done.add(layer);
  };
  for (const layer of Object.keys(ALLOWED)) visit(layer, []);
  expect(cycles).toEqual([]);
});

test.each<[string, Import, RegExp]>([
  ['the protocol importing Express', { from: 'taxii/add-objects.ts', to: 'express' }, /only in/],
  ['identity importing partnerships', { from: 'identity/identify.ts', to: 'partnerships/model.ts' }, /identity may not import partnerships/],
  ['a use case opening a backend', { from: 'taxii/read-objects.ts', to: 'store/sqlite/sqlite-store.ts' }, /store\/index\.ts/],
  ['STIX rules importing the configuration', { from: 'stix/schema-registry.ts', to: 'config/load.ts' }, /stix may not import config/],
])('when %s is checked, then it is refused', (_name, imported, reason) => {
  expect(violation(imported)).toMatch(reason);
});
