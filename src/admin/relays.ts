/**
 * Relay grants: which outside identities an organisation may publish objects of
 * (`created_by_ref`), for a partner re-publishing others' intelligence with its
 * original creator. Server administrators grant, list and withdraw them; a
 * withdrawn grant stops the next post.
 */

import { ConflictError, NotFoundError, UnprocessableContentError } from '../errors';
import { ANY_OUTSIDE_IDENTITY, ORGANISATIONS, type Organisation } from '../identity/model';
import { IDENTITY_ID_PATTERN, identityIdOf } from '../identity/stix-identity';
import { defineAction, type AdminResource } from './action';
import { listOf } from './listings';

export const RELAY_BODY = {
  type: 'object',
  required: ['identity_id'],
  properties: {
    identity_id: {
      type: 'string',
      pattern: `${IDENTITY_ID_PATTERN}|^\\*$`,
      'x-expected': "an identity id (identity--<lower-case UUID>), or * for every identity that is not an organisation's here",
    },
  },
} as const;

interface Relay {
  organisation: string;
  identityId: string;
}

const relayWire = (r: Relay): Record<string, unknown> => ({ organisation: r.organisation, identity_id: r.identityId });
const relaysOf = (o: Organisation): Relay[] => (o.relays ?? []).map((identityId) => ({ organisation: o.id, identityId }));
const described = (identityId: string) => (identityId === ANY_OUTSIDE_IDENTITY ? 'any outside identity' : identityId);

export const grantRelay = defineAction({ body: RELAY_BODY, params: ['org'] })({
  name: 'relays.grant',
  who: 'administrator',
  run: async (input, ctx) => {
    const table = ctx.table(ORGANISATIONS);
    const organisation = await table.require(input.org, `No organisation ${input.org}.`);
    if (input.identity_id === identityIdOf(organisation)) throw new UnprocessableContentError(`identity_id: ${input.identity_id} is ${input.org}'s own identity; it needs no grant`);
    if (organisation.relays?.includes(input.identity_id)) throw new ConflictError(`${input.org} may already relay ${described(input.identity_id)}.`);
    await table.replace({ ...organisation, relays: [...(organisation.relays ?? []), input.identity_id] });
    return { organisation: input.org, identityId: input.identity_id };
  },
  audit: (r) => ({ operation: 'grant_relay', detail: `${r.organisation} may relay ${described(r.identityId)}` }),
  present: relayWire,
  http: { method: 'POST', path: '/admin/organisations/:org/relays', status: 201 },
  cli: [{ command: 'grant <identity_id>', description: "let an organisation publish objects of this identity ('*': any outside identity)", options: [{ flags: '--org <id>', required: true, description: 'organisation' }], columns: ['organisation', 'identity_id'] }],
});

const list = defineAction({ optionalParams: ['org'] })({
  name: 'relays.list',
  who: 'administrator',
  run: async (input, ctx) => {
    const table = ctx.table(ORGANISATIONS);
    const organisations = input.org === undefined ? await table.list() : [await table.require(input.org, `No organisation ${input.org}.`)];
    return organisations.flatMap(relaysOf);
  },
  ...listOf('relays', relayWire),
  http: { method: 'GET', path: '/admin/organisations/:org/relays' },
  cli: [{ command: 'list', options: [{ flags: '--org <id>' }], columns: ['organisation', 'identity_id'] }],
});

const withdraw = defineAction({ params: ['org', 'identityId'] })({
  name: 'relays.withdraw',
  who: 'administrator',
  run: async (input, ctx) => {
    const table = ctx.table(ORGANISATIONS);
    const organisation = await table.require(input.org, `No organisation ${input.org}.`);
    if (!organisation.relays?.includes(input.identityId)) throw new NotFoundError(`${input.org} has no grant to relay ${described(input.identityId)}.`);
    await table.replace({ ...organisation, relays: organisation.relays.filter((id) => id !== input.identityId) });
  },
  audit: (_none, input) => ({ operation: 'withdraw_relay', detail: `${input.org} may no longer relay ${described(input.identityId)}` }),
  present: () => undefined,
  http: { method: 'DELETE', path: '/admin/organisations/:org/relays/:identityId', status: 204 },
  cli: [{ command: 'withdraw <identityId>', options: [{ flags: '--org <id>', required: true, description: 'organisation' }] }],
});

export const relays: AdminResource = {
  group: { name: 'relay', description: 'outside identities an organisation may publish objects of (created_by_ref)' },
  actions: [grantRelay, withdraw, list],
};
