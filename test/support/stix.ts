/** Small STIX object factories for tests. */

import { randomUUID } from 'node:crypto';
import type { NewRecord, StoredStatus } from '../../src/store/contract';
import { timestampKey } from '../../src/stix/timestamp';

export function indicator(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    name: 'Malicious site',
    pattern: "[domain-name:value = 'evil.example.com']",
    pattern_type: 'stix',
    valid_from: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

export function malware(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'malware',
    spec_version: '2.1',
    id: `malware--${randomUUID()}`,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    name: 'Poison Ivy',
    is_family: true,
    ...overrides,
  };
}

export function ipv4(value: string): Record<string, unknown> {
  return { type: 'ipv4-addr', spec_version: '2.1', id: `ipv4-addr--${randomUUID()}`, value };
}

export function envelope(...objects: unknown[]): { objects: unknown[] } {
  return { objects };
}

/** The record the TAXII layer would store for a versioned 2.1 object, for seeding a store directly. */
export function recordOf(obj: Record<string, unknown>): NewRecord {
  const version = (obj.modified ?? obj.created) as string;
  return {
    id: obj.id as string,
    type: obj.type as string,
    version,
    versionKey: timestampKey(version),
    specVersion: '2.1',
    body: JSON.stringify(obj),
    owner: 'org:seed',
    submitter: { organisation: 'seed' },
    validUntilKey: null,
  };
}

/** A complete status resource of one success, as Add Objects stores it, for seeding a store directly. */
export function oneSuccessStatus(fields: { id: string; apiRoot: string; collectionId: string; owner: string; success: { id: string; version: string }; expiresAt?: number }): StoredStatus {
  return {
    id: fields.id,
    apiRoot: fields.apiRoot,
    collectionId: fields.collectionId,
    owner: fields.owner,
    status: 'complete',
    requestTimestamp: '2026-01-01T00:00:00.000000Z',
    totalCount: 1,
    successCount: 1,
    failureCount: 0,
    pendingCount: 0,
    successes: [fields.success],
    failures: [],
    pendings: [],
    expiresAt: fields.expiresAt ?? Number.MAX_SAFE_INTEGER,
  };
}
