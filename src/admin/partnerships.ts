/**
 * Partnerships (sharing agreements), each served as one TAXII API root: server
 * administrators create them; administrators and the partnership's stewards see
 * and change them. A partnership is read-only while closed, before its start date
 * and after its end date (src/partnerships/model.ts).
 */

import { ForbiddenError, UnprocessableContentError } from '../errors';
import { isAdministrator, isLocalOperator, type Actor } from '../identity/principal';
import { organisationRef } from '../identity/model';
import { refreshMembersCollection } from '../partnerships/members-collection';
import { MEMBERSHIPS, PARTNERSHIP_KINDS, PARTNERSHIPS, type Partnership } from '../partnerships/model';
import { defineAction, type AdminResource, type BodyOf } from './action';
import type { AdminContext } from './context';
import { stewarded } from './perform';
import { listOf } from './listings';
import { RETENTION_BODY, RETENTION_OPTIONS, retentionOf, retentionWire } from './retention-policy';

/** One URL segment, not a path Accord serves itself (any case). */
const PATH = {
  type: 'string',
  pattern: '^(?![Tt][Aa][Xx][Ii][Ii]2?$|[Aa][Dd][Mm][Ii][Nn]$)[A-Za-z0-9][A-Za-z0-9._~-]{0,63}$',
  'x-expected': "must be one URL segment of letters, digits, '.', '_', '~', '-' (not taxii, taxii2 or admin)",
} as const;
const DATE = { type: 'string', format: 'date', 'x-expected': 'a real date, YYYY-MM-DD' } as const;
const TEXT = { type: 'string', minLength: 1, pattern: '\\S', 'x-expected': 'must not be blank' } as const;

/** What may change after creation. */
const CHANGEABLE = {
  title: TEXT,
  description: { type: 'string', minLength: 1 },
  status: { enum: ['active', 'closed'], description: 'A closed partnership is read-only.' },
  start_date: DATE,
  end_date: { ...DATE, description: 'After this date the partnership is read-only.' },
  max_content_length: { type: 'integer', minimum: 1, description: 'Largest Add Objects body, in bytes (default taxii.max_content_length).' },
  always_list_objects: { type: 'boolean', description: 'Empty envelopes carry "objects": [] (for Elastic).' },
  retention: RETENTION_BODY,
  members_collection: { type: 'boolean', description: "Serve a read-only collection of every member's STIX identity (alias members), so clients resolve created_by_ref over TAXII." },
} as const;

export const PARTNERSHIP_BODY = {
  type: 'object',
  required: ['path', 'title', 'kind'],
  properties: {
    path: PATH,
    kind: { enum: PARTNERSHIP_KINDS },
    ...CHANGEABLE,
  },
} as const;

export const PARTNERSHIP_PATCH = { type: 'object', properties: CHANGEABLE } as const;

type Changes = BodyOf<typeof PARTNERSHIP_PATCH>;

export function partnershipWire(p: Partnership): Record<string, unknown> {
  return {
    path: p.path,
    title: p.title,
    kind: p.kind,
    description: p.description,
    start_date: p.startDate,
    end_date: p.endDate,
    status: p.status,
    max_content_length: p.maxContentLength,
    always_list_objects: p.alwaysListObjects ?? false,
    retention: retentionWire(p.retention),
    members_collection: p.membersCollection ?? false,
    created: p.created,
  };
}

/** The partnership with the changes given, checked as a whole. */
function applyChanges(p: Partnership, changes: Changes): Partnership {
  const next = { ...p };
  if (changes.title !== undefined) next.title = changes.title;
  if (changes.description !== undefined) next.description = changes.description;
  if (changes.status !== undefined) next.status = changes.status;
  if (changes.start_date !== undefined) next.startDate = changes.start_date;
  if (changes.end_date !== undefined) next.endDate = changes.end_date;
  if (changes.max_content_length !== undefined) next.maxContentLength = changes.max_content_length;
  if (changes.always_list_objects !== undefined) next.alwaysListObjects = changes.always_list_objects;
  if (changes.members_collection !== undefined) next.membersCollection = changes.members_collection;
  const retention = retentionOf(changes.retention, p.retention);
  if (retention === null) delete next.retention;
  else if (retention !== undefined) next.retention = retention;
  if (next.startDate !== undefined && next.endDate !== undefined && next.startDate > next.endDate) {
    throw new UnprocessableContentError(`partnership dates: start_date ${next.startDate} is after end_date ${next.endDate}`);
  }
  return next;
}

/** The body fields a request gave, for the audit line. */
function changedFields(input: object): string {
  return Object.keys(input).filter((key) => key in CHANGEABLE).join(', ');
}

export const createPartnership = defineAction({ body: PARTNERSHIP_BODY })({
  name: 'partnerships.create',
  who: 'administrator',
  run: async (input, ctx) => {
    const base: Partnership = { path: input.path, title: input.title, kind: input.kind, status: 'active', maxContentLength: ctx.defaultMaxContentLength, created: ctx.now() };
    const partnership = await ctx.table(PARTNERSHIPS).create(applyChanges(base, input));
    if (partnership.membersCollection) await refreshMembersCollection(ctx.store, partnership, ctx.now());
    return partnership;
  },
  audit: (p) => ({ operation: 'create_partnership', partnership: p.path, detail: `${p.kind} ${p.title}` }),
  present: partnershipWire,
  http: { method: 'POST', path: '/admin/partnerships', status: 201 },
  cli: [
    {
      command: 'create <path>',
      options: [
        { flags: '--title <title>', required: true },
        { flags: '--kind <kind>', required: true, description: PARTNERSHIP_KINDS.join(', ') },
        { flags: '--description <text>' },
        { flags: '--start <date>', field: 'start_date', description: 'YYYY-MM-DD' },
        { flags: '--end <date>', field: 'end_date', description: 'YYYY-MM-DD; read-only afterwards' },
        { flags: '--always-list-objects', description: 'empty envelopes carry "objects": [] (for Elastic)' },
      ],
      columns: ['path', 'kind', 'status', 'title'],
    },
  ],
});

/** Administrators see every partnership; others the ones they steward. */
async function visiblePartnerships(ctx: AdminContext, actor: Actor): Promise<Partnership[]> {
  const all = await ctx.table(PARTNERSHIPS).list();
  if (isLocalOperator(actor) || actor.admin) return all;
  const memberships = await ctx.table(MEMBERSHIPS).list(organisationRef(actor.organisationId));
  const stewardOf = new Set(memberships.filter((m) => m.role === 'steward').map((m) => m.partnership));
  return all.filter((p) => stewardOf.has(p.path));
}

const list = defineAction({})({
  name: 'partnerships.list',
  who: 'signed-in',
  run: (_input, ctx, actor) => visiblePartnerships(ctx, actor),
  ...listOf('partnerships', partnershipWire),
  http: { method: 'GET', path: '/admin/partnerships' },
  cli: [{ command: 'list', columns: ['path', 'kind', 'status', 'title'] }],
});

const show = defineAction({ params: ['partnership'] })({
  name: 'partnerships.show',
  who: 'steward',
  run: (input, ctx, actor) => stewarded(ctx, actor, input.partnership),
  present: partnershipWire,
  http: { method: 'GET', path: '/admin/partnerships/:partnership' },
  cli: [{ command: 'show <partnership>', columns: ['path', 'kind', 'status', 'title'] }],
});

const update = defineAction({ body: PARTNERSHIP_PATCH, params: ['partnership'] })({
  name: 'partnerships.update',
  who: 'steward',
  run: async (input, ctx, actor) => {
    const current = await stewarded(ctx, actor, input.partnership);
    // Add Objects bodies are read whole up to this limit: raising it is the operator's call.
    const limit = ctx.defaultMaxContentLength;
    if (input.max_content_length !== undefined && input.max_content_length > limit && !isAdministrator(actor)) {
      throw new ForbiddenError(`Only server administrators may raise max_content_length above ${limit} bytes.`);
    }
    const updated = await ctx.table(PARTNERSHIPS).replace(applyChanges(current, input));
    if (updated.membersCollection) await refreshMembersCollection(ctx.store, updated, ctx.now());
    return updated;
  },
  audit: (p, input) => ({ operation: 'update_partnership', partnership: p.path, detail: changedFields(input) }),
  present: partnershipWire,
  http: { method: 'PATCH', path: '/admin/partnerships/:partnership' },
  cli: [
    {
      command: 'update <partnership>',
      options: [
        { flags: '--title <title>' },
        { flags: '--description <text>' },
        { flags: '--start <date>', field: 'start_date', description: 'YYYY-MM-DD' },
        { flags: '--end <date>', field: 'end_date', description: 'YYYY-MM-DD' },
        { flags: '--max-content-length <bytes>' },
        { flags: '--always-list-objects <on>', description: 'true or false' },
        { flags: '--members-collection <on>', description: "true or false: serve every member's STIX identity" },
        ...RETENTION_OPTIONS,
      ],
      columns: ['path', 'status', 'always_list_objects', 'title'],
    },
    { command: 'close <partnership>', description: 'make every collection of the partnership read-only', fixed: { status: 'closed' }, columns: ['path', 'status'] },
    { command: 'reopen <partnership>', fixed: { status: 'active' }, columns: ['path', 'status'] },
  ],
});

export const partnerships: AdminResource = {
  group: { name: 'partnership', description: 'partnerships: each is a TAXII API root' },
  actions: [createPartnership, list, show, update],
};
