/** RFC 6901 JSON pointers, relative to the object ("" is the object itself). */

export function escapePointerSegment(segment: string): string {
  if (segment.indexOf('~') < 0 && segment.indexOf('/') < 0) return segment;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function childPointer(parent: string, segment: string | number): string {
  return `${parent}/${typeof segment === 'number' ? segment : escapePointerSegment(segment)}`;
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value a pointer designates, or undefined. */
export function resolvePointer(root: unknown, pointer: string): unknown {
  let node = root;
  for (const segment of pointerSegments(pointer)) {
    if (Array.isArray(node)) {
      node = node[Number(segment)];
    } else if (node !== null && typeof node === 'object') {
      node = Object.prototype.hasOwnProperty.call(node, segment) ? (node as Record<string, unknown>)[segment] : undefined;
    } else {
      return undefined;
    }
  }
  return node;
}

/** Positions of each object's keys, computed once per object while ordering many pointers. */
export type KeyPositions = Map<object, Map<string, number>>;

function positionOf(node: object, segment: string, cache: KeyPositions): number {
  let positions = cache.get(node);
  if (!positions) {
    positions = new Map();
    let i = 0;
    for (const key of Object.keys(node)) positions.set(key, i++);
    cache.set(node, positions);
  }
  return positions.get(segment) ?? Number.MAX_SAFE_INTEGER;
}

/**
 * Document-order key of a pointer: the position of each step among its parent's keys
 * (or its list index). A step that does not exist sorts after its existing siblings.
 */
export function documentOrderKey(root: unknown, pointer: string, cache: KeyPositions = new Map()): number[] {
  const key: number[] = [];
  let node = root;
  for (const segment of pointerSegments(pointer)) {
    if (Array.isArray(node)) {
      const index = Number(segment);
      key.push(Number.isInteger(index) ? index : Number.MAX_SAFE_INTEGER);
      node = node[index];
    } else if (node !== null && typeof node === 'object') {
      key.push(positionOf(node, segment, cache));
      node = Object.prototype.hasOwnProperty.call(node, segment) ? (node as Record<string, unknown>)[segment] : undefined;
    } else {
      key.push(Number.MAX_SAFE_INTEGER);
      node = undefined;
    }
  }
  return key;
}

export function compareOrderKeys(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
