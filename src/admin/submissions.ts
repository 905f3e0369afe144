/**
 * Pending submissions of moderated collections (docs/taxii.md#moderated-collections):
 * the partnership's stewards and administrators list them, oldest first, and
 * approve or reject them, named one by one or all those of one Add Objects
 * status. Approval stores each object then, as Add Objects would (review.ts);
 * rejection needs a reason, which the submitter reads in its status.
 */

import { BadParameterError, ConflictError, ForbiddenError, NotFoundError, UnprocessableContentError } from '../errors';
import { PARTNERSHIPS, whyReadOnly, type Collection } from '../partnerships/model';
import { decide, type Decision, type Verdict } from '../partnerships/review';
import { collectionRef, SUBMISSIONS, type Submission } from '../partnerships/submissions';
import { formatMicros } from '../stix/timestamp';
import { defineAction, type AdminResource } from './action';
import { collectionIn } from './collections';
import type { AdminContext } from './context';

const DEFAULT_LIMIT = 100;
/**
 * How long after its arrival a submission's request may still be writing its status: a
 * decision then would find no status to update, and the status written after it would
 * stay pending for ever. Past this, a submission without a status is an orphan (its
 * request failed) and is decided all the same.
 */
const IN_FLIGHT_MICROS = 10 * 60 * 1_000_000;
const MAX_LIMIT = 1000;

const UUID = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', 'x-expected': 'must be a lower-case UUID' } as const;

const SELECTION = {
  ids: { type: 'array', minItems: 1, uniqueItems: true, items: UUID, description: 'The submissions to decide, by id.' },
  status_id: { ...UUID, description: 'Every pending submission of this Add Objects status.' },
} as const;

/** Either the submissions by id or those of one status: a misspelt key is refused rather than read as "none". */
const SELECTED = [
  { required: ['ids'], properties: { ids: true } },
  { required: ['status_id'], properties: { status_id: true } },
] as const;

export const APPROVE_BODY = { type: 'object', anyOf: SELECTED, 'x-expected': 'must name ids or status_id', properties: SELECTION } as const;

export const REJECT_BODY = {
  type: 'object',
  required: ['reason'],
  anyOf: SELECTED,
  'x-expected': 'must name ids or status_id, and give a reason',
  properties: {
    ...SELECTION,
    reason: { type: 'string', minLength: 1, maxLength: 300, pattern: '\\S', description: "Why, for the submitter (in its status resource's failures) and the audit trail." },
  },
} as const;

function submissionWire(s: Submission): Record<string, unknown> {
  return {
    id: s.id,
    status_id: s.statusId,
    object_id: s.record.id,
    type: s.record.type,
    version: s.record.version ?? undefined,
    spec_version: s.record.specVersion,
    submitted: formatMicros(s.submittedAt),
    submitter: { organisation: s.record.submitter.organisation, user: s.record.submitter.user, key_id: s.record.submitter.keyId },
    object: JSON.parse(s.record.body) as unknown,
  };
}

function verdictWire(v: Verdict): Record<string, unknown> {
  return { id: v.submission.id, status_id: v.submission.statusId, object_id: v.submission.record.id, version: v.submission.record.version ?? undefined, outcome: v.outcome, message: v.message };
}

/** Where a submission is listed: oldest request first, then the order of its envelope. */
type Position = [submittedAt: number, statusId: string, index: number];

function positionOf(s: Submission): Position {
  return [s.submittedAt, s.statusId, s.index];
}

function compare(a: Position, b: Position): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2];
}

function byArrival(a: Submission, b: Submission): number {
  return compare(positionOf(a), positionOf(b));
}

/** A page resumes after a position (`<submitted µs>.<status id>.<index>`), so deciding those already seen skips none. */
function cursorOf(s: Submission): string {
  return positionOf(s).join('.');
}

const CURSOR = /^(\d{1,16})\.([0-9a-f-]{36})\.(\d{1,9})$/;

function positionIn(cursor: string): Position {
  const match = CURSOR.exec(cursor);
  if (match === null) throw new BadParameterError('after', cursor, 'expected the `next` of the page before');
  return [Number(match[1]), match[2]!, Number(match[3])];
}

function limitOf(limit: string | undefined): number {
  if (limit !== undefined && (!/^\d{1,4}$/.test(limit) || Number(limit) < 1)) throw new BadParameterError('limit', limit, 'expected 1 to 9999');
  return Math.min(Number(limit ?? DEFAULT_LIMIT), MAX_LIMIT);
}

async function pendingIn(ctx: AdminContext, collection: Collection): Promise<Submission[]> {
  return (await ctx.table(SUBMISSIONS).list(collectionRef(collection.id))).sort(byArrival);
}

const list = defineAction({ params: ['partnership', 'collectionId'], optionalParams: ['after', 'limit'] })({
  name: 'submissions.list',
  who: 'steward',
  run: async (input, ctx) => {
    const after = input.after === undefined ? undefined : positionIn(input.after);
    const limit = limitOf(input.limit);
    const all = await pendingIn(ctx, await collectionIn(ctx, input.partnership, input.collectionId));
    const rest = after === undefined ? all : all.filter((s) => compare(positionOf(s), after) > 0);
    return { page: rest.slice(0, limit), more: rest.length > limit };
  },
  present: ({ page, more }) => ({ submissions: page.map(submissionWire), more, next: more ? cursorOf(page[page.length - 1]!) : undefined }),
  rows: (wire) => (wire as { submissions: unknown[] }).submissions,
  http: {
    method: 'GET',
    path: '/admin/partnerships/:partnership/collections/:collectionId/submissions',
    query: (params) => ({ after: params.get('after') ?? undefined, limit: params.get('limit') ?? undefined }),
  },
  cli: [
    {
      command: 'list <partnership> <collectionId>',
      description: 'pending submissions, oldest first',
      options: [{ flags: '--after <next>', description: 'the next of the page before' }, { flags: '--limit <n>', default: String(DEFAULT_LIMIT) }],
      columns: ['id', 'status_id', 'object_id', 'version', 'submitted'],
    },
  ],
});

/** The submissions named, all of them pending in this collection; otherwise 404 and nothing is decided. */
async function selected(ctx: AdminContext, collection: Collection, input: { ids?: readonly string[]; status_id?: string }): Promise<Submission[]> {
  if (input.ids !== undefined && input.status_id !== undefined) throw new UnprocessableContentError('name the submissions either by ids or by status_id, not both');
  const pending = await pendingIn(ctx, collection);
  if (input.status_id !== undefined) {
    const ofStatus = pending.filter((s) => s.statusId === input.status_id);
    if (ofStatus.length === 0) throw new NotFoundError(`No pending submission of status ${input.status_id} in collection ${collection.id}.`);
    return ofStatus;
  }
  const byId = new Map(pending.map((s) => [s.id, s]));
  const missing = (input.ids ?? []).filter((id) => !byId.has(id));
  if (missing.length > 0) throw new NotFoundError(`No pending submission ${missing.join(', ')} in collection ${collection.id}.`);
  return (input.ids ?? []).map((id) => byId.get(id)!);
}

async function decided(ctx: AdminContext, input: { partnership: string; collectionId: string; ids?: readonly string[]; status_id?: string }, decision: Decision) {
  const collection = await collectionIn(ctx, input.partnership, input.collectionId);
  if (decision.kind === 'approve') {
    // Storing is writing: a closed or ended partnership takes no new objects, approved or not.
    const readOnly = whyReadOnly((await ctx.table(PARTNERSHIPS).require(input.partnership, `No partnership ${input.partnership}.`)), ctx.now().slice(0, 10));
    if (readOnly !== undefined) throw new ForbiddenError(readOnly);
  }
  const submissions = await selected(ctx, collection, input);
  await requireStatuses(ctx, submissions);
  return { collection, verdicts: await decide(ctx.store, collection, submissions, decision, () => ctx.micros()) };
}

/** 409 while a submission's Add Objects request has not yet kept its status; nothing is decided. */
async function requireStatuses(ctx: AdminContext, submissions: readonly Submission[]): Promise<void> {
  const now = ctx.micros();
  const recent = new Set(submissions.filter((s) => now - s.submittedAt < IN_FLIGHT_MICROS).map((s) => s.statusId));
  for (const statusId of recent) {
    if ((await ctx.store.getStatus(statusId, now)) === null) throw new ConflictError(`The request that submitted these objects (status ${statusId}) is still being answered; try again in a moment.`);
  }
}

/** One audit line per decision: how many went which way, and which submissions (their ids). */
function describe(verdicts: Verdict[], reason?: string): string {
  const count = (outcome: Verdict['outcome']) => verdicts.filter((v) => v.outcome === outcome).length;
  const counts = reason === undefined ? `${count('stored')} stored, ${count('refused')} refused` : `${count('rejected')} rejected: ${reason}`;
  return `${counts}; submissions ${verdicts.map((v) => v.submission.id).join(', ')}`;
}

const SELECTION_OPTIONS = [
  { flags: '--ids <ids>', description: 'comma-separated submission ids' },
  { flags: '--status <statusId>', field: 'status_id', description: 'every pending submission of this status' },
];

const approve = defineAction({ body: APPROVE_BODY, params: ['partnership', 'collectionId'] })({
  name: 'submissions.approve',
  who: 'steward',
  run: (input, ctx) => decided(ctx, input, { kind: 'approve' }),
  audit: ({ collection, verdicts }) => ({ operation: 'approve_submissions', partnership: collection.partnership, collection: collection.id, detail: describe(verdicts) }),
  present: ({ verdicts }) => ({ decided: verdicts.map(verdictWire) }),
  rows: (wire) => (wire as { decided: unknown[] }).decided,
  http: { method: 'POST', path: '/admin/partnerships/:partnership/collections/:collectionId/submissions/approve' },
  cli: [{ command: 'approve <partnership> <collectionId>', description: 'store pending objects now (date_added: now)', options: SELECTION_OPTIONS, columns: ['id', 'object_id', 'outcome', 'message'] }],
});

const reject = defineAction({ body: REJECT_BODY, params: ['partnership', 'collectionId'] })({
  name: 'submissions.reject',
  who: 'steward',
  run: (input, ctx) => decided(ctx, input, { kind: 'reject', reason: input.reason }),
  audit: ({ collection, verdicts }, input) => ({ operation: 'reject_submissions', partnership: collection.partnership, collection: collection.id, detail: describe(verdicts, input.reason) }),
  present: ({ verdicts }) => ({ decided: verdicts.map(verdictWire) }),
  rows: (wire) => (wire as { decided: unknown[] }).decided,
  http: { method: 'POST', path: '/admin/partnerships/:partnership/collections/:collectionId/submissions/reject' },
  cli: [
    {
      command: 'reject <partnership> <collectionId>',
      description: 'refuse pending objects; the submitter reads the reason in its status',
      options: [...SELECTION_OPTIONS, { flags: '--reason <text>', description: 'required: the submitter reads it in its status' }],
      columns: ['id', 'object_id', 'outcome', 'message'],
    },
  ],
});

export const submissions: AdminResource = {
  group: { name: 'submission', description: 'pending objects of moderated collections: list, approve, reject' },
  actions: [list, approve, reject],
};
