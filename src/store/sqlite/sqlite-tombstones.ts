/**
 * Tombstones in SQLite: what a delete leaves so that pollers can drop the
 * objects they hold. Keyed by (coll, removed_at):
 * removed_at comes from the collection's date_added sequence, so it is unique
 * per collection and a listing is one ordered range of the primary key.
 */

import type Database from 'better-sqlite3';
import { ConflictError } from '../../errors';
import type { MicroClock } from '../clock';
import { tombstonesOf, type Removal, type RemovedRecord, type Tombstone } from '../contract';

type Prepare = (sql: string) => Database.Statement;

/** The reads on the primary key's ranges (their plans are checked in test/store/sqlite-plan.test.ts). */
export const TOMBSTONE_SQL = {
  list: 'SELECT stix_id, versions, removed_at, reason FROM tombstones WHERE coll = ? AND removed_at > ? ORDER BY removed_at LIMIT ?',
  purge: 'DELETE FROM tombstones WHERE coll IN (SELECT pk FROM collections) AND removed_at < ?',
};

interface TombstoneRow {
  stix_id: string;
  versions: string;
  removed_at: number;
  reason: string;
}

export class SqliteTombstones {
  constructor(
    private readonly prepare: Prepare,
    private readonly clock: MicroClock,
  ) {}

  /** Inside the delete's transaction: one tombstone per object, each taking the collection's next date_added. */
  leave(coll: number, removed: RemovedRecord[], removal: Removal): void {
    if (removed.length === 0) return;
    let last = this.prepare('SELECT last_date_added FROM collections WHERE pk = ?').pluck().get(coll) as number;
    const tombstones = tombstonesOf(removed, removal, () => (last = Math.max(this.clock(), last + 1)));
    this.insert(coll, tombstones);
    this.prepare('UPDATE collections SET last_date_added = ? WHERE pk = ?').run(last, coll);
  }

  list(coll: number, after: number | undefined, limit: number): { tombstones: Tombstone[]; more: boolean } {
    const rows = this.prepare(TOMBSTONE_SQL.list).all(coll, after ?? Number.MIN_SAFE_INTEGER, limit + 1) as TombstoneRow[];
    const more = rows.length > limit;
    if (more) rows.pop();
    return { tombstones: rows.map(toTombstone), more };
  }

  /** Every collection, each through its primary-key range. */
  purge(before: number): number {
    return this.prepare(TOMBSTONE_SQL.purge).run(before).changes;
  }

  /** Inside a transaction: exported tombstones unchanged; the collection's last date_added is raised to the last one. */
  import(collectionId: string, coll: number, tombstones: Tombstone[]): void {
    const taken = this.prepare('SELECT 1 FROM tombstones WHERE coll = ? AND removed_at = ?');
    let last = this.prepare('SELECT last_date_added FROM collections WHERE pk = ?').pluck().get(coll) as number;
    const seen = new Set<number>();
    for (const t of tombstones) {
      if (!Number.isSafeInteger(t.removedAt) || seen.has(t.removedAt) || taken.get(coll, t.removedAt) !== undefined) {
        throw new ConflictError(`Cannot import the tombstone of ${t.id} into collection ${collectionId}: its removal time ${t.removedAt} is already taken.`);
      }
      seen.add(t.removedAt);
      last = Math.max(last, t.removedAt);
    }
    this.insert(coll, tombstones);
    this.prepare('UPDATE collections SET last_date_added = ? WHERE pk = ?').run(last, coll);
  }

  private insert(coll: number, tombstones: Tombstone[]): void {
    const insert = this.prepare('INSERT INTO tombstones (coll, removed_at, stix_id, versions, reason) VALUES (?, ?, ?, ?, ?)');
    for (const t of tombstones) insert.run(coll, t.removedAt, t.id, JSON.stringify(t.versions), t.reason);
  }
}

function toTombstone(row: TombstoneRow): Tombstone {
  return { id: row.stix_id, versions: JSON.parse(row.versions) as string[], removedAt: row.removed_at, reason: row.reason };
}
