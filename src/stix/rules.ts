/**
 * The public rule catalogue (docs/validation.md#rule-catalogue) with each rule's
 * level, and the leniencies of the `standard` profile (docs/validation.md#leniencies).
 * Rule ids are never renamed or reused.
 */
import type { Finding, Position, RuleLevel } from './issues';

export const RULE_LEVELS = {
  // Shape, type, identifier, version
  'object-shape': 'must',
  'type-name': 'must',
  'type-reserved': 'must',
  'id-format': 'must',
  'id-type-prefix': 'must',
  'id-uuid-version': 'should',
  'id-lowercase': 'should',
  'sco-id-v4': 'must',
  'spec-version-required': 'must',
  'spec-version-value': 'must',
  // Property names and values
  'required-property': 'must',
  'property-type': 'must',
  'null-value': 'must',
  'no-empty-list': 'must',
  'no-empty-dictionary': 'must',
  'dictionary-key': 'must',
  'property-name': 'must',
  'custom-property-name': 'must',
  'custom-property-prefix': 'should',
  'reserved-property': 'must',
  'non-negative-integer': 'must',
  'hex-value': 'must',
  'binary-value': 'must',
  // Timestamps
  'timestamp-format': 'must',
  'timestamp-calendar': 'must',
  'timestamp-precision': 'must',
  'modified-not-before-created': 'must',
  'last-seen-not-before-first-seen': 'must',
  'last-observed-not-before-first-observed': 'must',
  'valid-until-after-valid-from': 'must',
  'stop-time-after-start-time': 'must',
  'end-not-before-start': 'must',
  // Common properties
  'confidence-range': 'must',
  'lang-tag': 'must',
  'external-reference-content': 'must',
  'external-reference-hashes': 'must',
  'url-syntax': 'must',
  'vuln-ref-id': 'must',
  'kill-chain-phase-content': 'must',
  'kill-chain-phase-format': 'should',
  'granular-marking-shape': 'must',
  'granular-selector-resolves': 'must',
  // References
  'ref-format': 'must',
  'ref-target-type': 'must',
  // Vocabularies
  'enum-value': 'must',
  // SDOs
  'location-required': 'must',
  'location-coordinates': 'must',
  'location-precision': 'must',
  'location-country-code': 'should',
  'malware-family-name': 'must',
  'malware-analysis-result': 'must',
  'malware-analysis-product-format': 'should',
  'observed-data-content': 'must',
  'observed-data-sco-present': 'must',
  'number-observed-range': 'must',
  'observed-objects-deprecated': 'should',
  'observed-objects-local-refs': 'must',
  // SROs
  'relationship-type-format': 'must',
  'sighting-count-range': 'must',
  // SCOs
  'sco-at-least-one': 'must',
  'artifact-payload-or-url': 'must',
  'artifact-encryption': 'must',
  'mime-type-syntax': 'must',
  'charset-name': 'must',
  'domain-name-value': 'must',
  'email-addr-value': 'must',
  'email-message-body': 'must',
  'file-name-or-hashes': 'must',
  'hashes-value': 'must',
  'ip-value': 'must',
  'mac-addr-value': 'must',
  'network-traffic-endpoint': 'must',
  'port-range': 'must',
  'network-traffic-active-no-end': 'must',
  'protocols-lowercase': 'should',
  'software-cpe': 'must',
  'software-language': 'must',
  'registry-key-hive': 'must',
  'windows-process-priority': 'should',
  'predefined-extension-scope': 'must',
  'predefined-extension-content': 'must',
  // Markings, language content, extension definitions
  'marking-definition-content': 'must',
  'statement-marking': 'must',
  'tlp1-exact': 'must',
  'tlp2-exact': 'should',
  'marking-definition-unversioned': 'must',
  'marking-self-reference': 'must',
  'marking-definition-type': 'should',
  'language-content-contents': 'must',
  'extension-properties-scope': 'must',
  'extension-properties-present': 'should',
  'extension-definition-description': 'should',
  // Custom objects and extensions
  'extensions-key': 'must',
  'extension-entry': 'must',
  'custom-type-prefix': 'should',
  'custom-object-common': 'must',
  // Bundles
  'bundle-in-envelope': 'must',
  'bundle-shape': 'must',
  'bundle-extra-property': 'must',
  // Limits
  'object-limits': 'must',
  // Patterns
  'pattern-syntax': 'must',
  'pattern-limits': 'must',
  'pattern-object-type': 'must',
  'pattern-property-name': 'must',
  'pattern-list-index': 'must',
  'pattern-single-type-and': 'must',
  'pattern-qualifier-repeated': 'must',
  'pattern-qualifier-positive': 'must',
  'pattern-start-before-stop': 'should',
  'pattern-hash-literal': 'must',
  'pattern-timestamp-literal': 'must',
  'pattern-cidr-operand': 'should',
  // Advisories
  'open-vocab-value': 'advisory',
  'open-vocab-format': 'advisory',
  'relationship-type-suggested': 'advisory',
  'indicator-name-description': 'advisory',
  'external-reference-url-hashes': 'advisory',
  'sco-id-deterministic': 'advisory',
  'hash-algorithm-custom': 'advisory',
  'mime-type-registered': 'advisory',
  'registry-key-hive-unknown': 'advisory',
  'dictionary-key-lowercase': 'advisory',
  'duplicate-version': 'advisory',
  'pattern-unknown-property': 'advisory',
  'pattern-regex-unverified': 'advisory',
  'extension-use': 'advisory',
} as const satisfies Record<string, RuleLevel>;

export type RuleId = keyof typeof RULE_LEVELS;

export type LeniencyId =
  | 'lenient-empty-list'
  | 'lenient-url-syntax'
  | 'lenient-vuln-ref-shape'
  | 'lenient-mixed-type-and'
  | 'lenient-bundle-spec-version'
  | 'lenient-marking-modified';

export function isRuleId(value: string): value is RuleId {
  return Object.prototype.hasOwnProperty.call(RULE_LEVELS, value);
}

export function finding(rule: RuleId, pointer: string, message: string, leniency?: LeniencyId, position?: Position): Finding {
  const f: Finding = { rule, level: RULE_LEVELS[rule], pointer, message };
  if (leniency !== undefined) f.leniency = leniency;
  if (position !== undefined) f.position = position;
  return f;
}
