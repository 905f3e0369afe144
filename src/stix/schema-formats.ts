/**
 * The string formats named by the schemas in `schemas/`, all linear code with length
 * caps (docs/validation.md#redos). ajv's own `date-time` is not used: it accepts offsets,
 * which STIX timestamps may not carry (STIX 2.1 §2.14).
 */
import {
  HASH_FORM_BY_NAME,
  isBase64,
  isCharsetName,
  isCpe23,
  isDictionaryKey,
  isDomainName,
  isEmailAddr,
  isHex,
  isIPv4OrCidr,
  isIPv6OrCidr,
  isMacAddr,
  isMediaType,
  isPropertyName,
  isRelationshipType,
} from './formats';
import { isIdentifier, isTypeName } from './identifier';
import { isSoftwareLanguage, isValidLanguageTag } from './language-tag';
import { calendarProblem, splitTimestamp } from './timestamp';
import { uriProblem } from './uri';

function isStixTimestamp(value: string): boolean {
  const parts = splitTimestamp(value);
  return parts !== null && calendarProblem(parts) === null;
}

/** created and modified need millisecond precision or finer (STIX 2.1 §3.2). */
function isStixTimestampMillis(value: string): boolean {
  const parts = splitTimestamp(value);
  return parts !== null && calendarProblem(parts) === null && parts.fraction.length >= 3;
}

function hashCheck(name: string): (value: string) => boolean {
  const form = HASH_FORM_BY_NAME.get(name);
  if (!form) throw new Error(`unknown hash algorithm ${name}`);
  return (value) => form.check(value);
}

export const SCHEMA_FORMATS: ReadonlyArray<readonly [string, (value: string) => boolean]> = [
  ['stix-type-name', isTypeName],
  ['stix-identifier', isIdentifier],
  ['stix-timestamp', isStixTimestamp],
  ['stix-timestamp-millis', isStixTimestampMillis],
  ['stix-property-name', isPropertyName],
  ['stix-url', (v) => uriProblem(v) === null],
  ['dictionary-key', isDictionaryKey],
  ['relationship-type', isRelationshipType],
  ['language-tag', isValidLanguageTag],
  ['software-language', isSoftwareLanguage],
  ['hex', isHex],
  ['base64', isBase64],
  ['media-type', isMediaType],
  ['charset', isCharsetName],
  ['cpe23', isCpe23],
  ['mac-addr', isMacAddr],
  ['domain-name', isDomainName],
  ['email-addr', isEmailAddr],
  ['ipv4-or-cidr', isIPv4OrCidr],
  ['ipv6-or-cidr', isIPv6OrCidr],
  ['hash-md5', hashCheck('MD5')],
  ['hash-sha1', hashCheck('SHA-1')],
  ['hash-sha256', hashCheck('SHA-256')],
  ['hash-sha512', hashCheck('SHA-512')],
  ['hash-sha3-256', hashCheck('SHA3-256')],
  ['hash-sha3-512', hashCheck('SHA3-512')],
  ['hash-ssdeep', hashCheck('SSDEEP')],
  ['hash-tlsh', hashCheck('TLSH')],
];
