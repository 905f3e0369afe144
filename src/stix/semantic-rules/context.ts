/** The state one object's semantic rules share. */
import type { Finding } from '../issues';
import type { CommonClass, ObjectClass } from '../object-class';

/** Request-wide state (validateObjects): advisories reported once per request. */
export interface RequestState {
  /** `extension-use` keys `${type}\u0000${name}` already reported. */
  extensionUse: Set<string>;
}

export interface RuleContext {
  obj: Record<string, unknown>;
  type: string;
  objectClass: ObjectClass;
  /** The class whose common properties apply; a custom object's borrowed class. */
  commonClass: CommonClass;
  /** Properties the type's schema defines (custom types: only the common ones). */
  defined: ReadonlySet<string>;
  /** True when an extensions entry has extension_type toplevel-property-extension. */
  hasToplevelExtension: boolean;
  advice: boolean;
  request: RequestState;
  out: Finding[];
}

export type SemanticRule = (ctx: RuleContext) => void;

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function newRequestState(): RequestState {
  return { extensionUse: new Set() };
}
