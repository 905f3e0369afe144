/**
 * The data lifecycle's queries as pure functions: the reads of findExpired on
 * the partial indexes of newest records, the merge of its two conditions, and
 * the `newest` marks a set of records needs (after a delete, or on upgrade).
 */

import type { Document, Filter } from 'mongodb';
import type { ExpiredObject, ExpiryQuery } from '../contract';
import { INDEX, type RecordDoc } from './schema';

export interface ExpiryFind {
  filter: Filter<RecordDoc>;
  sort: { dateAdded: 1 };
  hint: string;
  projection: Document;
  limit: number;
}

/**
 * One ordered, limited read of newest_records per condition: objects whose
 * newest record was added before `addedBefore`, indicators whose newest
 * record's validUntilKey (only indicators have one; a string bound excludes
 * absent keys) is below `validUntilBefore`, tested on the index keys. Each
 * filter repeats the index's partial filter, which a query must imply for
 * MongoDB to use the index.
 */
export function expiryFinds(q: ExpiryQuery): ExpiryFind[] {
  const finds: ExpiryFind[] = [];
  // A limit of 0 asks for none (to MongoDB it would mean no limit): nothing to read.
  if (q.limit <= 0) return finds;
  const read = (filter: Filter<RecordDoc>): ExpiryFind => ({
    filter: { collection: q.collectionId, newest: true, ...filter },
    sort: { dateAdded: 1 },
    hint: INDEX.newestRecords,
    projection: { _id: 0, stixId: 1, dateAdded: 1 },
    limit: q.limit,
  });
  const resume = q.after === undefined ? {} : { $gt: q.after };
  if (q.addedBefore !== undefined) finds.push(read({ dateAdded: { ...resume, $lt: q.addedBefore } }));
  if (q.validUntilBefore !== undefined) finds.push(read({ ...(q.after === undefined ? {} : { dateAdded: resume }), validUntilKey: { $lt: q.validUntilBefore } }));
  return finds;
}

/** The `limit` oldest newest records among the answers of the conditions (an object may meet both). */
export function mergeExpired(answers: Array<Array<Pick<RecordDoc, 'stixId' | 'dateAdded'>>>, limit: number): ExpiredObject[] {
  const byId = new Map<string, number>();
  for (const answer of answers) for (const doc of answer) byId.set(doc.stixId, doc.dateAdded);
  return [...byId]
    .sort((a, b) => a[1] - b[1])
    .slice(0, Math.max(0, limit))
    .map(([id, newestAdded]) => ({ id, newestAdded }));
}

type Marked = Pick<RecordDoc, 'stixId' | 'dateAdded' | 'newest'>;

/** The documents whose `newest` mark is wrong, with the right value: true on each object's latest dateAdded only. */
export function newestChanges<T extends Marked>(docs: readonly T[]): Array<{ doc: T; newest: boolean }> {
  const latest = new Map<string, number>();
  for (const doc of docs) latest.set(doc.stixId, Math.max(latest.get(doc.stixId) ?? -Infinity, doc.dateAdded));
  return docs.flatMap((doc) => {
    const newest = latest.get(doc.stixId) === doc.dateAdded;
    return doc.newest === newest ? [] : [{ doc, newest }];
  });
}
