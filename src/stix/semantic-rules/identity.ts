/** Identifier and spec_version rules (STIX 2.1 §2.9, §3.1; docs/validation.md#identifiers). */
import { parseIdentifier, identifierPrefix } from '../identifier';
import { finding } from '../rules';
import { texts } from '../texts';
import type { RuleContext } from './context';

/**
 * ID-contributing properties of each SCO type (STIX 2.1 §6). A process has none, so
 * its id is always random (v4).
 */
export const ID_CONTRIBUTING: ReadonlyMap<string, readonly string[]> = new Map([
  ['artifact', ['hashes', 'payload_bin']],
  ['autonomous-system', ['number']],
  ['directory', ['path']],
  ['domain-name', ['value']],
  ['email-addr', ['value']],
  ['email-message', ['from_ref', 'subject', 'body']],
  ['file', ['hashes', 'name', 'extensions', 'parent_directory_ref']],
  ['ipv4-addr', ['value']],
  ['ipv6-addr', ['value']],
  ['mac-addr', ['value']],
  ['mutex', ['name']],
  ['network-traffic', ['start', 'end', 'src_ref', 'dst_ref', 'src_port', 'dst_port', 'protocols', 'extensions']],
  ['process', []],
  ['software', ['name', 'cpe', 'swid', 'vendor', 'version']],
  ['url', ['value']],
  ['user-account', ['account_type', 'user_id', 'account_login']],
  ['windows-registry-key', ['key', 'values']],
  ['x509-certificate', ['hashes', 'serial_number']],
]);

export function checkIdentifier(ctx: RuleContext): void {
  const id = ctx.obj['id'];
  if (typeof id !== 'string') return;
  const parsed = parseIdentifier(id);
  if (!parsed) {
    const prefix = identifierPrefix(id);
    // A well-formed UUID behind a foreign prefix is the more useful message.
    if (prefix !== null && prefix !== ctx.type && parseIdentifier(`${ctx.type}${id.slice(prefix.length)}`)) {
      ctx.out.push(finding('id-type-prefix', '/id', texts.idTypePrefix(prefix, ctx.type)));
    } else {
      ctx.out.push(finding('id-format', '/id', texts.idFormat(id)));
    }
    return;
  }
  if (parsed.type !== ctx.type) {
    ctx.out.push(finding('id-type-prefix', '/id', texts.idTypePrefix(parsed.type, ctx.type)));
  }
  if (parsed.uuid.hasUpperCase) ctx.out.push(finding('id-lowercase', '/id', texts.idLowercase()));
  const version = parsed.uuid.version;
  if (ctx.commonClass !== 'sco') {
    if (version !== 4) ctx.out.push(finding('id-uuid-version', '/id', texts.idUuidVersion(version)));
    return;
  }
  const contributing = ID_CONTRIBUTING.get(ctx.type);
  // Ambiguity: a custom SCO's ID-contributing properties are unknown, so its UUID version is not checked.
  if (!contributing) return;
  const hasContributing = contributing.some((p) => ctx.obj[p] !== undefined);
  if (!hasContributing && version !== 4) {
    ctx.out.push(finding('sco-id-v4', '/id', texts.scoIdV4(ctx.type, version)));
  } else if (hasContributing && version !== 5 && ctx.advice) {
    // SCO ids are never recomputed (docs/validation.md#identifiers): producers canonicalise differently.
    ctx.out.push(finding('sco-id-deterministic', '/id', `${ctx.type} has ID-contributing properties; a v5 UUID is expected, found v${version}`));
  }
}

/** STIX 2.1 §3.2: spec_version is required on every object but SCOs; without it an object is STIX 2.0. */
export function checkSpecVersionPresent(ctx: RuleContext): void {
  if (ctx.commonClass !== 'sco' && ctx.obj['spec_version'] === undefined) {
    ctx.out.push(finding('spec-version-required', '', texts.specVersionRequired()));
  }
}
