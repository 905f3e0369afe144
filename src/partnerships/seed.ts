/**
 * Seeding at first start: when the store holds no organisation and no
 * partnership yet, the configuration's `seed` section is loaded into it. Later
 * changes go through the CLI or the admin API; the seed is never re-applied, so
 * it cannot undo them.
 */

import { AccordError, ConfigError, ConflictError } from '../errors';
import type { Config } from '../config/types';
import type { Directory } from './directory';

export async function seedIfEmpty(directory: Directory, seed: Config['seed']): Promise<boolean> {
  if ((await directory.listOrganisations()).length > 0 || (await directory.listPartnerships()).length > 0) return false;
  const at = async (path: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      // Another instance starting on the same empty store seeded this entity first.
      if (error instanceof ConflictError) return;
      if (error instanceof AccordError) throw new ConfigError([`${path}: ${error.message}`]);
      throw error;
    }
  };
  for (const [o, org] of seed.organisations.entries()) {
    const base = `seed.organisations[${o}]`;
    await at(base, () => directory.addOrganisation(withDescription({ id: org.id, name: org.name }, org.description)));
    for (const [u, user] of org.users.entries()) {
      await at(`${base}.users[${u}]`, () =>
        directory.addUser({ username: user.username, organisationId: org.id, passwordHash: user.password_hash, admin: user.admin }),
      );
    }
    for (const [k, key] of org.api_keys.entries()) {
      await at(`${base}.api_keys[${k}]`, () =>
        directory.importKey({
          id: key.id,
          organisationId: org.id,
          secretHash: key.secret_hash,
          ...(key.label !== undefined ? { label: key.label } : {}),
          ...(key.expires_at !== undefined ? { expiresAt: new Date(key.expires_at).toISOString() } : {}),
        }),
      );
    }
    for (const [c, cert] of org.certificates.entries()) {
      await at(`${base}.certificates[${c}]`, () =>
        directory.addCertificate({
          fingerprint: cert.fingerprint.replace(/:/g, '').toUpperCase(),
          organisationId: org.id,
          ...(cert.subject !== undefined ? { subject: cert.subject } : {}),
        }),
      );
    }
  }
  for (const [i, p] of seed.partnerships.entries()) {
    const base = `seed.partnerships[${i}]`;
    await at(base, () =>
      directory.createPartnership({
        path: p.path,
        title: p.title,
        kind: p.kind,
        status: p.status,
        ...(p.description !== undefined ? { description: p.description } : {}),
        ...(p.start_date !== undefined ? { startDate: p.start_date } : {}),
        ...(p.end_date !== undefined ? { endDate: p.end_date } : {}),
        ...(p.max_content_length !== undefined ? { maxContentLength: p.max_content_length } : {}),
        ...(p.always_list_objects ? { alwaysListObjects: true } : {}),
      }),
    );
    for (const [m, member] of p.members.entries()) {
      await at(`${base}.members[${m}]`, () => directory.setMember(p.path, member.organisation, member.role));
    }
    for (const [c, collection] of p.collections.entries()) {
      await at(`${base}.collections[${c}]`, () =>
        directory.addCollection({
          id: collection.id,
          partnership: p.path,
          title: collection.title,
          ...(collection.description !== undefined ? { description: collection.description } : {}),
          ...(collection.alias !== undefined ? { alias: collection.alias } : {}),
          ...(collection.marking_ceiling !== undefined ? { markingCeiling: collection.marking_ceiling } : {}),
          ...(collection.validation_profile !== undefined ? { validationProfile: collection.validation_profile } : {}),
        }),
      );
    }
  }
  return true;
}

function withDescription<T extends object>(value: T, description: string | undefined): T & { description?: string } {
  return description === undefined ? value : { ...value, description };
}
