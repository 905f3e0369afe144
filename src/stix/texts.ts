/**
 * Message texts of the rule catalogue (docs/validation.md#rule-catalogue): `{v}` is the offending
 * value, quoted and cut to 80 characters. Texts never include the pointer.
 */
import { HASH_FORM_BY_NAME } from './formats';
import { MAX_NESTING } from './limits';
import { calendarProblem, MAX_FRACTION_DIGITS, splitTimestamp } from './timestamp';

const CUT = 80;

function cut(s: string): string {
  return s.length > CUT ? `${s.slice(0, CUT)}…` : s;
}

/** `{v}`: strings in single quotes, other values as JSON, cut to 80 characters. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return `'${cut(value)}'`;
  if (value === undefined) return 'nothing';
  // JSON.stringify writes these as null; the publisher sent a number too large for JSON (e.g. 1e400).
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number beyond the range of JSON numbers';
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) return `${value} (beyond ±2^53, where integers lose precision)`;
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = String(value);
  }
  return cut(json);
}

/** The JSON kind of a value, in the words of the messages. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a number';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

export function expectedWords(type: unknown): string {
  if (Array.isArray(type)) return type.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
  return TYPE_WORDS[String(type)] ?? String(type);
}

export const texts = {
  objectShape: (v: unknown) => `must be a JSON object, got ${kindOf(v).replace(/^an? /, '')}`,
  objectLimits: () => `nesting deeper than ${MAX_NESTING} levels`,
  typeName: (v: unknown) => `type ${quote(v)}: 3-250 chars of a-z, 0-9, '-'; starts with a letter; no empty '-' group`,
  typeReserved: (v: unknown) => `type ${quote(v)} is reserved`,
  idFormat: (v: unknown) => `${quote(v)} is not <type>--<UUID> (RFC 4122 variant, version 1-8)`,
  idTypePrefix: (p: string, t: string) => `id prefix '${cut(p)}' differs from type '${t}'`,
  idUuidVersion: (n: number) => `UUID v${n}; use v4`,
  idLowercase: () => 'UUID should be lower-case hex',
  scoIdV4: (t: string, n: number) => `${t} without ID-contributing properties needs a v4 UUID, found v${n}`,
  specVersionRequired: () => 'spec_version missing: this is a STIX 2.0 object',
  specVersionValue: (v: unknown) => `must be "2.1", got ${quote(v)}`,
  requiredProperty: (name: string) => `required property '${name}' is missing`,
  propertyType: (expected: string, v: unknown) => `must be ${expected}, got ${kindOf(v)}`,
  nullValue: () => 'null is not a STIX value; omit the property',
  noEmptyList: () => 'empty list; omit an optional property instead',
  noEmptyDictionary: () => 'empty dictionary',
  dictionaryKey: (v: unknown) => `key ${quote(v)}: 1-250 chars of A-Z, a-z, 0-9, '_', '-'`,
  propertyName: (v: unknown) => `${quote(v)}: 3-250 ASCII letters, digits or '_', starting with a letter`,
  customPropertyName: (v: unknown) => `custom property ${quote(v)}: 3-250 chars of a-z, 0-9, '_', starting with a letter`,
  customPropertyPrefix: (v: unknown) => `custom property ${quote(v)} should start with 'x_'`,
  reservedProperty: (v: unknown) => `${quote(v)} is reserved`,
  nonNegativeInteger: (v: unknown) => `must be an integer >= 0, got ${quote(v)}`,
  hexValue: (v: unknown) => `${quote(v)} is not even-length hex`,
  binaryValue: (v: unknown) => `${quote(v)} is not padded base64 (RFC 4648)`,
  timestampFormat: (v: unknown) => `${quote(v)} is not YYYY-MM-DDTHH:MM:SS[.digits]Z`,
  timestampCalendar: (v: unknown, reason: string) => `${quote(v)} is not a real instant (${reason})`,
  timestampPrecision: (n: number) => `needs at least 3 fraction digits (milliseconds), has ${n}`,
  confidenceRange: (v: unknown) => `must be an integer 0-100, got ${quote(v)}`,
  langTag: (v: unknown) => `${quote(v)} is not a valid RFC 5646 tag`,
  externalReferenceContent: () => 'needs source_name and one of description, url, external_id',
  externalReferenceHashes: (v: unknown) => `${quote(v)} is not a hash-algorithm-ov name`,
  urlSyntax: (v: unknown, reason: string) => `${quote(v)} is not an RFC 3986 URI: ${reason}`,
  killChainPhaseContent: () => 'needs kill_chain_name and phase_name as strings',
  killChainPhaseFormat: (v: unknown) => `${quote(v)} should be lowercase words joined by '-'`,
  granularMarkingShape: () => 'needs non-empty selectors and exactly one of marking_ref or lang',
  granularSelectorResolves: (v: unknown) => `selector ${quote(v)} selects nothing in this object`,
  refFormat: (v: unknown) => `${quote(v)} is not a STIX identifier`,
  refTargetType: (prop: string, t: string, allowed: string) => `${prop} cannot point to '${cut(t)}'; allowed: ${allowed}`,
  enumValue: (v: unknown, values: readonly unknown[]) => `${quote(v)} is not one of: ${values.map(String).join(', ')}`,
  locationRequired: () => 'needs region, country, or latitude with longitude',
  locationCoordinates: () => 'latitude and longitude come as a pair; latitude -90..90, longitude -180..180',
  locationPrecision: () => 'precision requires latitude and longitude',
  malwareFamilyName: () => 'name is required when is_family is true',
  malwareAnalysisResult: () => 'needs result or analysis_sco_refs',
  observedDataContent: () => 'needs exactly one of object_refs or objects',
  numberObservedRange: () => 'number_observed must be an integer 1-999,999,999',
  relationshipTypeFormat: (v: unknown) => `relationship_type ${quote(v)}: 3-250 chars of a-z, 0-9, '-'`,
  sightingCountRange: () => 'count must be an integer 0-999,999,999',
  scoAtLeastOne: () => 'needs at least one own property',
  artifactPayloadOrUrl: () => 'needs exactly one of payload_bin or url; url needs hashes',
  artifactEncryption: () => 'decryption_key needs encryption_algorithm',
  mimeTypeSyntax: (v: unknown) => `${quote(v)} is not a type/subtype media type`,
  charsetName: (v: unknown) => `${quote(v)} is not an IANA character-set name or alias`,
  domainNameValue: (v: unknown) => `${quote(v)} is not a domain name (RFC 1034 labels, IDNA)`,
  emailAddrValue: (v: unknown) => `${quote(v)} is not a bare RFC 5322 addr-spec`,
  emailMessageBody: () => 'body needs is_multipart false, body_multipart true; parts need body or body_raw_ref',
  fileNameOrHashes: () => 'needs hashes or name',
  ipValue: (v: unknown, n: 4 | 6) => `${quote(v)} is not an IPv${n} address or CIDR (prefix 0-${n === 4 ? 32 : 128})`,
  macAddrValue: (v: unknown) => `${quote(v)}: six lower-case hex pairs joined by ':'`,
  networkTrafficEndpoint: () => 'needs src_ref or dst_ref',
  portRange: (v: unknown) => `port must be an integer 0-65535, got ${quote(v)}`,
  networkTrafficActiveNoEnd: () => 'end is not allowed while is_active is true',
  softwareCpe: (v: unknown) => `${quote(v)} is not a CPE 2.3 formatted string`,
  softwareLanguage: (v: unknown) => `${quote(v)} is neither ISO 639-2 nor a valid RFC 5646 tag`,
  predefinedExtensionRequires: (ext: string, props: string) => `${ext} requires ${props}`,
  predefinedExtensionAtLeastOne: (ext: string) => `${ext} needs at least one property`,
  markingDefinitionContent: () => 'needs definition_type with definition, or extensions',
  statementMarking: () => 'definition must be an object with a string statement',
  tlp1Exact: (detail: string) => `TLP 1.0 must be one of the four published objects exactly (${detail})`,
  languageContentContents: () =>
    'contents keys must be language tags mapping to non-empty dictionaries keyed by property names',
  extensionPropertiesScope: () => 'extension_properties needs toplevel-property-extension in extension_types',
  extensionEntry: () => 'must be a non-empty object, with extension_type under an extension-definition key',
};

/** The timestamp rule and text for a string that failed a timestamp format. */
export function timestampFailure(
  value: unknown,
  needsMillis: boolean,
): { rule: 'timestamp-format' | 'timestamp-calendar' | 'timestamp-precision'; text: string } | null {
  if (typeof value !== 'string') return null;
  const parts = splitTimestamp(value);
  if (!parts) {
    const long = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.(\d+)Z$/.exec(value.slice(0, 10_000));
    const text = long && long[1]!.length > MAX_FRACTION_DIGITS ? `${texts.timestampFormat(value)} with at most ${MAX_FRACTION_DIGITS} fraction digits` : texts.timestampFormat(value);
    return { rule: 'timestamp-format', text };
  }
  const reason = calendarProblem(parts);
  if (reason) return { rule: 'timestamp-calendar', text: texts.timestampCalendar(value, reason) };
  if (needsMillis && parts.fraction.length < 3) {
    return { rule: 'timestamp-precision', text: texts.timestampPrecision(parts.fraction.length) };
  }
  return null;
}

/** `{alg} value {v} is malformed (expected {form})`, or null when the value fits. */
export function hashValueProblem(alg: string, value: unknown): string | null {
  const form = HASH_FORM_BY_NAME.get(alg);
  if (!form || typeof value !== 'string' || form.check(value)) return null;
  return `${alg} value ${quote(value)} is malformed (expected ${form.form})`;
}
