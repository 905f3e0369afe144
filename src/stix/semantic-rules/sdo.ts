/** SDO rules beyond the schemas (STIX 2.1 §4; docs/validation.md#sdos). */
import { isLowerHyphenated } from '../formats';
import { identifierPrefix, isTypeName } from '../identifier';
import { isCountryCode } from '../language-tag';
import { classOfType } from '../object-class';
import { checkPattern } from '../pattern';
import { childPointer } from '../pointer';
import { finding } from '../rules';
import { quote } from '../texts';
import { isObject, type RuleContext } from './context';

/** Ambiguity: ISO 3166-1 codes are upper case, but lower case is common in STIX examples; both pass. */
export function checkLocation(ctx: RuleContext): void {
  const country = ctx.obj['country'];
  if (typeof country === 'string' && !isCountryCode(country)) {
    ctx.out.push(finding('location-country-code', '/country', `country ${quote(country)} should be ISO 3166-1 alpha-2`));
  }
}

export function checkMalwareAnalysis(ctx: RuleContext): void {
  const product = ctx.obj['product'];
  if (typeof product === 'string' && !isLowerHyphenated(product)) {
    ctx.out.push(
      finding('malware-analysis-product-format', '/product', `product ${quote(product)} should be lowercase, '-' between words`),
    );
  }
}

/** Every `*_ref`/`*_refs` value inside an embedded object, with its pointer (custom `x_` ones skipped). */
function collectLocalRefs(node: unknown, pointer: string, out: Array<[string, unknown]>): void {
  if (!isObject(node)) return;
  for (const key of Object.keys(node)) {
    const value = node[key];
    const here = childPointer(pointer, key);
    if (key.startsWith('x_')) continue;
    if (key.endsWith('_ref')) out.push([here, value]);
    else if (key.endsWith('_refs') && Array.isArray(value)) value.forEach((v, i) => out.push([childPointer(here, i), v]));
    else if (isObject(value)) collectLocalRefs(value, here, out);
    else if (Array.isArray(value)) value.forEach((v, i) => collectLocalRefs(v, childPointer(here, i), out));
  }
}

export function checkObservedData(ctx: RuleContext): void {
  const { obj } = ctx;
  const objects = obj['objects'];
  if (objects !== undefined) {
    ctx.out.push(finding('observed-objects-deprecated', '/objects', 'objects is deprecated; send the SCOs and list them in object_refs'));
  }
  if (isObject(objects)) {
    // STIX 2.1 §4.14: references inside the deprecated objects dictionary name its keys.
    const refs: Array<[string, unknown]> = [];
    for (const key of Object.keys(objects)) collectLocalRefs(objects[key], childPointer('/objects', key), refs);
    for (const [pointer, value] of refs) {
      if (typeof value !== 'string' || !Object.prototype.hasOwnProperty.call(objects, value)) {
        ctx.out.push(finding('observed-objects-local-refs', pointer, `${quote(value)} must be a key of this objects dictionary`));
      }
    }
  }
  const objectRefs = obj['object_refs'];
  if (Array.isArray(objectRefs) && objectRefs.length > 0) {
    let judged = 0;
    let scoFound = false;
    for (const ref of objectRefs) {
      const prefix = typeof ref === 'string' ? identifierPrefix(ref) : null;
      if (prefix === null || !isTypeName(prefix)) continue;
      judged++;
      const cls = classOfType(prefix);
      // Ambiguity: a custom type may be a custom SCO, so it satisfies the rule.
      if (cls === 'sco' || cls === 'custom') scoFound = true;
    }
    if (judged > 0 && !scoFound) ctx.out.push(finding('observed-data-sco-present', '/object_refs', 'object_refs must include an SCO'));
  }
}

export function checkIndicator(ctx: RuleContext): void {
  const { obj } = ctx;
  if (ctx.advice && (obj['name'] === undefined || obj['description'] === undefined)) {
    const missing = ['name', 'description'].filter((p) => obj[p] === undefined).join(' and ');
    ctx.out.push(finding('indicator-name-description', '', `no ${missing}: say what this indicator detects`));
  }
  const pattern = obj['pattern'];
  if (obj['pattern_type'] !== 'stix' || typeof pattern !== 'string') return;
  for (const f of checkPattern(pattern)) {
    if (f.level === 'advisory' && !ctx.advice) continue;
    // lenient-mixed-type-and (docs/validation.md#leniencies): vendors pair SCO types in one observation.
    if (f.rule === 'pattern-single-type-and' && f.leniency === undefined) ctx.out.push({ ...f, leniency: 'lenient-mixed-type-and' });
    else ctx.out.push(f);
  }
}
