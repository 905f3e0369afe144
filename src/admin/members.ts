/**
 * Member organisations of a partnership and their roles (consumer, publisher,
 * steward): administrators and the partnership's stewards manage them. A change
 * takes effect on the member's next request.
 */

import { NotFoundError } from '../errors';
import { ORGANISATIONS } from '../identity/model';
import { ensureMembersCollection, publishIdentity } from '../partnerships/members-collection';
import { COLLECTIONS, MEMBERSHIPS, membershipId, partnershipRef, PARTNERSHIPS, ROLES, type Membership } from '../partnerships/model';
import { defineAction, type AdminResource } from './action';
import type { AdminContext } from './context';
import { listOf } from './listings';

export const MEMBER_BODY = {
  type: 'object',
  required: ['role'],
  properties: { role: { enum: ROLES, description: 'Role in the partnership.' } },
} as const;

function memberWire(m: Membership): Record<string, unknown> {
  return { partnership: m.partnership, organisation: m.organisationId, role: m.role, created: m.created };
}

const list = defineAction({ params: ['partnership'] })({
  name: 'members.list',
  who: 'steward',
  run: (input, ctx) => ctx.table(MEMBERSHIPS).list(partnershipRef(input.partnership)),
  ...listOf('members', memberWire),
  http: { method: 'GET', path: '/admin/partnerships/:partnership/members' },
  cli: [{ command: 'list <partnership>', columns: ['organisation', 'role'] }],
});

/** Adds the organisation to the partnership, or changes its role. */
export const setMember = defineAction({ body: MEMBER_BODY, params: ['partnership', 'org'] })({
  name: 'members.set',
  who: 'steward',
  run: async (input, ctx) => {
    const organisation = await ctx.table(ORGANISATIONS).require(input.org, `No organisation ${input.org}.`);
    const table = ctx.table(MEMBERSHIPS);
    const existing = await table.get(membershipId(input.partnership, input.org));
    const membership: Membership = { partnership: input.partnership, organisationId: input.org, role: input.role, created: existing?.created ?? ctx.now() };
    const saved = await (existing ? table.replace(membership) : table.create(membership));
    // Every member can resolve the newcomer's created_by_ref through TAXII.
    const partnership = await ctx.table(PARTNERSHIPS).require(input.partnership, `No partnership ${input.partnership}.`);
    if (partnership.membersCollection) {
      await ensureMembersCollection(ctx.store, partnership, ctx.now());
      await publishIdentity(ctx.store, input.partnership, organisation);
    }
    return saved;
  },
  audit: (m) => ({ operation: 'set_member', partnership: m.partnership, detail: `${m.organisationId} as ${m.role}` }),
  present: memberWire,
  http: { method: 'PUT', path: '/admin/partnerships/:partnership/members/:org' },
  cli: [{ command: 'add <partnership> <org>', options: [{ flags: '--role <role>', required: true, description: ROLES.join(', ') }], columns: ['partnership', 'organisation', 'role'] }],
});

const remove = defineAction({ params: ['partnership', 'org'] })({
  name: 'members.remove',
  who: 'steward',
  run: async (input, ctx) => {
    if (!(await ctx.table(MEMBERSHIPS).delete(membershipId(input.partnership, input.org)))) {
      throw new NotFoundError(`Organisation ${input.org} is not a member of ${input.partnership}.`);
    }
    return leaveAudiences(ctx, input.partnership, input.org);
  },
  audit: (left, input) => ({
    operation: 'remove_member',
    partnership: input.partnership,
    detail: left.length === 0 ? input.org : `${input.org}, also from the audience of ${left.join(', ')}`,
  }),
  present: () => undefined,
  http: { method: 'DELETE', path: '/admin/partnerships/:partnership/members/:org', status: 204 },
  cli: [{ command: 'remove <partnership> <org>' }],
});

/**
 * A former member leaves every audience of the partnership (docs/taxii.md#audiences),
 * so that joining again later does not quietly restore what a steward narrowed.
 * Returns the ids of the collections whose audience changed.
 */
async function leaveAudiences(ctx: AdminContext, partnership: string, org: string): Promise<string[]> {
  const table = ctx.table(COLLECTIONS);
  const left: string[] = [];
  for (const c of await table.list(partnershipRef(partnership))) {
    if (!c.audience?.read?.includes(org) && !c.audience?.write?.includes(org)) continue;
    const audience = { ...c.audience };
    if (audience.read) audience.read = audience.read.filter((o) => o !== org);
    if (audience.write) audience.write = audience.write.filter((o) => o !== org);
    await table.replace({ ...c, audience });
    left.push(c.id);
  }
  return left;
}

export const members: AdminResource = {
  group: { name: 'member', description: 'member organisations of a partnership and their roles' },
  actions: [setMember, remove, list],
};
