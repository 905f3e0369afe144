/**
 * The configuration's `seed`: organisations (with users, API keys and client
 * certificates) and partnerships (with members and collections) loaded into an
 * empty store at first start, as the local operator `seed`, through the same
 * actions as the admin API and the CLI. Later changes go through those; the seed
 * is never re-applied, so it cannot undo them.
 *
 * Its schema is made of the actions' own body schemas, closed to unknown keys as
 * every configuration key is; the configuration loader checks it with the rest.
 */

import type { FromSchema } from 'json-schema-to-ts';
import { AccordError, ConfigError, ConflictError } from '../errors';
import { ORGANISATIONS } from '../identity/model';
import { PARTNERSHIPS } from '../partnerships/model';
import { importKey, SEED_KEY } from './api-keys';
import { AUDIENCE_BODY, setAudience } from './audiences';
import { addCertificate, CERTIFICATE_BODY } from './certificates';
import { addCollection, COLLECTION_BODY } from './collections';
import { MEMBER_BODY, setMember } from './members';
import { addOrganisation, ORGANISATION_BODY } from './organisations';
import { grantRelay, RELAY_BODY } from './relays';
import { createPartnership, PARTNERSHIP_BODY } from './partnerships';
import type { Admin } from './perform';
import { importUser, SEED_USER } from './users';

const list = <const I>(items: I, description: string) => ({ type: 'array', items, default: [], description }) as const;

const SEED_ORGANISATION = {
  ...ORGANISATION_BODY,
  additionalProperties: false,
  properties: {
    ...ORGANISATION_BODY.properties,
    users: list({ ...SEED_USER, additionalProperties: false }, 'Users of the organisation.'),
    api_keys: list({ ...SEED_KEY, additionalProperties: false }, 'API keys of the organisation.'),
    certificates: list({ ...CERTIFICATE_BODY, additionalProperties: false, required: ['fingerprint'] }, 'Client certificates mapped to the organisation.'),
    relays: list({ ...RELAY_BODY, additionalProperties: false }, 'Outside identities the organisation may publish objects of.'),
  },
} as const;

const SEED_PARTNERSHIP = {
  ...PARTNERSHIP_BODY,
  additionalProperties: false,
  properties: {
    ...PARTNERSHIP_BODY.properties,
    status: { ...PARTNERSHIP_BODY.properties.status, default: 'active' },
    always_list_objects: { ...PARTNERSHIP_BODY.properties.always_list_objects, default: false },
    members: list(
      { ...MEMBER_BODY, additionalProperties: false, required: ['organisation', 'role'], properties: { organisation: { type: 'string', minLength: 1 }, ...MEMBER_BODY.properties } },
      'Member organisations.',
    ),
    // Seeded collections have fixed ids, so a redeployment serves the same URLs.
    collections: list(
      {
        ...COLLECTION_BODY,
        additionalProperties: false,
        required: ['id', 'title'],
        properties: { ...COLLECTION_BODY.properties, audience: { ...AUDIENCE_BODY, additionalProperties: false, description: 'Member organisations (ids) that may read and write it; a list left out: every member by role.' } },
      },
      'Collections of the partnership.',
    ),
  },
} as const;

export const SEED_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'Loaded into the store at first start only.',
  properties: {
    organisations: list(SEED_ORGANISATION, 'Organisations with their users, keys and certificates.'),
    partnerships: list(SEED_PARTNERSHIP, 'Partnerships with their members and collections.'),
  },
} as const;

export type Seed = FromSchema<typeof SEED_SCHEMA>;

/** What the schema cannot see: names repeated across items, members that are not seeded organisations, audiences naming non-members. */
export function seedProblems(seed: Seed): string[] {
  const problems: string[] = [];
  const firstTime = (seen: Set<string>, value: string) => !seen.has(value) && Boolean(seen.add(value));
  const orgs = new Set<string>();
  const usernames = new Set<string>();
  seed.organisations.forEach((org, o) => {
    const at = `seed.organisations[${o}]`;
    if (!firstTime(orgs, org.id)) problems.push(`${at}.id: duplicate organisation ${org.id}`);
    org.users.forEach((user, u) => {
      if (!firstTime(usernames, user.username)) problems.push(`${at}.users[${u}].username: duplicate username ${user.username}`);
    });
  });
  const paths = new Set<string>();
  const collectionIds = new Set<string>();
  seed.partnerships.forEach((p, i) => {
    const at = `seed.partnerships[${i}]`;
    if (!firstTime(paths, p.path)) problems.push(`${at}.path: duplicate partnership ${p.path}`);
    p.members.forEach((m, j) => {
      if (!orgs.has(m.organisation)) problems.push(`${at}.members[${j}].organisation: unknown organisation ${JSON.stringify(m.organisation)}`);
    });
    const aliases = new Set<string>();
    const memberIds = new Set(p.members.map((m) => m.organisation));
    p.collections.forEach((c, j) => {
      if (!firstTime(collectionIds, c.id)) problems.push(`${at}.collections[${j}].id: duplicate collection id ${c.id}`);
      if (c.alias !== undefined && !firstTime(aliases, c.alias)) problems.push(`${at}.collections[${j}].alias: must be unique in the partnership`);
      for (const key of ['read', 'write'] as const) {
        c.audience?.[key]?.forEach((org, k) => {
          if (!memberIds.has(org)) problems.push(`${at}.collections[${j}].audience.${key}[${k}]: ${JSON.stringify(org)} is not a member of ${p.path}`);
        });
      }
    });
  });
  return problems;
}

/** Loads the seed when the store holds no organisation and no partnership; true when it did. */
export async function seedIfEmpty(admin: Admin, seed: Seed): Promise<boolean> {
  const { ctx } = admin;
  if ((await ctx.table(ORGANISATIONS).list()).length > 0 || (await ctx.table(PARTNERSHIPS).list()).length > 0) return false;
  const at = async (path: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      // Another instance starting on the same empty store seeded this entity first.
      if (error instanceof ConflictError) return;
      if (error instanceof AccordError) throw new ConfigError([`${path}: ${error.message}`]);
      throw error;
    }
  };
  for (const [o, { users, api_keys, certificates, relays, ...organisation }] of seed.organisations.entries()) {
    const base = `seed.organisations[${o}]`;
    await at(base, () => admin.perform(addOrganisation, 'seed', organisation));
    for (const [u, user] of users.entries()) await at(`${base}.users[${u}]`, () => admin.perform(importUser, 'seed', { ...user, org: organisation.id }));
    for (const [k, key] of api_keys.entries()) await at(`${base}.api_keys[${k}]`, () => admin.perform(importKey, 'seed', { ...key, org: organisation.id }));
    for (const [c, cert] of certificates.entries()) {
      await at(`${base}.certificates[${c}]`, () => admin.perform(addCertificate, 'seed', { ...cert, org: organisation.id }));
    }
    for (const [r, relay] of relays.entries()) await at(`${base}.relays[${r}]`, () => admin.perform(grantRelay, 'seed', { ...relay, org: organisation.id }));
  }
  for (const [i, { members, collections, ...partnership }] of seed.partnerships.entries()) {
    const base = `seed.partnerships[${i}]`;
    await at(base, () => admin.perform(createPartnership, 'seed', partnership));
    for (const [m, { organisation, role }] of members.entries()) {
      await at(`${base}.members[${m}]`, () => admin.perform(setMember, 'seed', { role, partnership: partnership.path, org: organisation }));
    }
    for (const [c, { audience, ...collection }] of collections.entries()) {
      await at(`${base}.collections[${c}]`, () => admin.perform(addCollection, 'seed', { ...collection, partnership: partnership.path }));
      if (audience !== undefined) {
        await at(`${base}.collections[${c}].audience`, () => admin.perform(setAudience, 'seed', { ...audience, partnership: partnership.path, collectionId: collection.id }));
      }
    }
  }
  return true;
}
