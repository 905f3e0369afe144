/** Discovery (TAXII 2.1 §4.1), API Root (§4.2) and Get Status (§4.3). */

import type { Request, Router } from 'express';
import type { TaxiiContext } from '../../taxii/context';
import { apiRootResource, discoveryResource } from '../../taxii/resources';
import { getStatus } from '../../taxii/status';
import { principalOf } from '../request-state';
import { sendTaxii } from '../respond';
import { negotiate, otherMethods, param } from './route-helpers';

export function registerServerRoutes(router: Router, ctx: TaxiiContext, publicBaseUrl: string | undefined): void {
  const baseUrl = (req: Request) => publicBaseUrl ?? `${req.protocol}://${req.host}`;

  router
    .route('/taxii2')
    .get(negotiate, (req, res) => sendTaxii(res, 200, discoveryResource(ctx, principalOf(req), baseUrl(req))))
    .all(otherMethods(['GET']));

  router
    .route('/:apiRoot')
    .get(negotiate, (req, res) => sendTaxii(res, 200, apiRootResource(ctx, principalOf(req), param(req, 'apiRoot'))))
    .all(otherMethods(['GET']));

  router
    .route('/:apiRoot/status/:statusId')
    .get(negotiate, async (req, res) =>
      sendTaxii(res, 200, await getStatus(ctx, principalOf(req), param(req, 'apiRoot'), param(req, 'statusId'))),
    )
    .all(otherMethods(['GET']));
}
