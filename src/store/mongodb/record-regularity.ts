/**
 * Regular objects: each record stored comes after every record of its object
 * already stored, in the order version selection uses under the default
 * `spec_version` (TAXII 2.1 §3.4.1: the latest spec version, then the latest
 * version). Records arrive in dateAdded order, so in a regular object the newest
 * record (by dateAdded) is the last version, whatever `added_after` bound a
 * reader gives, and so is it after any deletion, which only removes records.
 * A collection counts the records that broke this (CollectionDoc.irregular).
 */

/** A record's place in version selection's order: spec version first, then version key (both compared as strings, as the backends do). */
export interface VersionPlace {
  specVersion: string;
  versionKey: string;
}

/** True when `next` is strictly after `stored` (an equal place is a tie, and ties break regularity). */
export function isAfter(next: VersionPlace, stored: VersionPlace): boolean {
  return next.specVersion > stored.specVersion || (next.specVersion === stored.specVersion && next.versionKey > stored.versionKey);
}

/**
 * How many of `incoming` (one object's new records, in dateAdded order) break
 * regularity, given the records of that object already stored.
 */
export function countIrregular(stored: readonly VersionPlace[], incoming: readonly VersionPlace[]): number {
  let highest: VersionPlace | undefined;
  for (const place of stored) if (highest === undefined || isAfter(place, highest)) highest = place;
  let irregular = 0;
  for (const place of incoming) {
    if (highest === undefined || isAfter(place, highest)) highest = place;
    else irregular += 1;
  }
  return irregular;
}
