/**
 * Objects, manifest and versions: TAXII 2.1 §5.3–§5.8. Handlers only read the
 * request and call one use case; the rules live in src/taxii.
 */

import type { Request, Router } from 'express';
import { addObjects } from '../../taxii/add-objects';
import type { TaxiiContext } from '../../taxii/context';
import { deleteObject } from '../../taxii/delete-object';
import { postedBodyKind } from '../../taxii/media-types';
import { getManifest, getObject, getObjects, getVersions, type ReadRequest } from '../../taxii/read-objects';
import { requireWrite, resolveCollection } from '../../taxii/resolve';
import { readBody } from '../middleware/read-body';
import { principalOf, queryOf } from '../request-state';
import { sendTaxii } from '../respond';
import { negotiate, otherMethods, param, sendListing } from './route-helpers';

const COLLECTION = '/:apiRoot/collections/:collectionId';

export function registerObjectRoutes(router: Router, ctx: TaxiiContext): void {
  router
    .route(`${COLLECTION}/manifest`)
    .get(negotiate, async (req, res) => sendListing(res, await getManifest(ctx, readRequest(req))))
    .all(otherMethods(['GET']));

  router
    .route(`${COLLECTION}/objects`)
    .get(negotiate, async (req, res) => sendListing(res, await getObjects(ctx, readRequest(req))))
    .post(negotiate, async (req, res) => {
      const principal = principalOf(req);
      const target = resolveCollection(ctx, principal, param(req, 'apiRoot'), param(req, 'collectionId'));
      requireWrite(target);
      postedBodyKind(req.headers['content-type']);
      const body = await readBody(req, target.root.maxContentLength);
      sendTaxii(res, 202, await addObjects(ctx, { principal, target, body, receivedAt: req.accord.receivedAt }));
    })
    .all(otherMethods(['GET', 'POST']));

  router
    .route(`${COLLECTION}/objects/:objectId`)
    .get(negotiate, async (req, res) => sendListing(res, await getObject(ctx, { ...readRequest(req), objectId: param(req, 'objectId') })))
    .delete(negotiate, async (req, res) => {
      await deleteObject(ctx, { ...readRequest(req), objectId: param(req, 'objectId') });
      sendTaxii(res, 200, null);
    })
    .all(otherMethods(['GET', 'DELETE']));

  router
    .route(`${COLLECTION}/objects/:objectId/versions`)
    .get(negotiate, async (req, res) => sendListing(res, await getVersions(ctx, { ...readRequest(req), objectId: param(req, 'objectId') })))
    .all(otherMethods(['GET']));
}

function readRequest(req: Request): ReadRequest {
  return {
    principal: principalOf(req),
    rootPath: param(req, 'apiRoot'),
    collection: param(req, 'collectionId'),
    params: queryOf(req),
  };
}
