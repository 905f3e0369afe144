/** Get Collections (TAXII 2.1 §5.1) and Get a Collection (§5.2). */

import type { Router } from 'express';
import type { TaxiiContext } from '../../taxii/context';
import { collectionResource, collectionsResource } from '../../taxii/resources';
import { scopeOf } from '../request-state';
import type { Audited } from '../middleware/audit';
import { negotiateWith20, otherMethods, param, sendResource } from './route-helpers';

export function registerCollectionRoutes(router: Router, ctx: TaxiiContext, audited: Audited): void {
  router
    .route('/:apiRoot/collections')
    .get(audited('get_collections'), negotiateWith20, async (req, res) => {
      sendResource(req, res, 200, await collectionsResource(scopeOf(req, ctx), param(req, 'apiRoot'), req.accord.dialect));
    })
    .all(otherMethods(['GET']));

  router
    .route('/:apiRoot/collections/:collectionId')
    .get(audited('get_collection'), negotiateWith20, async (req, res) => {
      sendResource(req, res, 200, await collectionResource(scopeOf(req, ctx), param(req, 'apiRoot'), param(req, 'collectionId'), req.accord.dialect));
    })
    .all(otherMethods(['GET']));
}
