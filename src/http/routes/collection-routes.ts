/** Get Collections (TAXII 2.1 §5.1) and Get a Collection (§5.2). */

import type { Router } from 'express';
import type { TaxiiContext } from '../../taxii/context';
import { collectionResource, collectionsResource } from '../../taxii/resources';
import { collection20, collections20 } from '../../taxii/taxii20';
import { scopeOf } from '../request-state';
import type { Audited } from '../middleware/audit';
import { negotiateWith20, otherMethods, param, sendResource } from './route-helpers';

export function registerCollectionRoutes(router: Router, ctx: TaxiiContext, audited: Audited): void {
  router
    .route('/:apiRoot/collections')
    .get(audited('get_collections'), negotiateWith20, async (req, res) => {
      const list = req.accord.dialect === '2.0' ? collections20 : collectionsResource;
      sendResource(req, res, 200, await list(scopeOf(req, ctx), param(req, 'apiRoot')));
    })
    .all(otherMethods(['GET']));

  router
    .route('/:apiRoot/collections/:collectionId')
    .get(audited('get_collection'), negotiateWith20, async (req, res) => {
      const one = req.accord.dialect === '2.0' ? collection20 : collectionResource;
      sendResource(req, res, 200, await one(scopeOf(req, ctx), param(req, 'apiRoot'), param(req, 'collectionId')));
    })
    .all(otherMethods(['GET']));
}
