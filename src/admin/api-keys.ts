/**
 * API keys of organisations, for machines (SIEMs, connectors): server
 * administrators issue, list and revoke them. A key's token is shown once, when it
 * is issued; only the hash of its secret is stored. The seed imports keys whose
 * hash is already known.
 */

import { UnprocessableContentError } from '../errors';
import { KEY_ID_PATTERN, newKeyToken, SECRET_HASH_PATTERN } from '../identity/api-key-token';
import { API_KEYS, ORGANISATIONS, type ApiKey } from '../identity/model';
import { defineAction, type AdminResource } from './action';
import type { AdminContext } from './context';
import { organisationListing } from './listings';

export const KEY_BODY = {
  type: 'object',
  properties: {
    label: { type: 'string', minLength: 1 },
    expires_at: { type: 'string', minLength: 1, description: 'ISO 8601 date or time.' },
  },
} as const;

/** A key as the seed gives it: its public id and the hash of its secret. */
export const SEED_KEY = {
  type: 'object',
  required: ['id', 'secret_hash'],
  properties: {
    id: { type: 'string', pattern: KEY_ID_PATTERN, 'x-expected': '24 lower-case hex digits' },
    secret_hash: { type: 'string', pattern: SECRET_HASH_PATTERN, 'x-expected': 'sha256: followed by 64 hex digits' },
    ...KEY_BODY.properties,
  },
} as const;

function keyWire(k: ApiKey): Record<string, unknown> {
  return { id: k.id, organisation: k.organisationId, label: k.label, created: k.created, expires_at: k.expiresAt, revoked_at: k.revokedAt };
}

async function storeKey(ctx: AdminContext, key: Omit<ApiKey, 'created' | 'expiresAt'>, expiresAt: string | undefined): Promise<ApiKey> {
  await ctx.table(ORGANISATIONS).require(key.organisationId, `No organisation ${key.organisationId}.`);
  const stored: ApiKey = { ...key, created: ctx.now() };
  if (expiresAt !== undefined) {
    if (Number.isNaN(Date.parse(expiresAt))) throw new UnprocessableContentError(`expires_at ${JSON.stringify(expiresAt)}: not a date`);
    stored.expiresAt = new Date(expiresAt).toISOString();
  }
  return ctx.table(API_KEYS).create(stored);
}

const auditIssue = (key: ApiKey) => ({ operation: 'issue_key', detail: `key ${key.id} of ${key.organisationId}` });

const issue = defineAction({ body: KEY_BODY, params: ['org'] })({
  name: 'keys.issue',
  who: 'administrator',
  run: async (input, ctx) => {
    const { keyId, token, secretHash } = newKeyToken();
    const key: Omit<ApiKey, 'created' | 'expiresAt'> = { id: keyId, organisationId: input.org, secretHash };
    if (input.label !== undefined) key.label = input.label;
    return { key: await storeKey(ctx, key, input.expires_at), token };
  },
  audit: (issued) => auditIssue(issued.key),
  // The token is in this answer only.
  present: (issued) => ({ ...keyWire(issued.key), token: issued.token }),
  http: { method: 'POST', path: '/admin/organisations/:org/keys', status: 201 },
  cli: [
    {
      command: 'issue',
      options: [{ flags: '--org <id>', required: true, description: 'organisation' }, { flags: '--label <text>' }, { flags: '--expires <date>', field: 'expires_at', description: 'ISO 8601 date or time' }],
      text: (wire) => `key ${String(wire.id)} for ${String(wire.organisation)}\ntoken (shown once, store it now): ${String(wire.token)}\n`,
    },
  ],
});

export const importKey = defineAction({ body: SEED_KEY, params: ['org'] })({
  name: 'keys.import',
  who: 'operator',
  run: (input, ctx) => {
    const key: Omit<ApiKey, 'created' | 'expiresAt'> = { id: input.id, organisationId: input.org, secretHash: input.secret_hash };
    if (input.label !== undefined) key.label = input.label;
    return storeKey(ctx, key, input.expires_at);
  },
  audit: auditIssue,
  present: keyWire,
});

const list = organisationListing('keys.list', API_KEYS, 'keys', keyWire, ['id', 'organisation', 'label', 'expires_at', 'revoked_at']);

const revoke = defineAction({ params: ['keyId'] })({
  name: 'keys.revoke',
  who: 'administrator',
  run: async (input, ctx) => {
    const table = ctx.table(API_KEYS);
    const key = await table.require(input.keyId, `No API key ${input.keyId}.`);
    if (key.revokedAt === undefined) key.revokedAt = ctx.now();
    return table.replace(key);
  },
  audit: (key) => ({ operation: 'revoke_key', detail: `key ${key.id} of ${key.organisationId}` }),
  present: keyWire,
  http: { method: 'DELETE', path: '/admin/keys/:keyId' },
  cli: [{ command: 'revoke <keyId>', columns: ['id', 'revoked_at'] }],
});

export const apiKeys: AdminResource = {
  group: { name: 'key', description: 'API keys of organisations' },
  actions: [issue, revoke, list, importKey],
};
