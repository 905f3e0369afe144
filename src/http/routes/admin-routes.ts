/**
 * The admin HTTP API (JSON under /admin/): organisations, users, API keys and
 * certificates for server administrators; members, collections and the audit
 * trail of a partnership for its stewards too. Handlers only read the request
 * and call one administration use case.
 */

import type { Request, Response, Router } from 'express';
import { parseCertificateFingerprint } from '../../auth/certificates';
import { BadParameterError } from '../../errors';
import type { Administration } from '../../partnerships/administration';
import type { CollectionPatch } from '../../partnerships/directory';
import type { PartnershipKind, Role, TlpLevel } from '../../partnerships/model';
import { present } from '../../partnerships/present';
import type { Profile } from '../../stix/issues';
import { flag, integer, nullableText, readJsonObject, text } from '../admin-input';
import { principalOf } from '../request-state';
import { otherMethods, param } from './route-helpers';

function send(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json').send(JSON.stringify(body));
}

function auditQuery(req: Request): { afterSeq?: number; limit: number } {
  const params = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
  const after = params.get('after');
  const limit = params.get('limit');
  if (after !== null && !/^\d{1,15}$/.test(after)) throw new BadParameterError('after', after, 'expected the seq of an entry');
  if (limit !== null && (!/^\d{1,4}$/.test(limit) || Number(limit) < 1)) throw new BadParameterError('limit', limit, 'expected 1 to 9999');
  return { ...(after !== null ? { afterSeq: Number(after) } : {}), limit: Math.min(Number(limit ?? 100), 1000) };
}

export function registerAdminRoutes(router: Router, admin: Administration): void {
  const me = principalOf;

  router
    .route('/admin/organisations')
    .get(async (req, res) => send(res, 200, { organisations: (await admin.listOrganisations(me(req))).map(present.organisation) }))
    .post(async (req, res) => {
      const body = await readJsonObject(req);
      const description = text(body, 'description', 'optional');
      const org = await admin.addOrganisation(me(req), { id: text(body, 'id'), name: text(body, 'name'), ...(description ? { description } : {}) });
      send(res, 201, present.organisation(org));
    })
    .all(otherMethods(['GET', 'POST']));

  router
    .route('/admin/organisations/:org/users')
    .get(async (req, res) => send(res, 200, { users: (await admin.listUsers(me(req), param(req, 'org'))).map(present.user) }))
    .post(async (req, res) => {
      const body = await readJsonObject(req);
      const user = await admin.addUser(me(req), {
        username: text(body, 'username'),
        organisationId: param(req, 'org'),
        password: text(body, 'password'),
        admin: flag(body, 'admin') ?? false,
      });
      send(res, 201, present.user(user));
    })
    .all(otherMethods(['GET', 'POST']));

  router
    .route('/admin/users/:username')
    .delete(async (req, res) => {
      await admin.removeUser(me(req), param(req, 'username'));
      res.status(204).end();
    })
    .all(otherMethods(['DELETE']));

  router
    .route('/admin/organisations/:org/keys')
    .get(async (req, res) => send(res, 200, { keys: (await admin.listKeys(me(req), param(req, 'org'))).map(present.key) }))
    .post(async (req, res) => {
      const body = await readJsonObject(req);
      const label = text(body, 'label', 'optional');
      const expiresAt = text(body, 'expires_at', 'optional');
      const issued = await admin.issueKey(me(req), {
        organisationId: param(req, 'org'),
        ...(label !== undefined ? { label } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      });
      send(res, 201, { ...present.key(issued.key), token: issued.token });
    })
    .all(otherMethods(['GET', 'POST']));

  router
    .route('/admin/keys/:keyId')
    .delete(async (req, res) => send(res, 200, present.key(await admin.revokeKey(me(req), param(req, 'keyId')))))
    .all(otherMethods(['DELETE']));

  router
    .route('/admin/organisations/:org/certificates')
    .get(async (req, res) => send(res, 200, { certificates: (await admin.listCertificates(me(req), param(req, 'org'))).map(present.certificate) }))
    .post(async (req, res) => {
      const body = await readJsonObject(req);
      const subject = text(body, 'subject', 'optional');
      const pem = text(body, 'pem', 'optional');
      const fingerprint = pem !== undefined ? parseCertificateFingerprint(pem) : text(body, 'fingerprint').replace(/:/g, '').toUpperCase();
      const cert = await admin.addCertificate(me(req), { fingerprint, organisationId: param(req, 'org'), ...(subject ? { subject } : {}) });
      send(res, 201, present.certificate(cert));
    })
    .all(otherMethods(['GET', 'POST']));

  router
    .route('/admin/certificates/:fingerprint')
    .delete(async (req, res) => {
      await admin.removeCertificate(me(req), param(req, 'fingerprint').replace(/:/g, '').toUpperCase());
      res.status(204).end();
    })
    .all(otherMethods(['DELETE']));

  router
    .route('/admin/partnerships')
    .get(async (req, res) => send(res, 200, { partnerships: (await admin.listPartnerships(me(req))).map(present.partnership) }))
    .post(async (req, res) => {
      const body = await readJsonObject(req);
      const partnership = await admin.createPartnership(me(req), {
        path: text(body, 'path'),
        title: text(body, 'title'),
        kind: text(body, 'kind') as PartnershipKind,
        ...optional({
          description: text(body, 'description', 'optional'),
          startDate: text(body, 'start_date', 'optional'),
          endDate: text(body, 'end_date', 'optional'),
          maxContentLength: integer(body, 'max_content_length'),
          alwaysListObjects: flag(body, 'always_list_objects'),
        }),
      });
      send(res, 201, present.partnership(partnership));
    })
    .all(otherMethods(['GET', 'POST']));

  router
    .route('/admin/partnerships/:partnership')
    .get(async (req, res) => send(res, 200, present.partnership(await admin.getPartnership(me(req), param(req, 'partnership')))))
    .patch(async (req, res) => {
      const body = await readJsonObject(req);
      const status = text(body, 'status', 'optional');
      const patch = optional({
        title: text(body, 'title', 'optional'),
        description: text(body, 'description', 'optional'),
        status: status as 'active' | 'closed' | undefined,
        startDate: text(body, 'start_date', 'optional'),
        endDate: text(body, 'end_date', 'optional'),
        maxContentLength: integer(body, 'max_content_length'),
        alwaysListObjects: flag(body, 'always_list_objects'),
      });
      send(res, 200, present.partnership(await admin.updatePartnership(me(req), param(req, 'partnership'), patch)));
    })
    .all(otherMethods(['GET', 'PATCH']));

  router
    .route('/admin/partnerships/:partnership/members')
    .get(async (req, res) => send(res, 200, { members: (await admin.listMembers(me(req), param(req, 'partnership'))).map(present.member) }))
    .all(otherMethods(['GET']));

  router
    .route('/admin/partnerships/:partnership/members/:org')
    .put(async (req, res) => {
      const body = await readJsonObject(req);
      const member = await admin.setMember(me(req), param(req, 'partnership'), param(req, 'org'), text(body, 'role') as Role);
      send(res, 200, present.member(member));
    })
    .delete(async (req, res) => {
      await admin.removeMember(me(req), param(req, 'partnership'), param(req, 'org'));
      res.status(204).end();
    })
    .all(otherMethods(['PUT', 'DELETE']));

  router
    .route('/admin/partnerships/:partnership/collections')
    .get(async (req, res) =>
      send(res, 200, { collections: (await admin.listCollections(me(req), param(req, 'partnership'))).map(present.collection) }),
    )
    .post(async (req, res) => {
      const body = await readJsonObject(req);
      const collection = await admin.addCollection(me(req), {
        partnership: param(req, 'partnership'),
        title: text(body, 'title'),
        ...optional({
          id: text(body, 'id', 'optional'),
          description: text(body, 'description', 'optional'),
          alias: text(body, 'alias', 'optional'),
          markingCeiling: text(body, 'marking_ceiling', 'optional') as TlpLevel | undefined,
          validationProfile: text(body, 'validation_profile', 'optional') as Profile | undefined,
        }),
      });
      send(res, 201, present.collection(collection));
    })
    .all(otherMethods(['GET', 'POST']));

  router
    .route('/admin/partnerships/:partnership/collections/:collectionId')
    .patch(async (req, res) => {
      const body = await readJsonObject(req);
      const patch: CollectionPatch = optional({
        title: text(body, 'title', 'optional'),
        description: nullableText(body, 'description'),
        alias: nullableText(body, 'alias'),
        markingCeiling: nullableText(body, 'marking_ceiling') as TlpLevel | null | undefined,
        validationProfile: nullableText(body, 'validation_profile') as Profile | null | undefined,
      });
      const updated = await admin.updateCollection(me(req), param(req, 'partnership'), param(req, 'collectionId'), patch);
      send(res, 200, present.collection(updated));
    })
    .all(otherMethods(['PATCH']));

  router
    .route('/admin/partnerships/:partnership/audit')
    .get(async (req, res) => {
      const page = await admin.listAudit(me(req), { partnership: param(req, 'partnership'), ...auditQuery(req) });
      send(res, 200, { entries: page.entries.map(present.audit), more: page.more });
    })
    .all(otherMethods(['GET']));

  router
    .route('/admin/audit')
    .get(async (req, res) => {
      const page = await admin.listAudit(me(req), auditQuery(req));
      send(res, 200, { entries: page.entries.map(present.audit), more: page.more });
    })
    .all(otherMethods(['GET']));
}

function optional<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
