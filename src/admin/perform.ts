/**
 * Performing an admin action, the same way for every adapter (HTTP, CLI, seed):
 * the body is checked against the action's schema, the actor's right is checked,
 * the action runs, and its audit line is written and durable before the
 * action's answer (docs/reliability.md#audit-trail).
 */

import { ForbiddenError, NotFoundError } from '../errors';
import { isAdministrator, isLocalOperator, type Actor } from '../identity/principal';
import { organisationRef } from '../identity/model';
import { MEMBERSHIPS, PARTNERSHIPS, type Partnership } from '../partnerships/model';
import type { AdminAction, Json } from './action';
import { compileBody, type BodyCheck } from './body-schema';
import type { AdminContext } from './context';

export class Admin {
  private readonly checks = new Map<AdminAction, BodyCheck>();

  constructor(
    readonly ctx: AdminContext,
    actions: readonly AdminAction[],
  ) {
    // Compiled at start-up: a schema that does not compile stops the server here.
    for (const action of actions) if (action.body !== undefined) this.checks.set(action, compileBody(action.body));
  }

  /** `input` holds the body's fields and the parameters (path or positional), parameters winning. */
  async perform<I, O>(action: AdminAction<I, O>, actor: Actor, input: Json): Promise<O> {
    this.checks.get(action)?.(input);
    await this.authorise(action, actor, input);
    // A change is refused before it runs while the trail cannot be written, and answered only once its line is durable.
    if (action.audit) await this.ctx.audit.ensureWritable();
    const output = await action.run(input as I, this.ctx, actor);
    if (action.audit) {
      const line = action.audit(output, input as I);
      try {
        await this.ctx.audit.record(actor, { ...line, outcome: 200 });
      } catch (error) {
        // Refused, yet perhaps applied: the trail keeps the line with the answer given, once it can.
        this.ctx.audit.recordSoon(actor, { ...line, outcome: 503 });
        throw error;
      }
    }
    return output;
  }

  private async authorise(action: AdminAction, actor: Actor, input: Json): Promise<void> {
    switch (action.who) {
      case 'administrator':
        if (!isAdministrator(actor)) throw new ForbiddenError('Only server administrators may do this.');
        return;
      case 'operator':
        if (!isLocalOperator(actor)) throw new ForbiddenError('Only the local operator may do this.');
        return;
      case 'steward':
        if (input.partnership === undefined) {
          if (!isAdministrator(actor)) throw new ForbiddenError('Only server administrators may do this.');
        } else await stewarded(this.ctx, actor, String(input.partnership));
        return;
      case 'signed-in':
        return;
    }
  }
}

/**
 * The partnership, when the actor may manage it: administrators any, stewards
 * their own; a member with another role gets 403, anyone else 404 worded like a
 * partnership that does not exist.
 */
export async function stewarded(ctx: AdminContext, actor: Actor, path: string): Promise<Partnership> {
  const partnership = await ctx.table(PARTNERSHIPS).get(path);
  const role = isAdministrator(actor) || isLocalOperator(actor) ? 'steward' : await roleOf(ctx, actor.organisationId, path);
  if (!partnership || role === undefined) throw new NotFoundError(`No partnership ${path}.`);
  if (role !== 'steward') throw new ForbiddenError(`Only stewards of ${path} and server administrators may manage it.`);
  return partnership;
}

async function roleOf(ctx: AdminContext, organisationId: string, path: string): Promise<string | undefined> {
  return (await ctx.table(MEMBERSHIPS).list(organisationRef(organisationId))).find((m) => m.partnership === path)?.role;
}
