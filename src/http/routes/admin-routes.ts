/**
 * The admin HTTP API (JSON under /admin/): one route per admin action that
 * declares one (src/admin). A handler only gathers the input (the JSON body, the
 * query and the path parameters), performs the action as the signed-in caller and
 * sends its wire shape.
 */

import type { Request, Response } from 'express';
import type { AdminAction, HttpBinding } from '../../admin/action';
import type { Admin } from '../../admin/perform';
import { readJsonObject } from '../admin-input';
import { principalOf, queryOf } from '../request-state';
import type { RouteDeclaration, RouteRegistrar } from './route-builder';
import { param } from './route-helpers';
import { sendJson } from '../respond';

/**
 * Admin routes declare only a handler: they speak JSON (no TAXII negotiation),
 * actions write their own audit lines, and app.ts files refused requests.
 */
export function registerAdminRoutes(route: RouteRegistrar, admin: Admin, actions: readonly AdminAction[]): void {
  const routes = new Map<string, RouteDeclaration>();
  for (const action of actions) {
    for (const binding of bindingsOf(action)) routes.set(binding.path, { ...routes.get(binding.path), [binding.method]: { handle: handle(admin, action, binding) } });
  }
  for (const [path, declaration] of routes) route(path, declaration);
}

function bindingsOf(action: AdminAction): readonly HttpBinding[] {
  if (action.http === undefined) return [];
  return 'path' in action.http ? [action.http] : action.http;
}

function handle(admin: Admin, action: AdminAction, binding: HttpBinding): (req: Request, res: Response) => Promise<void> {
  // Changes carry a JSON body (admin-input.ts explains why its Content-Type is required).
  const hasBody = binding.method === 'POST' || binding.method === 'PUT' || binding.method === 'PATCH';
  return async (req: Request, res: Response) => {
    const body = hasBody ? await readJsonObject(req) : {};
    const input = { ...body, ...binding.query?.(queryOf(req)), ...pathParameters(req) };
    const wire = action.present(await admin.perform(action, principalOf(req), input));
    if (wire !== undefined) return sendJson(res, binding.status ?? 200, wire);
    res.status(binding.status ?? 200).end();
  };
}

function pathParameters(req: Request): Record<string, string> {
  return Object.fromEntries(Object.keys(req.params).map((name) => [name, param(req, name)]));
}
