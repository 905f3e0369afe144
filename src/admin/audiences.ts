/**
 * Collection audiences (docs/taxii.md#audiences): the partnership's stewards and
 * administrators name the member organisations that may read a collection and
 * those that may write it. Setting replaces the whole audience; a list left out
 * means every member, by role. A change applies to each member's next request
 * (scope.ts reads it from the store on every request).
 */

import { ForbiddenError, UnprocessableContentError } from '../errors';
import { COLLECTIONS, MEMBERSHIPS, partnershipRef, type Audience, type Collection } from '../partnerships/model';
import { defineAction, type AdminResource } from './action';
import { collectionIn } from './collections';
import type { AdminContext } from './context';

const ORGANISATIONS_LIST = {
  type: 'array',
  uniqueItems: true,
  items: { type: 'string', minLength: 1 },
} as const;

/**
 * The whole audience. At least one list is required, so that a misspelt key is
 * refused rather than read as "every member"; clearing is DELETE.
 */
export const AUDIENCE_BODY = {
  type: 'object',
  anyOf: [
    { required: ['read'], properties: { read: true } },
    { required: ['write'], properties: { write: true } },
  ],
  'x-expected': 'must name read, write or both (DELETE clears the audience)',
  properties: {
    read: { ...ORGANISATIONS_LIST, description: 'Member organisations (ids) that may read the collection; absent: every member.' },
    write: { ...ORGANISATIONS_LIST, description: 'Member organisations (ids) that may add objects to it, and delete where their role allows; absent: every publisher and steward.' },
  },
} as const;

function audienceWire(c: Collection): Record<string, unknown> {
  return { partnership: c.partnership, collection: c.id, read: c.audience?.read, write: c.audience?.write };
}

/** One line for the audit trail and the CLI: who reads, who writes. */
function describeAudience(audience: Audience | undefined): string {
  const names = (list: string[] | undefined) => (list === undefined ? 'every member by role' : list.length === 0 ? 'nobody' : list.join(', '));
  return `read: ${names(audience?.read)}; write: ${names(audience?.write)}`;
}

/**
 * Every organisation named must be a member of the partnership. An organisation
 * that exists elsewhere gets the same answer as one that does not exist, so a
 * steward learns nothing about the server's other organisations.
 */
async function checkMembers(ctx: AdminContext, partnership: string, audience: Audience): Promise<void> {
  const members = new Set((await ctx.table(MEMBERSHIPS).list(partnershipRef(partnership))).map((m) => m.organisationId));
  const problems = (['read', 'write'] as const).flatMap((key) =>
    (audience[key] ?? []).filter((org) => !members.has(org)).map((org) => `${key}: ${JSON.stringify(org)} is not a member organisation of ${partnership}`),
  );
  if (problems.length > 0) throw new UnprocessableContentError(problems.join('; '));
}

async function audienced(ctx: AdminContext, partnership: string, collectionId: string, audience: Audience): Promise<Collection> {
  const collection = await collectionIn(ctx, partnership, collectionId);
  // Every member resolves created_by_ref through it (docs/trust.md#members).
  if (collection.kind === 'members') throw new ForbiddenError('The members collection is read by every member: it takes no audience.');
  const next = { ...collection };
  if (audience.read === undefined && audience.write === undefined) delete next.audience;
  else next.audience = audience;
  return ctx.table(COLLECTIONS).replace(next);
}

const show = defineAction({ params: ['partnership', 'collectionId'] })({
  name: 'audiences.show',
  who: 'steward',
  run: (input, ctx) => collectionIn(ctx, input.partnership, input.collectionId),
  present: audienceWire,
  http: { method: 'GET', path: '/admin/partnerships/:partnership/collections/:collectionId/audience' },
  cli: [{ command: 'show <partnership> <collectionId>', text: (wire) => `${describeAudience(wire as Audience)}\n` }],
});

export const setAudience = defineAction({ body: AUDIENCE_BODY, params: ['partnership', 'collectionId'] })({
  name: 'audiences.set',
  who: 'steward',
  run: async (input, ctx) => {
    const audience: Audience = {};
    if (input.read !== undefined) audience.read = [...input.read];
    if (input.write !== undefined) audience.write = [...input.write];
    await checkMembers(ctx, input.partnership, audience);
    return audienced(ctx, input.partnership, input.collectionId, audience);
  },
  audit: (c) => ({ operation: 'set_audience', partnership: c.partnership, collection: c.id, detail: describeAudience(c.audience) }),
  present: audienceWire,
  http: { method: 'PUT', path: '/admin/partnerships/:partnership/collections/:collectionId/audience' },
  cli: [
    {
      command: 'set <partnership> <collectionId>',
      description: 'replace who may read and who may write the collection (a list left out: every member by role)',
      options: [
        { flags: '--read <orgs>', description: "comma-separated organisation ids ('' for nobody)" },
        { flags: '--write <orgs>', description: "comma-separated organisation ids ('' for nobody)" },
      ],
      text: (wire) => `${describeAudience(wire as Audience)}\n`,
    },
  ],
});

const clear = defineAction({ params: ['partnership', 'collectionId'] })({
  name: 'audiences.clear',
  who: 'steward',
  run: (input, ctx) => audienced(ctx, input.partnership, input.collectionId, {}),
  audit: (c) => ({ operation: 'clear_audience', partnership: c.partnership, collection: c.id, detail: describeAudience(undefined) }),
  present: () => undefined,
  http: { method: 'DELETE', path: '/admin/partnerships/:partnership/collections/:collectionId/audience', status: 204 },
  cli: [{ command: 'clear <partnership> <collectionId>', description: 'every member reads and writes by its role again' }],
});

export const audiences: AdminResource = {
  group: { name: 'audience', description: 'who among the members of a partnership may read and write each collection' },
  actions: [show, setAudience, clear],
};
