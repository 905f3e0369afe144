/**
 * Extensions and custom objects (STIX 2.1 §7.3, §11;
 * docs/validation.md#custom-objects). Keys are checked here, length first, before any
 * schema: the OASIS `-ext` key pattern is a ReDoS risk (docs/validation.md#redos).
 */
import { isTypeName, parseIdentifier } from '../identifier';
import { isExtensionDefinitionKey } from '../object-class';
import { childPointer } from '../pointer';
import { finding } from '../rules';
import { quote } from '../texts';
import { isObject, type RuleContext } from './context';

/** Predefined SCO extensions and the type each belongs to (STIX 2.1 §6). */
export const PREDEFINED_EXTENSIONS: ReadonlyMap<string, string> = new Map([
  ['archive-ext', 'file'],
  ['ntfs-ext', 'file'],
  ['pdf-ext', 'file'],
  ['raster-image-ext', 'file'],
  ['windows-pebinary-ext', 'file'],
  ['http-request-ext', 'network-traffic'],
  ['icmp-ext', 'network-traffic'],
  ['socket-ext', 'network-traffic'],
  ['tcp-ext', 'network-traffic'],
  ['windows-process-ext', 'process'],
  ['windows-service-ext', 'process'],
  ['unix-account-ext', 'user-account'],
]);

const EXT_SUFFIX = '-ext';
const MAX_KEY_LENGTH = 250 + EXT_SUFFIX.length;

/** `extension-definition--<UUID>` or `<type-name>-ext` (STIX 2.1 §3.2, §7.3). */
export function isExtensionKey(key: string): boolean {
  if (key.length > MAX_KEY_LENGTH) return false;
  if (isExtensionDefinitionKey(key)) return parseIdentifier(key)?.type === 'extension-definition';
  return key.endsWith(EXT_SUFFIX) && isTypeName(key.slice(0, -EXT_SUFFIX.length));
}

export function hasToplevelExtension(obj: Record<string, unknown>): boolean {
  const extensions = obj['extensions'];
  if (!isObject(extensions)) return false;
  for (const key of Object.keys(extensions)) {
    const entry = extensions[key];
    if (isObject(entry) && entry['extension_type'] === 'toplevel-property-extension') return true;
  }
  return false;
}

export function checkExtensionKeys(ctx: RuleContext): void {
  const extensions = ctx.obj['extensions'];
  if (!isObject(extensions)) return;
  for (const key of Object.keys(extensions)) {
    const pointer = childPointer('/extensions', key);
    if (!isExtensionKey(key)) {
      ctx.out.push(finding('extensions-key', pointer, `key ${quote(key)} must be extension-definition--<UUID> or <name>-ext`));
      continue;
    }
    const owner = PREDEFINED_EXTENSIONS.get(key);
    if (owner !== undefined && owner !== ctx.type) {
      ctx.out.push(finding('predefined-extension-scope', pointer, `${quote(key)} is an extension of ${owner} only`));
    }
  }
}

/** STIX 2.1 §11.2: the class a custom object borrows brings that class's common properties. */
export function checkCustomObject(ctx: RuleContext): void {
  const { obj, type } = ctx;
  if (!type.startsWith('x-')) {
    ctx.out.push(finding('custom-type-prefix', '/type', `custom type ${quote(type)} should start with 'x-'`));
  }
  if (ctx.commonClass === 'sdo' || ctx.commonClass === 'sro') {
    const missing = ['created', 'modified'].filter((p) => obj[p] === undefined);
    if (missing.length > 0) {
      const kind = ctx.commonClass.toUpperCase();
      ctx.out.push(finding('custom-object-common', '', `a custom ${kind} needs ${missing.join(', ')}`));
    }
  }
  if (ctx.advice && !declaresNewObject(obj)) {
    const key = `${type}\u0000${type}`;
    if (!ctx.request.extensionUse.has(key)) {
      ctx.request.extensionUse.add(key);
      ctx.out.push(finding('extension-use', '/type', `custom type ${quote(type)} is not backed by an extension-definition`));
    }
  }
}

function declaresNewObject(obj: Record<string, unknown>): boolean {
  const extensions = obj['extensions'];
  if (!isObject(extensions)) return false;
  return Object.keys(extensions).some((key) => {
    const entry = extensions[key];
    const kind = isObject(entry) ? entry['extension_type'] : undefined;
    return isExtensionDefinitionKey(key) && (kind === 'new-sdo' || kind === 'new-sco' || kind === 'new-sro');
  });
}
