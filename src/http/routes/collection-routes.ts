/** Get Collections (TAXII 2.1 §5.1) and Get a Collection (§5.2). */

import type { Router } from 'express';
import type { TaxiiContext } from '../../taxii/context';
import { collectionResource, collectionsResource } from '../../taxii/resources';
import { principalOf } from '../request-state';
import { sendTaxii } from '../respond';
import { negotiate, otherMethods, param } from './route-helpers';

export function registerCollectionRoutes(router: Router, ctx: TaxiiContext): void {
  router
    .route('/:apiRoot/collections')
    .get(negotiate, (req, res) => sendTaxii(res, 200, collectionsResource(ctx, principalOf(req), param(req, 'apiRoot'))))
    .all(otherMethods(['GET']));

  router
    .route('/:apiRoot/collections/:collectionId')
    .get(negotiate, (req, res) =>
      sendTaxii(res, 200, collectionResource(ctx, principalOf(req), param(req, 'apiRoot'), param(req, 'collectionId'))),
    )
    .all(otherMethods(['GET']));
}
