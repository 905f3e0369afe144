/**
 * marking-definition rules beyond the schema (STIX 2.1 §7.2.1; docs/validation.md#tlp):
 * never versioned, never self-marking, and the TLP objects exactly as published.
 */
import type { Finding } from '../issues';
import { childPointer } from '../pointer';
import { finding } from '../rules';
import { quote, texts, timestampFailure } from '../texts';
import { compareTimestamps, isStixTimestamp } from '../timestamp';
import { TLP1_CREATED, TLP1_MARKINGS, TLP2_CREATED, TLP2_EXTENSION_ID, TLP2_MARKINGS, type PublishedTlp } from '../tlp';
import { isObject, type RuleContext } from './context';

const TLP1_BY_ID = new Map(TLP1_MARKINGS.map((m) => [m.id, m]));
const TLP2_BY_ID = new Map(TLP2_MARKINGS.map((m) => [m.id, m]));
const TLP2_BY_LEVEL = new Map<string, PublishedTlp>(TLP2_MARKINGS.map((m) => [m.level, m]));
const TLP1_PROPERTIES = new Set(['type', 'spec_version', 'id', 'created', 'definition_type', 'definition', 'name']);
const TLP2_PROPERTIES = new Set(['type', 'spec_version', 'id', 'created', 'name', 'extensions']);

function sameInstant(value: unknown, expected: string): boolean {
  return isStixTimestamp(value) && compareTimestamps(value, expected) === 0;
}

/** Pointers and details of every way `obj` differs from a published TLP object. */
function differences(
  obj: Record<string, unknown>,
  published: PublishedTlp,
  created: string,
  allowed: ReadonlySet<string>,
  content: (obj: Record<string, unknown>) => [string, string] | null,
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!sameInstant(obj['created'], created)) out.push(['/created', `created must be ${created}`]);
  const contentProblem = content(obj);
  if (contentProblem) out.push(contentProblem);
  if (obj['name'] !== undefined && obj['name'] !== published.name) out.push(['/name', `name must be '${published.name}'`]);
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) out.push([childPointer('', key), `property ${quote(key)} is not part of the published object`]);
  }
  return out;
}

function checkTlp1(ctx: RuleContext, id: unknown): void {
  const { obj } = ctx;
  const published = typeof id === 'string' ? TLP1_BY_ID.get(id) : undefined;
  if (!published) {
    ctx.out.push(finding('tlp1-exact', '/id', texts.tlp1Exact(`${quote(id)} is not a published TLP 1.0 id`)));
    return;
  }
  const content = (o: Record<string, unknown>): [string, string] | null => {
    if (o['definition_type'] !== 'tlp') return ['/definition_type', "definition_type must be 'tlp'"];
    const def = o['definition'];
    const exact = isObject(def) && Object.keys(def).length === 1 && def['tlp'] === published.level;
    return exact ? null : ['/definition', `definition must be {"tlp": "${published.level}"}`];
  };
  for (const [pointer, detail] of differences(obj, published, TLP1_CREATED, TLP1_PROPERTIES, content)) {
    ctx.out.push(finding('tlp1-exact', pointer, texts.tlp1Exact(detail)));
  }
}

function tlp2Finding(level: unknown, pointer: string, detail: string): Finding {
  const expected = typeof level === 'string' ? TLP2_BY_LEVEL.get(level) : undefined;
  const target = expected ? expected.id : 'of a TLP 2.0 level';
  return finding('tlp2-exact', pointer, `TLP 2.0 ${quote(level)} should be the published object ${target}; not treated as TLP (${detail})`);
}

function checkTlp2(ctx: RuleContext, id: unknown, entry: unknown): void {
  const { obj } = ctx;
  const level = isObject(entry) ? entry['tlp_2_0'] : undefined;
  const published = typeof id === 'string' ? TLP2_BY_ID.get(id) : undefined;
  if (!published || published.level !== level) {
    ctx.out.push(tlp2Finding(level, '/id', published ? `the id is that of '${published.level}'` : 'look-alike id'));
    return;
  }
  const entryPointer = childPointer('/extensions', TLP2_EXTENSION_ID);
  const content = (o: Record<string, unknown>): [string, string] | null => {
    const extensions = o['extensions'];
    const keys = isObject(extensions) ? Object.keys(extensions) : [];
    if (keys.length !== 1) return ['/extensions', 'only the TLP 2.0 extension may be present'];
    const exact =
      isObject(entry) && Object.keys(entry).length === 2 && entry['extension_type'] === 'property-extension' && entry['tlp_2_0'] === level;
    return exact ? null : [entryPointer, 'the extension entry must be exactly extension_type and tlp_2_0'];
  };
  for (const [pointer, detail] of differences(obj, published, TLP2_CREATED, TLP2_PROPERTIES, content)) {
    ctx.out.push(tlp2Finding(level, pointer, detail));
  }
}

export function checkMarkingDefinition(ctx: RuleContext): void {
  const { obj } = ctx;
  const id = obj['id'];
  const modified = obj['modified'];
  if (modified !== undefined) {
    ctx.out.push(
      finding('marking-definition-unversioned', '/modified', 'marking definitions are never versioned; modified not allowed', 'lenient-marking-modified'),
    );
    // The leniency tolerates the property, not any value: it is still a timestamp (docs/validation.md#timestamps).
    if (modified === null) ctx.out.push(finding('null-value', '/modified', texts.nullValue()));
    else {
      const problem = typeof modified === 'string' ? timestampFailure(modified, true) : { rule: 'timestamp-format' as const, text: texts.timestampFormat(modified) };
      if (problem) ctx.out.push(finding(problem.rule, '/modified', problem.text));
    }
  }
  if (obj['revoked'] !== undefined) {
    ctx.out.push(finding('marking-definition-unversioned', '/revoked', 'marking definitions are never versioned; revoked not allowed'));
  }
  const refs = obj['object_marking_refs'];
  if (Array.isArray(refs)) {
    refs.forEach((ref, i) => {
      if (ref === id) ctx.out.push(finding('marking-self-reference', `/object_marking_refs/${i}`, 'a marking definition cannot mark itself'));
    });
  }
  const granular = obj['granular_markings'];
  if (Array.isArray(granular)) {
    granular.forEach((g, i) => {
      if (isObject(g) && g['marking_ref'] === id) {
        ctx.out.push(finding('marking-self-reference', `/granular_markings/${i}/marking_ref`, 'a marking definition cannot mark itself'));
      }
    });
  }
  const definitionType = obj['definition_type'];
  if (typeof definitionType === 'string' && definitionType !== 'statement' && definitionType !== 'tlp') {
    ctx.out.push(finding('marking-definition-type', '/definition_type', `definition_type ${quote(definitionType)} should be statement or tlp`));
  }
  if (definitionType === 'tlp' || (typeof id === 'string' && TLP1_BY_ID.has(id))) checkTlp1(ctx, id);
  const extensions = obj['extensions'];
  if (isObject(extensions) && extensions[TLP2_EXTENSION_ID] !== undefined) checkTlp2(ctx, id, extensions[TLP2_EXTENSION_ID]);
}
