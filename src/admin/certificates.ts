/**
 * Client certificates (mutual TLS) mapped to organisations: server
 * administrators add, list and remove the mappings. A certificate is known by its
 * SHA-256 fingerprint, given as such or taken from its PEM text.
 */

import { NotFoundError, UnprocessableContentError } from '../errors';
import { fingerprintOfPem, isFingerprint, normalizeFingerprint } from '../identity/fingerprint';
import { CERTIFICATES, ORGANISATIONS, type Certificate } from '../identity/model';
import { defineAction, type AdminResource } from './action';
import { organisationListing } from './listings';

export const CERTIFICATE_BODY = {
  type: 'object',
  properties: {
    pem: { type: 'string', minLength: 1, description: 'The client certificate, PEM.' },
    fingerprint: { type: 'string', minLength: 1, description: 'Its SHA-256 fingerprint instead (hex, colons allowed).' },
    subject: { type: 'string', minLength: 1, description: 'A note on whose certificate it is.' },
  },
} as const;

function certificateWire(c: Certificate): Record<string, unknown> {
  return { fingerprint: c.fingerprint, organisation: c.organisationId, subject: c.subject, created: c.created };
}

export const addCertificate = defineAction({ body: CERTIFICATE_BODY, params: ['org'] })({
  name: 'certificates.add',
  who: 'administrator',
  run: async (input, ctx) => {
    if (input.pem === undefined && input.fingerprint === undefined) throw new UnprocessableContentError('pem or fingerprint: one of them is required');
    const fingerprint = input.pem !== undefined ? fingerprintOfPem(input.pem) : normalizeFingerprint(input.fingerprint!);
    if (!isFingerprint(fingerprint)) throw new UnprocessableContentError('certificate fingerprint: 64 hex digits (SHA-256), colons allowed');
    await ctx.table(ORGANISATIONS).require(input.org, `No organisation ${input.org}.`);
    const certificate: Certificate = { fingerprint, organisationId: input.org, created: ctx.now() };
    if (input.subject !== undefined) certificate.subject = input.subject;
    return ctx.table(CERTIFICATES).create(certificate);
  },
  audit: (cert) => ({ operation: 'add_certificate', detail: `certificate ${cert.fingerprint} of ${cert.organisationId}` }),
  present: certificateWire,
  http: { method: 'POST', path: '/admin/organisations/:org/certificates', status: 201 },
  cli: [
    {
      command: 'add',
      options: [
        { flags: '--org <id>', required: true, description: 'organisation' },
        { flags: '--file <pem>', field: 'pem', file: true, description: 'the client certificate, PEM' },
        { flags: '--fingerprint <sha256>', description: 'its SHA-256 fingerprint instead of the file' },
        { flags: '--subject <text>' },
      ],
      columns: ['fingerprint', 'organisation'],
    },
  ],
});

const list = organisationListing('certificates.list', CERTIFICATES, 'certificates', certificateWire, ['fingerprint', 'organisation', 'subject']);

const remove = defineAction({ params: ['fingerprint'] })({
  name: 'certificates.remove',
  who: 'administrator',
  run: async (input, ctx) => {
    const fingerprint = normalizeFingerprint(input.fingerprint);
    if (!(await ctx.table(CERTIFICATES).delete(fingerprint))) throw new NotFoundError(`No certificate ${fingerprint}.`);
    return fingerprint;
  },
  audit: (fingerprint) => ({ operation: 'remove_certificate', detail: `certificate ${fingerprint}` }),
  present: () => undefined,
  http: { method: 'DELETE', path: '/admin/certificates/:fingerprint', status: 204 },
  cli: [{ command: 'remove <fingerprint>' }],
});

export const certificates: AdminResource = {
  group: { name: 'cert', description: 'client certificates (mutual TLS) mapped to organisations' },
  actions: [addCertificate, remove, list],
};
