/**
 * Registers a path with one declaration per method and runs every method's steps
 * in one fixed order, whatever order a declaration lists them in: `STEPS` below.
 * Authentication is not a step: the global `authenticate` middleware in app.ts runs
 * before routing, so every path answers 401 without credentials before any of these.
 * Methods a path does not declare get 405 with Allow, and OPTIONS lists the declared
 * ones; HEAD is answered by GET, as Express does.
 */

import type { Request, RequestHandler, Response, Router } from 'express';
import type { Audited } from '../middleware/audit';
import type { ReadGate } from '../middleware/read-gate';
import { negotiate, negotiateWith20, otherMethods } from './route-helpers';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Which TAXII versions a method answers in (406 otherwise); omitted for JSON routes. */
export type Negotiation = 'taxii21' | 'taxii21-or-20';

export interface MethodDeclaration {
  /** The operation its audit entry records; omitted when the route audits otherwise. */
  audit?: string;
  negotiation?: Negotiation;
  /** Its place at the read gate: readers wait while objects are being written. */
  gate?: keyof ReadGate;
  handle: (req: Request, res: Response) => unknown;
}

export type RouteDeclaration = Partial<Record<Method, MethodDeclaration>>;

/** What the steps need; a route declaring an audit name or a gate role needs the matching one. */
export interface RouteServices {
  audited?: Audited;
  gate?: ReadGate;
}

type Step = (declaration: MethodDeclaration, services: RouteServices) => RequestHandler | undefined;

const NEGOTIATORS: Record<Negotiation, RequestHandler> = { taxii21: negotiate, 'taxii21-or-20': negotiateWith20 };

/** A method's steps, in the order they run: audit (first, so that every refusal after it is audited), negotiation (406), read gate, handler. */
const STEPS: readonly Step[] = [
  (d, s) => (d.audit === undefined ? undefined : required(s.audited, 'audited')(d.audit)),
  (d) => (d.negotiation === undefined ? undefined : NEGOTIATORS[d.negotiation]),
  (d, s) => (d.gate === undefined ? undefined : required(s.gate, 'gate')[d.gate]),
  (d) => d.handle,
];

/** Allow lists methods in this order, whatever order they are declared in. */
const METHOD_ORDER: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export type RouteRegistrar = (path: string, declaration: RouteDeclaration) => void;

export function routeRegistrar(router: Router, services: RouteServices = {}): RouteRegistrar {
  return (path, declaration) => {
    const route = router.route(path);
    const methods = METHOD_ORDER.filter((method) => declaration[method] !== undefined);
    for (const method of methods) {
      const steps = STEPS.map((step) => step(declaration[method]!, services)).filter((h): h is RequestHandler => h !== undefined);
      route[lowerCase(method)](...steps);
    }
    route.all(otherMethods(methods));
  };
}

function required<T>(service: T | undefined, name: keyof RouteServices): T {
  if (service === undefined) throw new Error(`a route declares a step but the registrar has no ${name}`);
  return service;
}

function lowerCase(method: Method): 'get' | 'post' | 'put' | 'patch' | 'delete' {
  return method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
}
