/**
 * Target types of reference properties (STIX 2.1 §3.2 and each type's property
 * table; docs/validation.md#references). Only the id prefix is checked: targets may live
 * elsewhere or arrive later. Custom types pass where any object, SDO or SCO is
 * allowed, never where types are named; custom `x_…_ref(s)` are not checked.
 */
import type { Finding } from './issues';
import { identifierPrefix, isTypeName } from './identifier';
import { classOfType, type ObjectClass } from './object-class';
import { childPointer } from './pointer';
import { finding } from './rules';
import { texts } from './texts';

export interface AllowedTargets {
  /** Named target types. */
  types?: ReadonlySet<string>;
  /** Target classes; custom types pass whenever a class is listed. */
  classes?: ReadonlySet<ObjectClass>;
  /** Named types excluded from the classes (e.g. language-content). */
  except?: ReadonlySet<string>;
  describe: string;
}

export interface RefSpec {
  /** Property path; `*` steps into each list item. */
  path: readonly string[];
  allowed: AllowedTargets;
}

function named(types: string): AllowedTargets {
  const list = types.split(' ');
  return { types: new Set(list), describe: list.join(', ') };
}

const ANY_EXCEPT_BUNDLE: AllowedTargets = {
  classes: new Set(['sdo', 'sro', 'sco', 'meta', 'custom']),
  describe: 'any STIX object',
};
const SCO_OR_SRO: AllowedTargets = { classes: new Set(['sco', 'sro', 'custom']), describe: 'SCOs and SROs' };
const ANY_SCO: AllowedTargets = { classes: new Set(['sco', 'custom']), describe: 'any SCO' };
const ENDPOINT: AllowedTargets = { classes: new Set(['sdo', 'sco', 'custom']), describe: 'any SDO, SCO or custom object' };
const SIGHTED: AllowedTargets = { classes: new Set(['sdo', 'custom']), describe: 'any SDO or custom object' };
const NOT_LANGUAGE_CONTENT: AllowedTargets = {
  classes: new Set(['sdo', 'sro', 'sco', 'meta', 'custom']),
  except: new Set(['language-content']),
  describe: 'any object except language-content',
};

const p = (path: string, allowed: AllowedTargets): RefSpec => ({ path: path.split('.'), allowed });

export const COMMON_REFS: readonly RefSpec[] = [
  p('created_by_ref', named('identity')),
  p('object_marking_refs', named('marking-definition')),
  p('granular_markings.*.marking_ref', named('marking-definition')),
];

const OBJECT_REFS = [p('object_refs', ANY_EXCEPT_BUNDLE)];
const IP_REFS = [p('resolves_to_refs', named('mac-addr')), p('belongs_to_refs', named('autonomous-system'))];

export const TYPE_REFS: ReadonlyMap<string, readonly RefSpec[]> = new Map([
  ['grouping', OBJECT_REFS],
  ['note', OBJECT_REFS],
  ['opinion', OBJECT_REFS],
  ['report', OBJECT_REFS],
  ['observed-data', [p('object_refs', SCO_OR_SRO)]],
  ['relationship', [p('source_ref', ENDPOINT), p('target_ref', ENDPOINT)]],
  [
    'sighting',
    [p('sighting_of_ref', SIGHTED), p('observed_data_refs', named('observed-data')), p('where_sighted_refs', named('identity location'))],
  ],
  ['language-content', [p('object_ref', NOT_LANGUAGE_CONTENT)]],
  ['malware', [p('operating_system_refs', named('software')), p('sample_refs', named('file artifact'))]],
  [
    'malware-analysis',
    [
      p('host_vm_ref', named('software')),
      p('operating_system_ref', named('software')),
      p('installed_software_refs', named('software')),
      p('sample_ref', named('file network-traffic artifact')),
      p('analysis_sco_refs', ANY_SCO),
    ],
  ],
  ['directory', [p('contains_refs', named('file directory'))]],
  [
    'file',
    [
      p('extensions.archive-ext.contains_refs', named('file directory')),
      p('contains_refs', ANY_SCO),
      p('parent_directory_ref', named('directory')),
      p('content_ref', named('artifact')),
    ],
  ],
  ['domain-name', [p('resolves_to_refs', named('ipv4-addr ipv6-addr domain-name'))]],
  ['ipv4-addr', IP_REFS],
  ['ipv6-addr', IP_REFS],
  ['email-addr', [p('belongs_to_ref', named('user-account'))]],
  [
    'email-message',
    [
      p('from_ref', named('email-addr')),
      p('sender_ref', named('email-addr')),
      p('to_refs', named('email-addr')),
      p('cc_refs', named('email-addr')),
      p('bcc_refs', named('email-addr')),
      p('raw_email_ref', named('artifact')),
      p('body_multipart.*.body_raw_ref', named('artifact file')),
    ],
  ],
  [
    'network-traffic',
    [
      p('src_ref', named('ipv4-addr ipv6-addr mac-addr domain-name')),
      p('dst_ref', named('ipv4-addr ipv6-addr mac-addr domain-name')),
      p('src_payload_ref', named('artifact')),
      p('dst_payload_ref', named('artifact')),
      p('extensions.http-request-ext.message_body_data_ref', named('artifact')),
      p('encapsulates_refs', named('network-traffic')),
      p('encapsulated_by_ref', named('network-traffic')),
    ],
  ],
  [
    'process',
    [
      p('opened_connection_refs', named('network-traffic')),
      p('creator_user_ref', named('user-account')),
      p('image_ref', named('file')),
      p('parent_ref', named('process')),
      p('child_refs', named('process')),
      p('extensions.windows-service-ext.service_dll_refs', named('file')),
    ],
  ],
  ['windows-registry-key', [p('creator_user_ref', named('user-account'))]],
]);

export function isAllowedTarget(targetType: string, allowed: AllowedTargets): boolean {
  if (allowed.types) return allowed.types.has(targetType);
  if (allowed.except?.has(targetType) || targetType === 'bundle') return false;
  return allowed.classes?.has(classOfType(targetType)) ?? false;
}

function checkValue(value: unknown, pointer: string, prop: string, allowed: AllowedTargets, out: Finding[]): void {
  if (typeof value !== 'string') return;
  const target = identifierPrefix(value);
  // Malformed identifiers are reported by ref-format (schema); only the target type is judged here.
  if (target === null || !isTypeName(target)) return;
  if (!isAllowedTarget(target, allowed)) out.push(finding('ref-target-type', pointer, texts.refTargetType(prop, target, allowed.describe)));
}

function walk(node: unknown, path: readonly string[], i: number, pointer: string, prop: string, allowed: AllowedTargets, out: Finding[]): void {
  if (i === path.length) {
    if (Array.isArray(node)) for (let k = 0; k < node.length; k++) checkValue(node[k], childPointer(pointer, k), prop, allowed, out);
    else checkValue(node, pointer, prop, allowed, out);
    return;
  }
  const step = path[i] as string;
  if (step === '*') {
    if (Array.isArray(node)) for (let k = 0; k < node.length; k++) walk(node[k], path, i + 1, childPointer(pointer, k), prop, allowed, out);
  } else if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    const next = (node as Record<string, unknown>)[step];
    if (next !== undefined) walk(next, path, i + 1, childPointer(pointer, step), prop, allowed, out);
  }
}

export function checkReferences(obj: Record<string, unknown>, specs: readonly RefSpec[], out: Finding[]): void {
  for (const spec of specs) {
    if (obj[spec.path[0] as string] === undefined) continue;
    walk(obj, spec.path, 0, '', spec.path[spec.path.length - 1] as string, spec.allowed, out);
  }
}
