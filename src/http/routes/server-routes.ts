/** Discovery (TAXII 2.1 §4.1), API Root (§4.2) and Get Status (§4.3). */

import type { Request } from 'express';
import type { TaxiiContext } from '../../taxii/context';
import { apiRootResource, discoveryResource } from '../../taxii/resources';
import { getStatus } from '../../taxii/status';
import { scopeOf } from '../request-state';
import { sendTaxii } from '../respond';
import type { RouteRegistrar } from './route-builder';
import { param, sendResource } from './route-helpers';

export function registerServerRoutes(route: RouteRegistrar, ctx: TaxiiContext, publicBaseUrl: string | undefined): void {
  const baseUrl = (req: Request) => publicBaseUrl ?? `${req.protocol}://${req.host}`;

  // `/taxii/` is the TAXII 2.0 habit of QRadar and FortiSIEM; both paths serve both versions.
  for (const path of ['/taxii2', '/taxii']) {
    route(path, {
      GET: {
        audit: 'discovery',
        negotiation: 'taxii21-or-20',
        handle: async (req, res) => sendResource(req, res, 200, await discoveryResource(ctx, scopeOf(req, ctx), baseUrl(req))),
      },
    });
  }

  route('/:apiRoot', {
    GET: {
      audit: 'get_api_root',
      negotiation: 'taxii21-or-20',
      handle: async (req, res) => sendResource(req, res, 200, await apiRootResource(scopeOf(req, ctx), param(req, 'apiRoot'), req.accord.dialect)),
    },
  });

  route('/:apiRoot/status/:statusId', {
    GET: {
      audit: 'get_status',
      negotiation: 'taxii21',
      handle: async (req, res) => sendTaxii(res, 200, await getStatus(ctx, scopeOf(req, ctx), param(req, 'apiRoot'), param(req, 'statusId'))),
    },
  });
}
