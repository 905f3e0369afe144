/** Discovery (TAXII 2.1 §4.1), API Root (§4.2) and Get Status (§4.3). */

import type { Request, Router } from 'express';
import type { TaxiiContext } from '../../taxii/context';
import { apiRootResource, discoveryResource } from '../../taxii/resources';
import { getStatus } from '../../taxii/status';
import { scopeOf } from '../request-state';
import { sendTaxii } from '../respond';
import type { Audited } from '../middleware/audit';
import { negotiate, otherMethods, param } from './route-helpers';

export function registerServerRoutes(router: Router, ctx: TaxiiContext, audited: Audited, publicBaseUrl: string | undefined): void {
  const baseUrl = (req: Request) => publicBaseUrl ?? `${req.protocol}://${req.host}`;

  router
    .route('/taxii2')
    .get(audited('discovery'), negotiate, async (req, res) => sendTaxii(res, 200, await discoveryResource(ctx, scopeOf(req, ctx), baseUrl(req))))
    .all(otherMethods(['GET']));

  router
    .route('/:apiRoot')
    .get(audited('get_api_root'), negotiate, async (req, res) => sendTaxii(res, 200, await apiRootResource(scopeOf(req, ctx), param(req, 'apiRoot'))))
    .all(otherMethods(['GET']));

  router
    .route('/:apiRoot/status/:statusId')
    .get(audited('get_status'), negotiate, async (req, res) =>
      sendTaxii(res, 200, await getStatus(ctx, scopeOf(req, ctx), param(req, 'apiRoot'), param(req, 'statusId'))),
    )
    .all(otherMethods(['GET']));
}
