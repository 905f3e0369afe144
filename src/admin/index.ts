/**
 * Every admin resource, in the order the CLI lists them. A new resource is a
 * module beside these and one line here; the HTTP routes, the CLI commands and
 * openapi.yaml's test follow from its declarations.
 */

import type { AdminAction, AdminResource } from './action';
import { apiKeys } from './api-keys';
import { audiences } from './audiences';
import { audit } from './audit';
import { certificates } from './certificates';
import { collections } from './collections';
import { members } from './members';
import { objects } from './objects';
import { organisations } from './organisations';
import { partnerships } from './partnerships';
import { relays } from './relays';
import { retention } from './retention';
import { submissions } from './submissions';
import { users } from './users';

export const ADMIN_RESOURCES: readonly AdminResource[] = [organisations, users, apiKeys, certificates, relays, partnerships, members, collections, audiences, submissions, objects, retention, audit];

export const ADMIN_ACTIONS: readonly AdminAction[] = ADMIN_RESOURCES.flatMap((resource) => resource.actions);
