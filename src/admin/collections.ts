/**
 * Collections of a partnership: administrators and the partnership's stewards
 * add, list and change them. A collection is named by its id, or by its alias
 * within the partnership, as on the TAXII routes.
 */

import { randomUUID } from 'node:crypto';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { isAdministrator } from '../identity/principal';
import { COLLECTIONS, partnershipRef, type Collection } from '../partnerships/model';
import { PROFILES } from '../stix/issues';
import { TLP_LEVELS } from '../stix/tlp';
import { defineAction, type AdminResource, type BodyOf } from './action';
import type { AdminContext } from './context';
import { listOf } from './listings';
import { RETENTION_BODY, RETENTION_OPTIONS, retentionOf, retentionWire } from './retention-policy';

const UUID_V4 = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$', 'x-expected': 'must be a lower-case UUIDv4' } as const;
const ALIAS = { type: 'string', pattern: '^[^/]+$', 'x-expected': "must be non-empty and contain no '/'" } as const;
const TITLE = { type: 'string', minLength: 1, pattern: '\\S', 'x-expected': 'must not be blank' } as const;
const CEILING = { enum: TLP_LEVELS, description: 'Most restrictive TLP accepted.' } as const;
const PROFILE = { enum: PROFILES, description: 'Overrides validation.profile for this collection.' } as const;
const REQUIRE_CREATED_BY_REF = { type: 'boolean', description: 'Refuse objects (other than SCOs) that do not name their creator in created_by_ref.' } as const;
const MODERATED = { type: 'boolean', description: "Hold publishers' objects as pending until a steward approves them (stewards' own are stored directly)." } as const;

export const COLLECTION_BODY = {
  type: 'object',
  required: ['title'],
  properties: {
    id: { ...UUID_V4, description: 'Default: a new UUIDv4 (only server administrators choose one).' },
    title: TITLE,
    description: { type: 'string', minLength: 1 },
    alias: { ...ALIAS, description: 'Unique in the partnership, usable in place of the id in URLs.' },
    marking_ceiling: CEILING,
    validation_profile: PROFILE,
    require_created_by_ref: REQUIRE_CREATED_BY_REF,
    moderated: MODERATED,
    retention: RETENTION_BODY,
  },
} as const;

/** A change; null removes an optional property. */
export const COLLECTION_PATCH = {
  type: 'object',
  properties: {
    title: TITLE,
    description: { type: ['string', 'null'], minLength: 1 },
    alias: { type: ['string', 'null'], pattern: ALIAS.pattern, 'x-expected': ALIAS['x-expected'] },
    marking_ceiling: { enum: [...TLP_LEVELS, null] },
    validation_profile: { enum: [...PROFILES, null] },
    require_created_by_ref: REQUIRE_CREATED_BY_REF,
    moderated: MODERATED,
    retention: RETENTION_BODY,
  },
} as const;

/** The CLI options that set the two rules a collection applies to what it receives. */
const CEILING_AND_PROFILE_OPTIONS = [
  { flags: '--ceiling <tlp>', field: 'marking_ceiling', description: `most restrictive TLP accepted: ${TLP_LEVELS.join(', ')}` },
  { flags: '--profile <profile>', field: 'validation_profile', description: `${PROFILES.join(' or ')} validation` },
];

type Fields = BodyOf<typeof COLLECTION_BODY> | BodyOf<typeof COLLECTION_PATCH>;

function collectionWire(c: Collection): Record<string, unknown> {
  return {
    id: c.id,
    partnership: c.partnership,
    title: c.title,
    description: c.description,
    alias: c.alias,
    marking_ceiling: c.markingCeiling,
    validation_profile: c.validationProfile,
    require_created_by_ref: c.requireCreatedByRef ?? false,
    moderated: c.moderated ?? false,
    retention: retentionWire(c.retention),
    audience: c.audience === undefined ? undefined : { read: c.audience.read, write: c.audience.write },
    members: c.kind === 'members' ? true : undefined,
    created: c.created,
  };
}

/** A partnership's collection by id or, as on the TAXII routes, by alias; 404 otherwise. */
export async function collectionIn(ctx: AdminContext, partnership: string, idOrAlias: string): Promise<Collection> {
  const inPartnership = await ctx.table(COLLECTIONS).list(partnershipRef(partnership));
  const found = inPartnership.find((c) => c.id === idOrAlias) ?? inPartnership.find((c) => c.alias === idOrAlias);
  if (!found) throw new NotFoundError(`No collection ${idOrAlias} in ${partnership}.`);
  return found;
}

/** The collection with the fields given: a value sets, null removes, absence keeps. */
function withFields(c: Collection, fields: Fields): Collection {
  const next = { ...c };
  if (fields.title !== undefined) next.title = fields.title;
  const set = <K extends 'description' | 'alias' | 'markingCeiling' | 'validationProfile' | 'retention'>(key: K, value: Collection[K] | null | undefined) => {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  };
  set('description', fields.description);
  set('alias', fields.alias);
  set('markingCeiling', fields.marking_ceiling);
  set('validationProfile', fields.validation_profile);
  set('retention', retentionOf(fields.retention, c.retention));
  if (fields.require_created_by_ref !== undefined) next.requireCreatedByRef = fields.require_created_by_ref;
  if (fields.moderated !== undefined) next.moderated = fields.moderated;
  return next;
}

/** The fields a change named; moderation with its value, since it changes who sees what when (docs/taxii.md#moderated-collections). */
function changedFields(input: Record<string, unknown>): string {
  return Object.keys(input)
    .filter((k) => k in COLLECTION_PATCH.properties)
    .map((k) => (k === 'moderated' ? `moderated=${String(input[k])}` : k))
    .join(', ');
}

export const addCollection = defineAction({ body: COLLECTION_BODY, params: ['partnership'] })({
  name: 'collections.add',
  who: 'steward',
  run: async (input, ctx, actor) => {
    // Collection ids are unique server-wide, so "already exists" would tell a steward
    // that another partnership holds that id: only administrators choose ids.
    if (input.id !== undefined && !isAdministrator(actor)) {
      throw new ForbiddenError('Only server administrators choose a collection id; leave id out and one is generated.');
    }
    const table = ctx.table(COLLECTIONS);
    const id = input.id ?? randomUUID();
    if (await table.get(id)) throw new ConflictError(`A collection with id ${id} already exists.`);
    return table.create(withFields({ id, partnership: input.partnership, title: input.title, created: ctx.now() }, input));
  },
  audit: (c) => ({ operation: 'add_collection', partnership: c.partnership, collection: c.id, detail: c.moderated === true ? `${c.title} (moderated)` : c.title }),
  present: collectionWire,
  http: { method: 'POST', path: '/admin/partnerships/:partnership/collections', status: 201 },
  cli: [
    {
      command: 'add <partnership>',
      options: [
        { flags: '--title <title>', required: true },
        { flags: '--id <uuid>', description: 'default: a new UUIDv4' },
        { flags: '--alias <alias>' },
        { flags: '--description <text>' },
        ...CEILING_AND_PROFILE_OPTIONS,
      ],
      columns: ['id', 'alias', 'title', 'marking_ceiling'],
    },
  ],
});

const list = defineAction({ params: ['partnership'] })({
  name: 'collections.list',
  who: 'steward',
  run: (input, ctx) => ctx.table(COLLECTIONS).list(partnershipRef(input.partnership)),
  ...listOf('collections', collectionWire),
  http: { method: 'GET', path: '/admin/partnerships/:partnership/collections' },
  cli: [{ command: 'list <partnership>', columns: ['id', 'alias', 'title', 'marking_ceiling'] }],
});

const update = defineAction({ body: COLLECTION_PATCH, params: ['partnership', 'collectionId'] })({
  name: 'collections.update',
  who: 'steward',
  run: async (input, ctx) => ctx.table(COLLECTIONS).replace(withFields(await collectionIn(ctx, input.partnership, input.collectionId), input)),
  audit: (c, input) => ({ operation: 'update_collection', partnership: c.partnership, collection: c.id, detail: changedFields(input) }),
  present: collectionWire,
  http: { method: 'PATCH', path: '/admin/partnerships/:partnership/collections/:collectionId' },
  cli: [
    {
      command: 'update <partnership> <collectionId>',
      options: [
        { flags: '--title <title>' },
        { flags: '--alias <alias>' },
        { flags: '--description <text>' },
        ...CEILING_AND_PROFILE_OPTIONS,
        { flags: '--require-created-by-ref <on>', description: 'true or false' },
        { flags: '--moderated <on>', description: "true or false: publishers' objects wait for a steward's approval" },
        ...RETENTION_OPTIONS,
      ],
      columns: ['id', 'alias', 'title', 'marking_ceiling'],
    },
  ],
});

export const collections: AdminResource = {
  group: { name: 'collection', description: 'collections of a partnership' },
  actions: [addCollection, list, update],
};
