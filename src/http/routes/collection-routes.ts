/** Get Collections (TAXII 2.1 §5.1) and Get a Collection (§5.2). */

import type { TaxiiContext } from '../../taxii/context';
import { collectionResource, collectionsResource } from '../../taxii/resources';
import { scopeOf } from '../request-state';
import type { RouteRegistrar } from './route-builder';
import { param, sendResource } from './route-helpers';

export function registerCollectionRoutes(route: RouteRegistrar, ctx: TaxiiContext): void {
  route('/:apiRoot/collections', {
    GET: {
      audit: 'get_collections',
      negotiation: 'taxii21-or-20',
      handle: async (req, res) => sendResource(req, res, 200, await collectionsResource(scopeOf(req, ctx), param(req, 'apiRoot'), req.accord.dialect)),
    },
  });

  route('/:apiRoot/collections/:collectionId', {
    GET: {
      audit: 'get_collection',
      negotiation: 'taxii21-or-20',
      handle: async (req, res) =>
        sendResource(req, res, 200, await collectionResource(scopeOf(req, ctx), param(req, 'apiRoot'), param(req, 'collectionId'), req.accord.dialect)),
    },
  });
}
