/** Listings of admin resources: their wire shape, and the listing of what belongs to an organisation. */

import { organisationRef } from '../identity/model';
import type { EntityLayout } from '../store/entity-table';
import { defineAction, type AdminAction, type Json } from './action';

/** A list answered as `{ "<key>": [...] }` over HTTP and printed item by item at the CLI. */
export function listOf<T>(key: string, wire: (item: T) => Json): { present(items: T[]): Json; rows(wire: unknown): unknown[] } {
  return {
    present: (items) => ({ [key]: items.map(wire) }),
    rows: (listed) => (listed as Record<string, unknown[]>)[key] ?? [],
  };
}

/**
 * Server administrators list an organisation's users, keys or certificates at
 * `/admin/organisations/{org}/<key>`; the CLI lists them all, or one
 * organisation's with `--org`.
 */
export function organisationListing<T extends object>(name: string, layout: EntityLayout<T>, key: string, wire: (item: T) => Json, columns: string[]): AdminAction {
  return defineAction({ optionalParams: ['org'] })({
    name,
    who: 'administrator',
    run: (input, ctx) => ctx.table(layout).list(input.org === undefined ? undefined : organisationRef(input.org)),
    ...listOf(key, wire),
    http: { method: 'GET', path: `/admin/organisations/:org/${key}` },
    cli: [{ command: 'list', options: [{ flags: '--org <id>' }], columns }],
  });
}
