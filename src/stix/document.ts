/**
 * Whole documents for `accord validate` (docs/validation.md#where-it-runs, #bundles): a bundle, a
 * TAXII envelope, an array of objects, or one object. Document-level issues point
 * into the document; each member's verdict points into the member (its position is
 * the verdict's index, `/objects/<index>` in a bundle or envelope).
 */
import { parseUuid } from './identifier';
import { severityOf, type Issue, type ObjectVerdict } from './issues';
import { childPointer } from './pointer';
import { finding, type RuleId, type LeniencyId } from './rules';
import { quote } from './texts';
import type { StixValidator, ValidateOptions } from './validator';

export type DocumentKind = 'bundle' | 'envelope' | 'array' | 'object';

export interface DocumentVerdict {
  kind: DocumentKind;
  documentIssues: Issue[];
  verdicts: ObjectVerdict[];
}

const BUNDLE_PROPERTIES = new Set(['type', 'id', 'objects']);
const BUNDLE_SHAPE = "needs type 'bundle', id bundle--<UUID>, non-empty objects if present";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function bundleIssues(bundle: Record<string, unknown>, opts: Omit<ValidateOptions, 'index'>): Issue[] {
  const issues: Issue[] = [];
  const add = (rule: RuleId, pointer: string, message: string, leniency?: LeniencyId): void => {
    const f = finding(rule, pointer, message, leniency);
    const issue: Issue = { rule, severity: severityOf(f, opts.profile), pointer, message };
    if (leniency !== undefined && opts.profile === 'standard') issue.leniency = leniency;
    issues.push(issue);
  };
  const id = bundle['id'];
  const uuid = typeof id === 'string' && id.startsWith('bundle--') ? parseUuid(id, 'bundle--'.length) : null;
  if (!uuid) add('bundle-shape', '/id', BUNDLE_SHAPE);
  else {
    // STIX 2.1 §8: the bundle id is random, so v4 is expected; lower case is a SHOULD for every id.
    if (uuid.version !== 4) add('id-uuid-version', '/id', `UUID v${uuid.version}; use v4`);
    if (uuid.hasUpperCase) add('id-lowercase', '/id', 'UUID should be lower-case hex');
  }
  const objects = bundle['objects'];
  if (objects !== undefined && (!Array.isArray(objects) || objects.length === 0)) add('bundle-shape', '/objects', BUNDLE_SHAPE);
  for (const key of Object.keys(bundle)) {
    if (BUNDLE_PROPERTIES.has(key)) continue;
    const message = `${quote(key)} is not a bundle property (type, id, objects only)`;
    // lenient-bundle-spec-version: STIX 2.0 required it and 2.1 producers still send it; it is ignored.
    if (key === 'spec_version') add('bundle-extra-property', childPointer('', key), message, 'lenient-bundle-spec-version');
    else add('bundle-extra-property', childPointer('', key), message);
  }
  if (opts.advice !== true) return issues.filter((i) => i.severity !== 'info');
  return issues;
}

/** Accepts a bundle, a TAXII envelope, an array of objects or one object; applies the bundle rules (docs/validation.md#bundles); returns per-object verdicts and document-level issues. */
export function validateDocument(validator: StixValidator, doc: unknown, opts: Omit<ValidateOptions, 'index'>): DocumentVerdict {
  if (Array.isArray(doc)) return { kind: 'array', documentIssues: [], verdicts: validator.validateObjects(doc, opts) };
  if (isPlainObject(doc) && doc['type'] === 'bundle') {
    const objects = doc['objects'];
    const verdicts = Array.isArray(objects) ? validator.validateObjects(objects, opts) : [];
    return { kind: 'bundle', documentIssues: bundleIssues(doc, opts), verdicts };
  }
  if (isPlainObject(doc) && doc['type'] === undefined && Array.isArray(doc['objects'])) {
    return { kind: 'envelope', documentIssues: [], verdicts: validator.validateObjects(doc['objects'], opts) };
  }
  return { kind: 'object', documentIssues: [], verdicts: [validator.validateObject(doc, { ...opts, index: 0 })] };
}
