/**
 * The store's origin in MongoDB (docs/reliability.md#damaged-stores): one `meta`
 * document, the equivalent of the SQLite data directory's marker. Written once,
 * by the first instance to open the database; a database that already held
 * entities, audit entries or records counts as seeded, so its seed is never
 * loaded again.
 */

import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { StoreOrigin } from '../contract';
import { COLLECTIONS } from './schema';
import { isDuplicateKey } from './transactions';

const ORIGIN_ID = 'origin';

interface OriginDoc {
  _id: string;
  id: string;
  createdAt: string;
  seeded: boolean;
}

export async function ensureOrigin(db: Db, now: string): Promise<void> {
  const meta = db.collection<OriginDoc>(COLLECTIONS.meta);
  if ((await meta.findOne({ _id: ORIGIN_ID }, { projection: { _id: 1 } })) !== null) return;
  let heldData = false;
  for (const name of [COLLECTIONS.entities, COLLECTIONS.audit, COLLECTIONS.records]) {
    heldData ||= (await db.collection(name).findOne({}, { projection: { _id: 1 } })) !== null;
  }
  await meta
    .updateOne({ _id: ORIGIN_ID }, { $setOnInsert: { id: randomUUID(), createdAt: now, seeded: heldData } }, { upsert: true })
    .catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
}

export async function readOrigin(db: Db): Promise<StoreOrigin> {
  const doc = await db.collection<OriginDoc>(COLLECTIONS.meta).findOne({ _id: ORIGIN_ID });
  return { id: doc?.id ?? '', createdAt: doc?.createdAt ?? '', seeded: doc?.seeded ?? false };
}

export async function markSeeded(db: Db): Promise<void> {
  await db.collection<OriginDoc>(COLLECTIONS.meta).updateOne({ _id: ORIGIN_ID }, { $set: { seeded: true } });
}
