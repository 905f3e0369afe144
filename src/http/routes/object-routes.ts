/**
 * Objects, manifest and versions: TAXII 2.1 §5.3–§5.8. Handlers only read the
 * request and call one use case; the rules live in src/taxii.
 */

import type { Request, Response } from 'express';
import { addObjects } from '../../taxii/add-objects';
import type { TaxiiContext } from '../../taxii/context';
import { deleteObject } from '../../taxii/delete-object';
import { STIX20_MEDIA_TYPE } from '../../taxii/media-types';
import { getManifest, getObject, getObjects, getVersions, type ReadRequest } from '../../taxii/read-objects';
import { getObjects20, type Bundle20 } from '../../taxii/taxii20';
import { getTombstones } from '../../taxii/tombstones';
import { commitAudit, noteAudit } from '../middleware/audit';
import { readBody } from '../middleware/read-body';
import { queryOf, scopeOf } from '../request-state';
import { sendJson, sendTaxii } from '../respond';
import type { RouteRegistrar } from './route-builder';
import { param, sendListing } from './route-helpers';

const COLLECTION = '/:apiRoot/collections/:collectionId';

export function registerObjectRoutes(route: RouteRegistrar, ctx: TaxiiContext): void {
  route(`${COLLECTION}/manifest`, {
    GET: {
      audit: 'get_manifest',
      negotiation: 'taxii21',
      gate: 'reader',
      handle: async (req, res) => sendListing(req, res, await getManifest(ctx, readRequest(req, ctx))),
    },
  });

  route(`${COLLECTION}/objects`, {
    GET: {
      audit: 'get_objects',
      negotiation: 'taxii21-or-20',
      gate: 'reader',
      handle: async (req, res) => {
        if (req.accord.dialect !== '2.0') return sendListing(req, res, await getObjects(ctx, readRequest(req, ctx)));
        return sendBundle20(req, res, await getObjects20(ctx, { ...readRequest(req, ctx), range: req.headers.range }));
      },
    },
    POST: {
      audit: 'add_objects',
      negotiation: 'taxii21',
      gate: 'writer',
      handle: async (req, res) => {
        const status = await addObjects(ctx, {
          scope: scopeOf(req, ctx),
          rootPath: param(req, 'apiRoot'),
          collection: param(req, 'collectionId'),
          contentType: req.headers['content-type'],
          receivedAt: req.accord.receivedAt,
          readBody: (limit) => readBody(req, limit),
          keepStatus: (stored) => commitAudit(req, 202, { objectCount: stored.successCount, statusId: stored.id }, stored),
        });
        return sendTaxii(res, 202, status);
      },
    },
  });

  route(`${COLLECTION}/objects/:objectId`, {
    GET: {
      audit: 'get_object',
      negotiation: 'taxii21-or-20',
      gate: 'reader',
      handle: async (req, res) => {
        const objectId = param(req, 'objectId');
        if (req.accord.dialect !== '2.0') return sendListing(req, res, await getObject(ctx, { ...readRequest(req, ctx), objectId }));
        return sendBundle20(req, res, await getObjects20(ctx, { ...readRequest(req, ctx), range: req.headers.range, objectId }));
      },
    },
    DELETE: {
      audit: 'delete_object',
      negotiation: 'taxii21',
      handle: async (req, res) => {
        const removed = await deleteObject(ctx, { ...readRequest(req, ctx), objectId: param(req, 'objectId') });
        await commitAudit(req, 200, { objectCount: removed });
        return sendTaxii(res, 200, null);
      },
    },
  });

  route(`${COLLECTION}/objects/:objectId/versions`, {
    GET: {
      audit: 'get_versions',
      negotiation: 'taxii21',
      gate: 'reader',
      handle: async (req, res) => sendListing(req, res, await getVersions(ctx, { ...readRequest(req, ctx), objectId: param(req, 'objectId') })),
    },
  });

  // An Accord extension, plain JSON (docs/trust.md#tombstones): no TAXII negotiation.
  route(`${COLLECTION}/x-accord-tombstones`, {
    GET: {
      audit: 'get_tombstones',
      gate: 'reader',
      handle: async (req, res) => {
        const page = await getTombstones(ctx, readRequest(req, ctx));
        noteAudit(req, { objectCount: page.count });
        if (page.removedFirst !== undefined) res.setHeader('X-TAXII-Date-Added-First', page.removedFirst);
        if (page.removedLast !== undefined) res.setHeader('X-TAXII-Date-Added-Last', page.removedLast);
        return sendJson(res, 200, page.body);
      },
    },
  });
}

function sendBundle20(req: Request, res: Response, bundle: Bundle20): Promise<void> {
  noteAudit(req, { objectCount: bundle.count });
  if (bundle.contentRange !== undefined) res.setHeader('Content-Range', bundle.contentRange);
  if (bundle.dateAddedFirst !== undefined) res.setHeader('X-TAXII-Date-Added-First', bundle.dateAddedFirst);
  if (bundle.dateAddedLast !== undefined) res.setHeader('X-TAXII-Date-Added-Last', bundle.dateAddedLast);
  return sendTaxii(res, bundle.status, bundle.body, STIX20_MEDIA_TYPE);
}

function readRequest(req: Request, ctx: TaxiiContext): ReadRequest {
  return {
    scope: scopeOf(req, ctx),
    rootPath: param(req, 'apiRoot'),
    collection: param(req, 'collectionId'),
    params: queryOf(req),
  };
}
