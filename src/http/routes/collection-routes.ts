/** Get Collections (TAXII 2.1 §5.1) and Get a Collection (§5.2). */

import type { Router } from 'express';
import type { TaxiiContext } from '../../taxii/context';
import { collectionResource, collectionsResource } from '../../taxii/resources';
import { scopeOf } from '../request-state';
import { sendTaxii } from '../respond';
import type { Audited } from '../middleware/audit';
import { negotiate, otherMethods, param } from './route-helpers';

export function registerCollectionRoutes(router: Router, ctx: TaxiiContext, audited: Audited): void {
  router
    .route('/:apiRoot/collections')
    .get(audited('get_collections'), negotiate, async (req, res) => sendTaxii(res, 200, await collectionsResource(scopeOf(req, ctx), param(req, 'apiRoot'))))
    .all(otherMethods(['GET']));

  router
    .route('/:apiRoot/collections/:collectionId')
    .get(audited('get_collection'), negotiate, async (req, res) =>
      sendTaxii(res, 200, await collectionResource(scopeOf(req, ctx), param(req, 'apiRoot'), param(req, 'collectionId'))),
    )
    .all(otherMethods(['GET']));
}
