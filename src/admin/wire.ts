/** Helpers for the wire shapes of admin resources. */

import type { Json } from './action';

/** A list answered as `{ "<key>": [...] }` over HTTP and printed item by item at the CLI. */
export function listOf<T>(key: string, wire: (item: T) => Json): { present(items: T[]): Json; rows(wire: unknown): unknown[] } {
  return {
    present: (items) => ({ [key]: items.map(wire) }),
    rows: (listed) => (listed as Record<string, unknown[]>)[key] ?? [],
  };
}
