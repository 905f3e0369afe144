/**
 * Organisations (a vendor, a police unit): server administrators add and list
 * them. Each has a STIX identity, named by its objects' `created_by_ref`.
 */

import { randomUUID } from 'node:crypto';
import { ORGANISATIONS, type Organisation } from '../identity/model';
import { IDENTITY_ID_PATTERN, identityIdOf } from '../identity/stix-identity';
import { defineAction, type AdminResource } from './action';
import { listOf } from './listings';

/** Short ids that are safe in URLs, logs and references. */
export const ORGANISATION_ID = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9-]{1,62}$',
  'x-expected': "2-63 lower-case letters, digits or '-'",
} as const;

export const ORGANISATION_BODY = {
  type: 'object',
  required: ['id', 'name'],
  properties: {
    id: ORGANISATION_ID,
    name: { type: 'string', minLength: 1, pattern: '\\S', 'x-expected': 'must not be blank', description: 'Display name.' },
    description: { type: 'string', minLength: 1 },
    identity_id: {
      type: 'string',
      pattern: IDENTITY_ID_PATTERN,
      'x-expected': 'an identity id, identity--<lower-case UUID>',
      description: "The organisation's STIX identity, fixed at creation (default: a new one).",
    },
  },
} as const;

export function organisationWire(o: Organisation): Record<string, unknown> {
  return { id: o.id, name: o.name, description: o.description, identity_id: identityIdOf(o), created: o.created };
}

const list = defineAction({})({
  name: 'organisations.list',
  who: 'administrator',
  run: (_input, ctx) => ctx.table(ORGANISATIONS).list(),
  ...listOf('organisations', organisationWire),
  http: { method: 'GET', path: '/admin/organisations' },
  cli: [{ command: 'list', columns: ['id', 'name', 'identity_id'] }],
});

export const addOrganisation = defineAction({ body: ORGANISATION_BODY })({
  name: 'organisations.add',
  who: 'administrator',
  run: (input, ctx) => {
    const organisation: Organisation = { id: input.id, name: input.name, identityId: input.identity_id ?? `identity--${randomUUID()}`, created: ctx.now() };
    if (input.description !== undefined) organisation.description = input.description;
    return ctx.table(ORGANISATIONS).create(organisation);
  },
  audit: (org) => ({ operation: 'add_organisation', detail: `organisation ${org.id} (${identityIdOf(org)})` }),
  present: organisationWire,
  http: { method: 'POST', path: '/admin/organisations', status: 201 },
  cli: [
    {
      command: 'add <id>',
      options: [{ flags: '--name <name>', required: true, description: 'display name' }, { flags: '--description <text>' }, { flags: '--identity-id <id>', description: 'its STIX identity (default: a new one)' }],
      columns: ['id', 'name'],
    },
  ],
});

export const organisations: AdminResource = {
  group: { name: 'org', description: 'organisations (a vendor, a police unit)' },
  actions: [addOrganisation, list],
};
