/**
 * Maps ajv errors (verbose, so each carries its parentSchema) to Accord findings: the rule
 * comes from the `x-rule` annotation of the failing subschema, else from the keyword;
 * the branch noise of `anyOf`/`oneOf` is folded into the composite's own rule
 * (docs/validation.md#schemas).
 */
import type { ErrorObject } from 'ajv';
import type { Finding } from './issues';
import { childPointer, pointerSegments, resolvePointer } from './pointer';
import { finding, isRuleId, type RuleId } from './rules';
import { POINTER_KEYWORD, RULE_KEYWORD } from './schema-registry';
import { expectedWords, hashValueProblem, quote, texts, timestampFailure } from './texts';
import { uriProblem } from './uri';

/** Composites whose branch errors fold into their own; a failed `if` reports its `then`/`else` errors instead. */
const COMPOSITES = new Set(['anyOf', 'oneOf']);

interface ErrorContext {
  error: ErrorObject;
  pointer: string;
  value: unknown;
  /** The property name at the pointer (or the failing key for propertyNames). */
  key: string;
  root: Record<string, unknown>;
}

function annotatedRule(error: ErrorObject): RuleId | undefined {
  const parent = error.parentSchema as Record<string, unknown> | undefined;
  const rule = parent?.[RULE_KEYWORD];
  return typeof rule === 'string' && isRuleId(rule) ? rule : undefined;
}

/**
 * Where an error points: a key for propertyNames, the dependent property for
 * dependentRequired, else the property named by the subschema's `x-pointer`, else
 * the failing value.
 */
function pointerOf(error: ErrorObject): string {
  if (error.propertyName !== undefined) return childPointer(error.instancePath, error.propertyName);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'dependentRequired' && typeof params['property'] === 'string') {
    return childPointer(error.instancePath, params['property']);
  }
  const target = (error.parentSchema as Record<string, unknown> | undefined)?.[POINTER_KEYWORD];
  return typeof target === 'string' ? childPointer(error.instancePath, target) : error.instancePath;
}

/**
 * Failed composites by instance path. Their branches hold only `required` checks, so
 * branch errors sit at the composite's own instance path (a Map keeps this linear).
 */
function compositesByPath(errors: readonly ErrorObject[]): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const e of errors) {
    if (!COMPOSITES.has(e.keyword)) continue;
    const list = byPath.get(e.instancePath);
    if (list) list.push(`${e.schemaPath}/`);
    else byPath.set(e.instancePath, [`${e.schemaPath}/`]);
  }
  return byPath;
}

function isFolded(error: ErrorObject, composites: ReadonlyMap<string, string[]>): boolean {
  const prefixes = composites.get(error.instancePath);
  if (!prefixes) return false;
  for (const prefix of prefixes) if (error.schemaPath.startsWith(prefix)) return true;
  return false;
}

function requirementWords(error: ErrorObject): string {
  const parent = error.parentSchema as Record<string, unknown> | undefined;
  const branches = parent?.['anyOf'] ?? parent?.['oneOf'];
  if (error.keyword === 'required' || error.keyword === 'dependentRequired') {
    return String((error.params as { missingProperty?: string }).missingProperty);
  }
  if (Array.isArray(branches)) {
    return branches
      .map((b: unknown) => ((b as { required?: string[] }).required ?? []).join(' and '))
      .filter((s) => s.length > 0)
      .join(' or ');
  }
  return 'its properties';
}

function extensionName(pointer: string): string {
  const segments = pointerSegments(pointer);
  const i = segments.indexOf('extensions');
  return i >= 0 && i + 1 < segments.length ? (segments[i + 1] as string) : 'extension';
}

function propertyTypeText(ctx: ErrorContext): string {
  const { error, value } = ctx;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return texts.propertyType(expectedWords(params['type']), value);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(params['comparison'])} ${String(params['limit'])}, got ${quote(value)}`;
    case 'format':
      return `${quote(value)} is not a valid ${String(params['format'])}`;
    case 'additionalProperties':
      return `${quote(params['additionalProperty'])} is not allowed here`;
    default:
      return `${quote(value)} does not fit the ${error.keyword} constraint`;
  }
}

function textFor(rule: RuleId, ctx: ErrorContext): string {
  const { error, value, key } = ctx;
  const params = error.params as Record<string, unknown>;
  switch (rule) {
    case 'required-property':
      return texts.requiredProperty(String(params['missingProperty']));
    case 'spec-version-required':
      return texts.specVersionRequired();
    case 'null-value':
      return texts.nullValue();
    case 'enum-value': {
      const values = (params['allowedValues'] as unknown[] | undefined) ?? [params['allowedValue']];
      return texts.enumValue(value, values);
    }
    case 'no-empty-list':
      return texts.noEmptyList();
    case 'no-empty-dictionary':
      return texts.noEmptyDictionary();
    case 'dictionary-key':
      return texts.dictionaryKey(key);
    case 'property-name':
      return texts.propertyName(key);
    case 'external-reference-hashes':
      return texts.externalReferenceHashes(key);
    case 'non-negative-integer':
      return texts.nonNegativeInteger(value);
    case 'hex-value':
      return texts.hexValue(value);
    case 'binary-value':
      return texts.binaryValue(value);
    case 'confidence-range':
      return texts.confidenceRange(value);
    case 'lang-tag':
      return texts.langTag(error.propertyName ?? value);
    case 'ref-format':
      return texts.refFormat(value);
    case 'id-format':
      return texts.idFormat(value);
    case 'type-name':
      return texts.typeName(value);
    case 'spec-version-value':
      return texts.specVersionValue(value);
    case 'url-syntax':
      return texts.urlSyntax(value, typeof value === 'string' ? (uriProblem(value) ?? 'invalid') : 'not a string');
    case 'hashes-value':
      return hashValueProblem(key, value) ?? `${key} value ${quote(value)} is malformed`;
    case 'mime-type-syntax':
      return texts.mimeTypeSyntax(value);
    case 'charset-name':
      return texts.charsetName(value);
    case 'domain-name-value':
      return texts.domainNameValue(value);
    case 'email-addr-value':
      return texts.emailAddrValue(value);
    case 'mac-addr-value':
      return texts.macAddrValue(value);
    case 'ip-value':
      return texts.ipValue(value, ctx.root['type'] === 'ipv6-addr' ? 6 : 4);
    case 'software-cpe':
      return texts.softwareCpe(value);
    case 'software-language':
      return texts.softwareLanguage(value);
    case 'port-range':
      return texts.portRange(value);
    case 'relationship-type-format':
      return texts.relationshipTypeFormat(value);
    case 'predefined-extension-content':
      return error.keyword === 'minProperties'
        ? texts.predefinedExtensionAtLeastOne(extensionName(ctx.pointer))
        : texts.predefinedExtensionRequires(extensionName(ctx.pointer), requirementWords(error));
    case 'property-type':
      return propertyTypeText(ctx);
    default:
      return fixedText(rule);
  }
}

const FIXED_TEXTS: Partial<Record<RuleId, () => string>> = {
  'external-reference-content': texts.externalReferenceContent,
  'kill-chain-phase-content': texts.killChainPhaseContent,
  'granular-marking-shape': texts.granularMarkingShape,
  'location-required': texts.locationRequired,
  'location-coordinates': texts.locationCoordinates,
  'location-precision': texts.locationPrecision,
  'malware-family-name': texts.malwareFamilyName,
  'malware-analysis-result': texts.malwareAnalysisResult,
  'observed-data-content': texts.observedDataContent,
  'number-observed-range': texts.numberObservedRange,
  'sighting-count-range': texts.sightingCountRange,
  'sco-at-least-one': texts.scoAtLeastOne,
  'artifact-payload-or-url': texts.artifactPayloadOrUrl,
  'artifact-encryption': texts.artifactEncryption,
  'email-message-body': texts.emailMessageBody,
  'file-name-or-hashes': texts.fileNameOrHashes,
  'network-traffic-endpoint': texts.networkTrafficEndpoint,
  'network-traffic-active-no-end': texts.networkTrafficActiveNoEnd,
  'marking-definition-content': texts.markingDefinitionContent,
  'statement-marking': texts.statementMarking,
  'language-content-contents': texts.languageContentContents,
  'extension-properties-scope': texts.extensionPropertiesScope,
  'extension-entry': texts.extensionEntry,
  'tlp1-exact': () => texts.tlp1Exact('definition must be {"tlp": white|green|amber|red}'),
};

function fixedText(rule: RuleId): string {
  const text = FIXED_TEXTS[rule];
  return text ? text() : `fails rule ${rule}`;
}

function defaultRule(error: ErrorObject, value: unknown): RuleId {
  switch (error.keyword) {
    case 'required':
    case 'dependentRequired':
      return 'required-property';
    case 'type':
      return 'property-type';
    case 'const':
    case 'enum':
      return 'enum-value';
    case 'minItems':
      return 'no-empty-list';
    case 'minProperties':
      return 'no-empty-dictionary';
    default:
      return value === null ? 'null-value' : 'property-type';
  }
}

/**
 * Findings for the schema errors of `root`, one per error after folding. Root-level
 * `created` or `modified` missing on a custom object is left to `custom-object-common`.
 */
export function mapSchemaErrors(errors: readonly ErrorObject[], root: Record<string, unknown>, isCustom: boolean): Finding[] {
  const composites = compositesByPath(errors);
  const out: Finding[] = [];
  for (const error of errors) {
    if (error.keyword === 'propertyNames' || error.keyword === 'if') continue;
    if (composites.size > 0 && isFolded(error, composites)) continue;
    const params = error.params as Record<string, unknown>;
    const onKey = error.propertyName !== undefined;
    const pointer = pointerOf(error);
    const value = onKey ? error.propertyName : resolvePointer(root, error.instancePath);
    const segments = pointerSegments(pointer);
    const key = segments.length > 0 ? (segments[segments.length - 1] as string) : '';
    const ctx: ErrorContext = { error, pointer, value, key, root };

    if (error.keyword === 'required' && pointer === '') {
      const missing = params['missingProperty'];
      if (missing === 'spec_version') {
        out.push(finding('spec-version-required', '', texts.specVersionRequired()));
        continue;
      }
      if (isCustom && (missing === 'created' || missing === 'modified')) continue;
    }
    if (error.keyword === 'format' && typeof params['format'] === 'string' && params['format'].startsWith('stix-timestamp')) {
      const failure = timestampFailure(value, params['format'] === 'stix-timestamp-millis');
      if (failure) {
        out.push(finding(failure.rule, pointer, failure.text));
        continue;
      }
    }
    let rule: RuleId;
    if (error.keyword === 'type' && value === null) rule = 'null-value';
    else rule = annotatedRule(error) ?? (onKey ? 'dictionary-key' : defaultRule(error, value));
    out.push(finding(rule, pointer, textFor(rule, ctx)));
  }
  return out;
}
