/** What admin actions work with: the store through typed tables, the audit trail, the clock and the server's limits. */

import type { AuditTrail } from '../audit/audit-trail';
import type { ScryptCost } from '../identity/passwords';
import type { RetentionSweep } from '../retention/sweep';
import { formatMicros } from '../stix/timestamp';
import type { MicroClock } from '../store/clock';
import type { Store } from '../store/contract';
import { EntityTable, type EntityLayout } from '../store/entity-table';

export class AdminContext {
  private readonly tables = new Map<EntityLayout<object>, EntityTable<object>>();

  constructor(
    readonly store: Store,
    readonly audit: AuditTrail,
    private readonly clock: MicroClock,
    /** taxii.max_content_length: a new partnership's body limit, and the most a steward may set. */
    readonly defaultMaxContentLength: number,
    readonly retention: RetentionSweep,
    /** auth.scrypt: the cost of the hashes of new passwords. */
    readonly passwordCost: ScryptCost,
  ) {}

  /** The typed table of one entity kind. */
  table<T extends object>(layout: EntityLayout<T>): EntityTable<T> {
    let table = this.tables.get(layout as EntityLayout<object>);
    if (!table) {
      table = new EntityTable(this.store, layout as EntityLayout<object>);
      this.tables.set(layout as EntityLayout<object>, table);
    }
    return table as EntityTable<T>;
  }

  /** Now, in microseconds since the epoch. */
  micros(): number {
    return this.clock();
  }

  /** A `created` timestamp. */
  now(): string {
    return formatMicros(this.clock());
  }
}
