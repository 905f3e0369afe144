/**
 * The wire shape of the partnership model for the admin API and `--json` CLI
 * output: snake_case, and never a password hash or key secret hash.
 */

import type { StoredAuditEntry } from '../store/contract';
import type { ApiKey, Certificate, Collection, Membership, Organisation, Partnership, User } from './model';

type Json = Record<string, unknown>;

function compact(value: Json): Json {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

export const present = {
  organisation: (o: Organisation): Json => compact({ id: o.id, name: o.name, description: o.description, created: o.created }),
  user: (u: User): Json => ({ username: u.username, organisation: u.organisationId, admin: u.admin, created: u.created }),
  key: (k: ApiKey): Json =>
    compact({
      id: k.id,
      organisation: k.organisationId,
      label: k.label,
      created: k.created,
      expires_at: k.expiresAt,
      revoked_at: k.revokedAt,
    }),
  certificate: (c: Certificate): Json => compact({ fingerprint: c.fingerprint, organisation: c.organisationId, subject: c.subject, created: c.created }),
  partnership: (p: Partnership): Json =>
    compact({
      path: p.path,
      title: p.title,
      kind: p.kind,
      description: p.description,
      start_date: p.startDate,
      end_date: p.endDate,
      status: p.status,
      max_content_length: p.maxContentLength,
      always_list_objects: p.alwaysListObjects ?? false,
      created: p.created,
    }),
  member: (m: Membership): Json => ({ partnership: m.partnership, organisation: m.organisationId, role: m.role, created: m.created }),
  collection: (c: Collection): Json =>
    compact({
      id: c.id,
      partnership: c.partnership,
      title: c.title,
      description: c.description,
      alias: c.alias,
      marking_ceiling: c.markingCeiling,
      validation_profile: c.validationProfile,
      created: c.created,
    }),
  audit: (e: StoredAuditEntry): Json =>
    compact({
      seq: e.seq,
      time: e.time,
      operation: e.operation,
      outcome: e.outcome,
      organisation: e.organisation,
      user: e.user,
      key_id: e.keyId,
      partnership: e.partnership,
      collection: e.collection,
      object_count: e.objectCount,
      status_id: e.statusId,
      detail: e.detail,
    }),
};
