/** Records and queries for the storage contract cases. */

import { randomUUID } from 'node:crypto';
import type { AddOutcome, ExpiryQuery, NewRecord, RecordQuery, Store, VersionSelector } from '../../src/store/contract';
import { timestampKey } from '../../src/stix/timestamp';

export const ALL: VersionSelector = { all: true };
export const LAST: VersionSelector = { all: false, first: false, last: true, at: [] };
export const FIRST: VersionSelector = { all: false, first: true, last: false, at: [] };

/** Who submits a record in the cases that are not about ownership: organisation o1, a steward's call. */
export const BY_O1 = { owner: 'org:o1', submitter: { organisation: 'o1' }, validUntilKey: null } as const;

export function rec(id: string, version: string | null, extra: Record<string, unknown> = {}, specVersion = '2.1'): NewRecord {
  const type = id.split('--')[0]!;
  const body = JSON.stringify({ type, id, ...(version ? { modified: version } : {}), ...extra });
  return { id, type, version, versionKey: version === null ? null : timestampKey(version), specVersion, body, ...BY_O1 };
}

/** The outcomes of a steward's add ('*') of objects of ordinary size, which are never `owned` nor `too-large`. */
export function stored(outcomes: AddOutcome[]): Array<Extract<AddOutcome, { kind: 'added' | 'duplicate' }>> {
  return outcomes.map((o) => {
    if (o.kind === 'owned') throw new Error(`a steward's add was refused: owned by ${o.owner}`);
    if (o.kind === 'too-large') throw new Error(`an add was refused: ${o.bytes} bytes`);
    return o;
  });
}

export function sid(type: string): string {
  return `${type}--${randomUUID()}`;
}

export function query(collectionId: string, extra: Partial<RecordQuery> = {}): RecordQuery {
  return { collectionId, versions: ALL, specVersions: 'latest', withBody: false, ...extra };
}

/** The ids findExpired names, in its order. */
export async function expiredIds(store: Store, query: ExpiryQuery): Promise<string[]> {
  return (await store.findExpired(query)).map((o) => o.id);
}
