/**
 * Accord limits (docs/validation.md#limits): nesting is measured before any schema runs,
 * with an explicit stack, so no input can exhaust the call stack.
 */

export const MAX_NESTING = 64;

/**
 * Objects with more JSON values than this get only the first schema error: ajv's
 * allErrors pass concatenates error arrays per referenced subschema, which grows
 * quadratically on huge failing objects (Accord choice; code rules still list all).
 */
export const FULL_SCHEMA_PASS_MAX_VALUES = 4096;

export interface Measure {
  /** Some container sits deeper than the limit (the object itself is level 1). */
  tooDeep: boolean;
  /** JSON values inside the object, the object included (exact when not too deep). */
  values: number;
}

export function measureObject(root: object, limit: number = MAX_NESTING): Measure {
  const nodes: object[] = [root];
  const depths: number[] = [1];
  let values = 1;
  while (nodes.length > 0) {
    const node = nodes.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) return { tooDeep: true, values };
    const children = Array.isArray(node) ? (node as unknown[]) : Object.values(node);
    values += children.length;
    for (const v of children) {
      if (v !== null && typeof v === 'object') {
        nodes.push(v as object);
        depths.push(depth + 1);
      }
    }
  }
  return { tooDeep: false, values };
}
