/** Discovery (TAXII 2.1 §4.1), API Root (§4.2) and Get Status (§4.3). */

import type { Request, Router } from 'express';
import type { TaxiiContext } from '../../taxii/context';
import { TAXII20_MEDIA_TYPE } from '../../taxii/media-types';
import { apiRootResource, discoveryResource } from '../../taxii/resources';
import { apiRoot20 } from '../../taxii/taxii20';
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
      const scope = scopeOf(req, ctx);
      const root = param(req, 'apiRoot');
      if (req.accord.dialect === '2.0') sendTaxii(res, 200, await apiRoot20(scope, root), TAXII20_MEDIA_TYPE);
      else sendTaxii(res, 200, await apiRootResource(scope, root));
    })
    .all(otherMethods(['GET']));

  router
    .route('/:apiRoot/status/:statusId')
    .get(audited('get_status'), negotiate, async (req, res) =>
      sendTaxii(res, 200, await getStatus(ctx, scopeOf(req, ctx), param(req, 'apiRoot'), param(req, 'statusId'))),
    )
    .all(otherMethods(['GET']));
}
