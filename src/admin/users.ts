/**
 * Users log in with a password (HTTP Basic); server administrators add, list and
 * remove them. The password is hashed with scrypt and never stored or shown; the
 * seed imports users with a hash made by `accord hash-password`.
 */

import { NotFoundError } from '../errors';
import { ORGANISATIONS, USERNAME, USERS, type User } from '../identity/model';
import { hashPassword, PASSWORD_HASH_PATTERN } from '../identity/passwords';
import { defineAction, type AdminResource } from './action';
import type { AdminContext } from './context';
import { organisationListing } from './listings';

const USERNAME_SCHEMA = { type: 'string', pattern: USERNAME.source, 'x-expected': "1-64 letters, digits, '.', '_', '@' or '-'" } as const;

export const USER_BODY = {
  type: 'object',
  required: ['username', 'password'],
  properties: {
    username: USERNAME_SCHEMA,
    password: { type: 'string', minLength: 10 },
    admin: { type: 'boolean' },
  },
} as const;

/** A user as the seed gives it: with the hash of its password. */
export const SEED_USER = {
  type: 'object',
  required: ['username', 'password_hash'],
  properties: {
    username: USERNAME_SCHEMA,
    password_hash: { type: 'string', pattern: PASSWORD_HASH_PATTERN, 'x-expected': 'not an scrypt hash; create one with `accord hash-password`' },
    admin: { type: 'boolean', default: false, description: 'Server administrator.' },
  },
} as const;

function userWire(u: User): Record<string, unknown> {
  return { username: u.username, organisation: u.organisationId, admin: u.admin, created: u.created };
}

async function addUser(ctx: AdminContext, user: Omit<User, 'created'>): Promise<User> {
  await ctx.table(ORGANISATIONS).require(user.organisationId, `No organisation ${user.organisationId}.`);
  return ctx.table(USERS).create({ ...user, created: ctx.now() });
}

const auditAdd = (user: User) => ({ operation: 'add_user', detail: `user ${user.username} of ${user.organisationId}${user.admin ? ' (admin)' : ''}` });

const add = defineAction({ body: USER_BODY, params: ['org'] })({
  name: 'users.add',
  who: 'administrator',
  run: async (input, ctx) =>
    addUser(ctx, { username: input.username, organisationId: input.org, passwordHash: await hashPassword(input.password, ctx.passwordCost), admin: input.admin ?? false }),
  audit: auditAdd,
  present: userWire,
  http: { method: 'POST', path: '/admin/organisations/:org/users', status: 201 },
  cli: [
    {
      command: 'add <username>',
      description: 'add a user; the password is read from the first line of stdin',
      options: [{ flags: '--org <id>', required: true, description: 'organisation' }, { flags: '--admin', description: 'server administrator' }],
      stdin: 'password',
      columns: ['username', 'organisation', 'admin'],
    },
  ],
});

export const importUser = defineAction({ body: SEED_USER, params: ['org'] })({
  name: 'users.import',
  who: 'operator',
  run: (input, ctx) => addUser(ctx, { username: input.username, organisationId: input.org, passwordHash: input.password_hash, admin: input.admin ?? false }),
  audit: auditAdd,
  present: userWire,
});

const list = organisationListing('users.list', USERS, 'users', userWire, ['username', 'organisation', 'admin']);

const remove = defineAction({ params: ['username'] })({
  name: 'users.remove',
  who: 'administrator',
  run: async (input, ctx) => {
    if (!(await ctx.table(USERS).delete(input.username))) throw new NotFoundError(`No user ${input.username}.`);
  },
  audit: (_none, input) => ({ operation: 'remove_user', detail: `user ${input.username}` }),
  present: () => undefined,
  http: { method: 'DELETE', path: '/admin/users/:username', status: 204 },
  cli: [{ command: 'remove <username>' }],
});

export const users: AdminResource = {
  group: { name: 'user', description: 'users who log in with a password (HTTP Basic)' },
  actions: [add, remove, list, importUser],
};
