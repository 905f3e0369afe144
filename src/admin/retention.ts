/**
 * Retention (docs/trust.md#retention): the policies in force per collection,
 * what the next sweep would remove, and a sweep on demand. Policies themselves
 * are set on partnerships and collections (their `retention` field).
 */

import { PARTNERSHIPS, partnershipRef, COLLECTIONS } from '../partnerships/model';
import { effectivePolicy } from '../partnerships/retention';
import type { CollectionSweep } from '../retention/sweep';
import { defineAction, type AdminResource } from './action';
import { retentionWire } from './retention-policy';

const DEFAULT_PREVIEW_LIMIT = 1000;

const sweepWire = (s: CollectionSweep) => ({ partnership: s.partnership, collection: s.collection, objects: s.objects, records: s.records, ids: s.ids });

const show = defineAction({ params: ['partnership'] })({
  name: 'retention.show',
  who: 'steward',
  run: async (input, ctx) => {
    const partnership = await ctx.table(PARTNERSHIPS).require(input.partnership, `No partnership ${input.partnership}.`);
    const collections = await ctx.table(COLLECTIONS).list(partnershipRef(partnership.path));
    return { partnership, collections: collections.map((collection) => ({ collection, policy: effectivePolicy(partnership, collection) })) };
  },
  present: ({ partnership, collections }) => ({
    partnership: partnership.path,
    retention: retentionWire(partnership.retention),
    collections: collections.map(({ collection, policy }) => ({
      id: collection.id,
      title: collection.title,
      kept_by_server: collection.kind === 'members' ? true : undefined,
      retention: retentionWire(collection.retention),
      in_force: retentionWire(policy),
    })),
  }),
  rows: (wire) => (wire as { collections: unknown[] }).collections,
  http: { method: 'GET', path: '/admin/partnerships/:partnership/retention' },
  cli: [{ command: 'show <partnership>', description: 'the retention policy in force for each collection', columns: ['id', 'title'] }],
});

const preview = defineAction({ optionalParams: ['partnership', 'limit'] })({
  name: 'retention.preview',
  who: 'steward',
  run: (input, ctx) => ctx.retention.preview(input.partnership, Math.min(Number(input.limit ?? DEFAULT_PREVIEW_LIMIT) || DEFAULT_PREVIEW_LIMIT, 10_000)),
  present: (plans) => ({ collections: plans.map(sweepWire) }),
  rows: (wire) => (wire as { collections: unknown[] }).collections,
  http: [
    { method: 'GET', path: '/admin/partnerships/:partnership/retention/preview', query: (q) => ({ limit: q.get('limit') ?? undefined }) },
    { method: 'GET', path: '/admin/retention/preview', query: (q) => ({ limit: q.get('limit') ?? undefined }) },
  ],
  cli: [{ command: 'preview', description: 'what the next sweep would remove (ids per collection)', options: [{ flags: '--partnership <path>' }, { flags: '--limit <n>', description: 'ids per collection', default: String(DEFAULT_PREVIEW_LIMIT) }], columns: ['partnership', 'collection', 'objects'] }],
});

const sweep = defineAction({ optionalParams: ['partnership'] })({
  name: 'retention.sweep',
  who: 'steward',
  run: (input, ctx) => ctx.retention.run(input.partnership),
  present: (swept) => ({ collections: swept.map(sweepWire) }),
  rows: (wire) => (wire as { collections: unknown[] }).collections,
  http: [
    { method: 'POST', path: '/admin/partnerships/:partnership/retention/sweep' },
    { method: 'POST', path: '/admin/retention/sweep' },
  ],
  cli: [{ command: 'sweep', description: 'remove now what the policies say has expired', options: [{ flags: '--partnership <path>' }], columns: ['partnership', 'collection', 'objects', 'records'] }],
});

export const retention: AdminResource = {
  group: { name: 'retention', description: 'how long partnerships keep data: policies in force, preview, sweep' },
  actions: [show, preview, sweep],
};
