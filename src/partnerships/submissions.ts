/**
 * Moderated collections (docs/taxii.md#moderated-collections): what a publisher
 * posts to a collection that requires review waits here, one submission per
 * object, until a steward approves or rejects it. A submission is not a record:
 * no TAXII reader sees it and it counts against nothing. It is kept as an
 * entity, so it survives restarts and `accord store copy` carries it.
 */

import type { MayActFor, NewRecord } from '../store/contract';
import type { EntityLayout } from '../store/entity-table';
import { partnershipRef, type Role } from './model';

export interface Submission {
  /** A UUIDv4, what stewards name it by. */
  id: string;
  partnership: string;
  collectionId: string;
  /** The Add Objects status (TAXII 2.1 §4.3) that lists it in `pendings`. */
  statusId: string;
  /** When it was posted, in microseconds (the request's arrival). */
  submittedAt: number;
  /** Its position in the posted envelope: submissions of one request are listed and decided in that order. */
  index: number;
  /** The record approval stores, exactly as judged at ingest. */
  record: NewRecord;
  /** Whose objects the submitter could add versions of, when it posted (approval applies it, as ingest would have). */
  mayActFor: MayActFor;
  /** The validator's warning, if any, which the success then carries. */
  note?: string;
  /** How long the status is kept once complete, in microseconds (taxii.status_retention at the time). */
  statusKeptMicros: number;
}

export function collectionRef(collectionId: string): string {
  return `collection:${collectionId}`;
}

export function statusRef(statusId: string): string {
  return `status:${statusId}`;
}

export const SUBMISSIONS: EntityLayout<Submission> = {
  kind: 'submission',
  id: (s) => s.id,
  refs: (s) => [partnershipRef(s.partnership), collectionRef(s.collectionId), statusRef(s.statusId)],
};

/** Whether a post of this caller waits for review: in a moderated collection, unless the caller is a steward (whose posts are stored directly). */
export function isHeldForReview(moderated: boolean, role: Role): boolean {
  return moderated && role !== 'steward';
}
