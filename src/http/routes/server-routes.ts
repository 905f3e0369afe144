/** Discovery (TAXII 2.1 §4.1), API Root (§4.2) and Get Status (§4.3). */

import type { Request, Router } from 'express';
import type { TaxiiContext } from '../../taxii/context';
import { apiRootResource, discoveryResource } from '../../taxii/resources';
import { getStatus } from '../../taxii/status';
import { scopeOf } from '../request-state';
import { sendTaxii } from '../respond';
import type { Audited } from '../middleware/audit';
import { negotiate, negotiateWith20, otherMethods, param, sendResource } from './route-helpers';

export function registerServerRoutes(router: Router, ctx: TaxiiContext, audited: Audited, publicBaseUrl: string | undefined): void {
  const baseUrl = (req: Request) => publicBaseUrl ?? `${req.protocol}://${req.host}`;

  // `/taxii/` is the TAXII 2.0 habit of QRadar and FortiSIEM; both paths serve both versions.
  for (const path of ['/taxii2', '/taxii']) {
    router
      .route(path)
      .get(audited('discovery'), negotiateWith20, async (req, res) =>
        sendResource(req, res, 200, await discoveryResource(ctx, scopeOf(req, ctx), baseUrl(req))),
      )
      .all(otherMethods(['GET']));
  }

  router
    .route('/:apiRoot')
    .get(audited('get_api_root'), negotiateWith20, async (req, res) => {
      sendResource(req, res, 200, await apiRootResource(scopeOf(req, ctx), param(req, 'apiRoot'), req.accord.dialect));
    })
    .all(otherMethods(['GET']));

  router
    .route('/:apiRoot/status/:statusId')
    .get(audited('get_status'), negotiate, async (req, res) =>
      sendTaxii(res, 200, await getStatus(ctx, scopeOf(req, ctx), param(req, 'apiRoot'), param(req, 'statusId'))),
    )
    .all(otherMethods(['GET']));
}
