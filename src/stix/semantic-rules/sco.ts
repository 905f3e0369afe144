/** SCO rules beyond the schemas (STIX 2.1 §6; docs/validation.md#scos). */
import { REGISTERED_TOP_LEVEL_TYPES } from '../formats';
import { childPointer } from '../pointer';
import { finding } from '../rules';
import { quote } from '../texts';
import { VOCABULARIES } from '../vocabularies';
import { isObject, type RuleContext } from './context';

export function checkProtocols(ctx: RuleContext): void {
  const protocols = ctx.obj['protocols'];
  if (!Array.isArray(protocols)) return;
  protocols.forEach((p, i) => {
    if (typeof p === 'string' && p !== p.toLowerCase()) {
      ctx.out.push(finding('protocols-lowercase', `/protocols/${i}`, `protocol ${quote(p)} should be a lower-case IANA name`));
    }
  });
}

const ABBREVIATED_HIVES = new Set(['hklm', 'hkcu', 'hkcr', 'hku', 'hkcc', 'hkpd']);
const FULL_HIVES = new Set([
  'hkey_local_machine',
  'hkey_current_user',
  'hkey_classes_root',
  'hkey_users',
  'hkey_current_config',
  'hkey_performance_data',
  'hkey_performance_text',
  'hkey_performance_nlstext',
  'hkey_dyn_data',
  'hkey_current_user_local_settings',
]);

/** STIX 2.1 §6.17: the hive is written in full (`HKEY_LOCAL_MACHINE\…`), any case. */
export function checkRegistryKey(ctx: RuleContext): void {
  const key = ctx.obj['key'];
  if (typeof key !== 'string') return;
  const slash = key.indexOf('\\');
  const first = (slash < 0 ? key : key.slice(0, slash)).toLowerCase();
  if (ABBREVIATED_HIVES.has(first)) {
    ctx.out.push(finding('registry-key-hive', '/key', `hive ${quote(key.slice(0, first.length))} is abbreviated; write HKEY_…`));
  } else if (ctx.advice && !FULL_HIVES.has(first)) {
    ctx.out.push(finding('registry-key-hive-unknown', '/key', `${quote(key)} does not start with a full HKEY_ hive`));
  }
}

export function checkWindowsProcessExt(ctx: RuleContext): void {
  const extensions = ctx.obj['extensions'];
  const ext = isObject(extensions) ? extensions['windows-process-ext'] : undefined;
  const priority = isObject(ext) ? ext['priority'] : undefined;
  if (typeof priority === 'string' && !priority.endsWith('_CLASS')) {
    ctx.out.push(
      finding('windows-process-priority', '/extensions/windows-process-ext/priority', `priority ${quote(priority)} should end in _CLASS`),
    );
  }
}

const HASH_NAMES = VOCABULARIES['hash-algorithm-ov'] as ReadonlySet<string>;
/** Ambiguity: dictionaries whose keys are names fixed elsewhere (hashes, HTTP and mail headers, SO_ options) are exempt. */
const CASE_EXEMPT_DICTIONARIES = new Set(['hashes', 'file_header_hashes', 'request_header', 'additional_header_fields', 'options']);
const SCO_DICTIONARIES = new Set(['environment_variables', 'ipfix', 'startup_info', 'document_info_dict', 'exif_tags']);

/** Advisories over an SCO's spec values: custom hash names, key case, media types. */
function walkScoAdvisories(node: unknown, pointer: string, ctx: RuleContext, depth: number): void {
  if (depth > 8 || !isObject(node)) return;
  for (const key of Object.keys(node)) {
    const value = node[key];
    const here = childPointer(pointer, key);
    if ((key === 'hashes' || key === 'file_header_hashes') && isObject(value)) {
      for (const alg of Object.keys(value)) {
        if (!HASH_NAMES.has(alg)) ctx.out.push(finding('hash-algorithm-custom', childPointer(here, alg), `hash algorithm ${quote(alg)} is not in hash-algorithm-ov`));
      }
    } else if (SCO_DICTIONARIES.has(key) && !CASE_EXEMPT_DICTIONARIES.has(key) && isObject(value)) {
      for (const k of Object.keys(value)) {
        if (k !== k.toLowerCase()) ctx.out.push(finding('dictionary-key-lowercase', childPointer(here, k), `dictionary key ${quote(k)} should be lowercase`));
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walkScoAdvisories(v, childPointer(here, i), ctx, depth + 1));
    } else if (isObject(value) && !key.startsWith('x_')) {
      walkScoAdvisories(value, here, ctx, depth + 1);
    }
  }
}

export function checkScoAdvisories(ctx: RuleContext): void {
  if (!ctx.advice) return;
  const { obj } = ctx;
  for (const key of ['hashes', 'extensions', 'values', 'x509_v3_extensions', 'environment_variables', 'ipfix']) {
    if (obj[key] !== undefined) walkScoAdvisories({ [key]: obj[key] }, '', ctx, 0);
  }
  const mime = obj['mime_type'];
  if (typeof mime === 'string') {
    const slash = mime.indexOf('/');
    const top = mime.slice(0, slash).toLowerCase();
    const sub = mime.slice(slash + 1).toLowerCase();
    // Ambiguity: the IANA media-type registry is not bundled; unregistered top-level types and x- subtypes are flagged.
    if (slash > 0 && (!REGISTERED_TOP_LEVEL_TYPES.has(top) || sub.startsWith('x-') || sub.startsWith('x.'))) {
      ctx.out.push(finding('mime-type-registered', '/mime_type', `${quote(mime)} is not an IANA-registered media type`));
    }
  }
}
