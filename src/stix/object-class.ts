/**
 * Object classes (STIX 2.1 §4-§7, §11.2; docs/validation.md#custom-objects): which
 * types are SDOs, SROs, SCOs and meta objects, and which class a custom object behaves
 * as.
 */

export type ObjectClass = 'sdo' | 'sro' | 'sco' | 'meta' | 'custom';
/** The class whose common properties and rules apply (custom objects borrow one). */
export type CommonClass = 'sdo' | 'sro' | 'sco' | 'meta';

export const SDO_TYPES: ReadonlySet<string> = new Set([
  'attack-pattern', 'campaign', 'course-of-action', 'grouping', 'identity', 'incident', 'indicator',
  'infrastructure', 'intrusion-set', 'location', 'malware', 'malware-analysis', 'note', 'observed-data',
  'opinion', 'report', 'threat-actor', 'tool', 'vulnerability',
]);

export const SRO_TYPES: ReadonlySet<string> = new Set(['relationship', 'sighting']);

export const SCO_TYPES: ReadonlySet<string> = new Set([
  'artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message', 'file',
  'ipv4-addr', 'ipv6-addr', 'mac-addr', 'mutex', 'network-traffic', 'process', 'software', 'url',
  'user-account', 'windows-registry-key', 'x509-certificate',
]);

export const META_TYPES: ReadonlySet<string> = new Set(['marking-definition', 'language-content', 'extension-definition']);

/** STIX 2.1 §3.1: type names a producer may not use. */
export const RESERVED_TYPES: ReadonlySet<string> = new Set(['action']);

export function classOfType(type: string): ObjectClass {
  if (SDO_TYPES.has(type)) return 'sdo';
  if (SRO_TYPES.has(type)) return 'sro';
  if (SCO_TYPES.has(type)) return 'sco';
  if (META_TYPES.has(type)) return 'meta';
  return 'custom';
}

export function isExtensionDefinitionKey(key: string): boolean {
  return key.startsWith('extension-definition--');
}

/**
 * STIX 2.1 §11.2 and docs/validation.md#custom-objects: a custom object declaring `new-sco` in an
 * extension-definition entry is an SCO, `new-sdo`/`new-sro` an SDO/SRO; undeclared, it
 * is SDO-like when it has `created` or `modified` (the deprecated custom-object style),
 * else SCO-like.
 */
export function commonClassOfCustom(obj: Record<string, unknown>): { cls: CommonClass; declared: boolean } {
  const extensions = obj['extensions'];
  if (extensions !== null && typeof extensions === 'object' && !Array.isArray(extensions)) {
    for (const [key, entry] of Object.entries(extensions as Record<string, unknown>)) {
      if (!isExtensionDefinitionKey(key) || entry === null || typeof entry !== 'object') continue;
      const kind = (entry as Record<string, unknown>)['extension_type'];
      if (kind === 'new-sco') return { cls: 'sco', declared: true };
      if (kind === 'new-sdo') return { cls: 'sdo', declared: true };
      if (kind === 'new-sro') return { cls: 'sro', declared: true };
    }
  }
  const sdoLike = obj['created'] !== undefined || obj['modified'] !== undefined;
  return { cls: sdoLike ? 'sdo' : 'sco', declared: false };
}

/** True for an SCO, or a custom object that behaves as one (STIX 2.1 §6: no created_by_ref). */
export function isCyberObservable(obj: Record<string, unknown>): boolean {
  const type = typeof obj['type'] === 'string' ? obj['type'] : '';
  const cls = classOfType(type);
  return cls === 'sco' || (cls === 'custom' && commonClassOfCustom(obj).cls === 'sco');
}
