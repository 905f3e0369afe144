/**
 * Property-level rules the schemas cannot express (STIX 2.1 §3.1, §11.1;
 * docs/validation.md#properties): custom property names, reserved names, and empty
 * lists, whose severity depends on the profile (lenient-empty-list).
 */
import { isCustomPropertyName, isPropertyName } from '../formats';
import type { Finding } from '../issues';
import { isExtensionDefinitionKey } from '../object-class';
import { childPointer } from '../pointer';
import { finding } from '../rules';
import { quote, texts } from '../texts';
import { isObject, type RuleContext } from './context';
import { PREDEFINED_EXTENSIONS } from './extensions';

/** STIX 2.1 §3.1: names no producer may use as properties. */
export const RESERVED_PROPERTIES: ReadonlySet<string> = new Set(['severity', 'action', 'username', 'phone_numbers']);

/** Lists an object cannot omit: an empty one is an error in every profile (docs/validation.md#leniencies). */
const REQUIRED_LISTS: ReadonlySet<string> = new Set(['object_refs', 'protocols', 'selectors', 'extension_types']);
/** Ambiguity: archive-ext requires contains_refs (STIX 2.1 §6.7.2), so it is treated as a required list too. */
const ARCHIVE_REQUIRED_LISTS: ReadonlySet<string> = new Set(['contains_refs']);

/** Properties handled by the marking rules (never versioned, docs/validation.md#meta-objects) rather than as custom. */
const MARKING_VERSIONING = new Set(['modified', 'revoked']);

function emptyListFinding(pointer: string, required: boolean): Finding {
  return required
    ? finding('no-empty-list', pointer, texts.noEmptyList())
    : finding('no-empty-list', pointer, texts.noEmptyList(), 'lenient-empty-list');
}

/**
 * Empty lists anywhere inside a spec-defined value. Depth is bounded: the object
 * passed the 64-level limit before any rule runs.
 */
function findEmptyLists(
  value: unknown,
  pointer: string,
  required: boolean,
  out: Finding[],
  requiredNames: ReadonlySet<string> = REQUIRED_LISTS,
): void {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(emptyListFinding(pointer, required));
      return;
    }
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item !== null && typeof item === 'object') findEmptyLists(item, childPointer(pointer, i), false, out);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== null && typeof v === 'object') findEmptyLists(v, childPointer(pointer, k), requiredNames.has(k), out);
    }
  }
}

/** A custom value is opaque below its top level (docs/validation.md#properties): only null and [] count. */
function checkOpaqueValue(value: unknown, pointer: string, out: Finding[]): void {
  if (value === null) out.push(finding('null-value', pointer, texts.nullValue()));
  else if (Array.isArray(value) && value.length === 0) out.push(emptyListFinding(pointer, false));
}

function reportExtensionUse(ctx: RuleContext, name: string, pointer: string, what: string): void {
  if (!ctx.advice) return;
  const key = `${ctx.type}\u0000${name}`;
  if (ctx.request.extensionUse.has(key)) return;
  ctx.request.extensionUse.add(key);
  ctx.out.push(finding('extension-use', pointer, `${what} ${quote(name)} is not backed by an extension-definition`));
}

function checkExtensionsValues(ctx: RuleContext, extensions: Record<string, unknown>): void {
  for (const key of Object.keys(extensions)) {
    const entry = extensions[key];
    const pointer = childPointer('/extensions', key);
    if (PREDEFINED_EXTENSIONS.has(key)) {
      if (entry !== null && typeof entry === 'object') {
        findEmptyLists(entry, pointer, false, ctx.out, key === 'archive-ext' ? ARCHIVE_REQUIRED_LISTS : REQUIRED_LISTS);
      }
      continue;
    }
    if (!isObject(entry)) continue;
    // Ambiguity: properties of an extension-definition or custom -ext entry are the extension's own,
    // judged like custom properties (null and [] at their top level only).
    for (const prop of Object.keys(entry)) checkOpaqueValue(entry[prop], childPointer(pointer, prop), ctx.out);
    if (!isExtensionDefinitionKey(key) && key.endsWith('-ext')) reportExtensionUse(ctx, key, pointer, 'extension');
  }
}

export function checkProperties(ctx: RuleContext): void {
  const { obj, defined } = ctx;
  const isMarking = ctx.type === 'marking-definition';
  const customType = ctx.objectClass === 'custom';
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    const pointer = childPointer('', key);
    if (RESERVED_PROPERTIES.has(key)) {
      ctx.out.push(finding('reserved-property', pointer, texts.reservedProperty(key)));
      continue;
    }
    if (defined.has(key)) {
      if (key === 'extensions' && isObject(value)) checkExtensionsValues(ctx, value);
      else if (value !== null && typeof value === 'object') findEmptyLists(value, pointer, REQUIRED_LISTS.has(key), ctx.out);
      continue;
    }
    if (isMarking && MARKING_VERSIONING.has(key)) continue;
    if (customType) {
      // A custom type's own properties follow the general naming rule (docs/validation.md#properties).
      if (!isPropertyName(key)) ctx.out.push(finding('property-name', pointer, texts.propertyName(key)));
    } else {
      if (!isCustomPropertyName(key)) {
        ctx.out.push(finding('custom-property-name', pointer, texts.customPropertyName(key)));
      } else if (!key.startsWith('x_') && !ctx.hasToplevelExtension) {
        ctx.out.push(finding('custom-property-prefix', pointer, texts.customPropertyPrefix(key)));
      }
      if (!ctx.hasToplevelExtension) reportExtensionUse(ctx, key, pointer, 'custom property');
    }
    checkOpaqueValue(value, pointer, ctx.out);
  }
}
