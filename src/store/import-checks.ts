/** Rules both backends apply when a store copy imports records (`accord store copy`). */

import { ConflictError } from '../errors';
import type { RecordDump } from './contract';

/** An imported record continues the collection's strictly increasing dateAdded sequence and is new. */
export function checkImportable(collectionId: string, record: RecordDump, last: number, taken: boolean): void {
  if (!Number.isSafeInteger(record.dateAdded) || record.dateAdded <= last) {
    throw new ConflictError(
      `Cannot import ${record.id} into collection ${collectionId}: its date_added ${record.dateAdded} is not after the collection's last one (${last}).`,
    );
  }
  if (taken) {
    throw new ConflictError(`Cannot import ${record.id} version ${record.version} into collection ${collectionId}: it is already stored.`);
  }
}
