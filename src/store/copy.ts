/**
 * Copies everything one store holds into another, empty one, through the
 * storage contract only, so any backend can be the source or the target
 * (`accord store copy`): records with their original dateAdded values, owners
 * and submitters, the tombstones deletes left, and the collections' last
 * dateAdded (date_added order and cursors stay valid), statuses, entities, the
 * audit trail in order, and the server secrets. Counts
 * are compared at the end. Stop the servers using the source first: records
 * written during the copy may be missed, and the verification then fails.
 */

import { ConflictError } from '../errors';
import { ENTITY_KINDS, type EntityKind, type RecordQuery, type Store } from './contract';

export const COPY_BATCH = 1000;

export interface CopySummary {
  /** Records per collection id. */
  records: Record<string, number>;
  statuses: number;
  entities: Record<EntityKind, number>;
  audit: number;
  secrets: number;
}

/** Called as a part advances (`done` false) and once when it is complete. */
export type CopyProgress = (part: string, count: number, done: boolean) => void;

export async function copyStore(from: Store, to: Store, progress: CopyProgress = () => undefined, batch = COPY_BATCH): Promise<CopySummary> {
  const occupied = await describeContents(to);
  if (occupied.length > 0) {
    throw new ConflictError(`The target store is not empty (${occupied.join(', ')}); copy only into an empty database or file.`);
  }
  const summary: CopySummary = { records: {}, statuses: 0, entities: emptyKinds(), audit: 0, secrets: 0 };

  for (const mark of await from.listCollections()) {
    const part = `records of collection ${mark.id}`;
    let count = 0;
    let after: number | undefined;
    for (;;) {
      const dumps = await from.exportRecords(mark.id, after, batch);
      if (dumps.length === 0) break;
      await to.importRecords(mark.id, dumps);
      count += dumps.length;
      after = dumps[dumps.length - 1]!.dateAdded;
      progress(part, count, false);
    }
    // The source's last dateAdded may lie beyond its last record (after deletes): never reuse it.
    await to.importRecords(mark.id, [], mark.lastDateAdded);
    summary.records[mark.id] = count;
    progress(part, count, true);
    await copyTombstones(from, to, mark.id, progress, batch);
  }

  let afterId: string | undefined;
  for (;;) {
    const statuses = await from.listStatuses(afterId, batch);
    if (statuses.length === 0) break;
    for (const status of statuses) await to.putStatus(status);
    summary.statuses += statuses.length;
    afterId = statuses[statuses.length - 1]!.id;
    progress('statuses', summary.statuses, false);
  }
  progress('statuses', summary.statuses, true);

  for (const kind of ENTITY_KINDS) {
    const entities = await from.listEntities(kind);
    for (const entity of entities) await to.createEntity(entity);
    summary.entities[kind] = entities.length;
    progress(`entities: ${kind}`, entities.length, true);
  }

  let afterSeq: number | undefined;
  for (;;) {
    const page = await from.listAudit({ limit: batch, ...(afterSeq !== undefined ? { afterSeq } : {}) });
    if (page.entries.length === 0) break;
    // The target numbers and chains the entries itself, in the same order: a trail chained from its
    // first entry, numbered from 1, gets the same hashes; an unchained prefix is chained in the target.
    await to.appendAudit(page.entries.map(({ seq: _seq, prevHash: _prev, hash: _hash, ...entry }) => entry));
    summary.audit += page.entries.length;
    afterSeq = page.entries[page.entries.length - 1]!.seq;
    progress('audit entries', summary.audit, false);
    if (!page.more) break;
  }
  progress('audit entries', summary.audit, true);

  for (const secret of await from.listSecrets()) {
    if ((await to.getOrCreateSecret(secret.name, () => secret.value)) !== secret.value) {
      throw new ConflictError(`The target store already holds a different secret ${secret.name}.`);
    }
    summary.secrets += 1;
  }
  progress('secrets', summary.secrets, true);

  await verifyCopy(from, to);
  return summary;
}

/** After the collection's records, whose dateAdded values the tombstones' removedAt interleave with. */
async function copyTombstones(from: Store, to: Store, collectionId: string, progress: CopyProgress, batch: number): Promise<void> {
  const part = `tombstones of collection ${collectionId}`;
  let count = 0;
  let after: number | undefined;
  for (;;) {
    const page = await from.listTombstones(collectionId, after, batch);
    if (page.tombstones.length === 0) break;
    await to.importTombstones(collectionId, page.tombstones);
    count += page.tombstones.length;
    after = page.tombstones[page.tombstones.length - 1]!.removedAt;
    progress(part, count, false);
    if (!page.more) break;
  }
  if (count > 0) progress(part, count, true);
}

/** What a store holds, as a list of non-empty parts; empty when the store is empty. */
export async function describeContents(store: Store): Promise<string[]> {
  const parts: string[] = [];
  const collections = await store.listCollections();
  if (collections.length > 0) parts.push(`${collections.length} collection(s) with records`);
  if ((await store.listStatuses(undefined, 1)).length > 0) parts.push('statuses');
  for (const kind of ENTITY_KINDS) if ((await store.listEntities(kind)).length > 0) parts.push(`${kind} entities`);
  if ((await store.listAudit({ limit: 1 })).entries.length > 0) parts.push('audit entries');
  if ((await store.listSecrets()).length > 0) parts.push('secrets');
  return parts;
}

/** Compares what both stores hold, part by part; ConflictError naming every difference. */
export async function verifyCopy(from: Store, to: Store): Promise<void> {
  const differences: string[] = [];
  const compare = (part: string, source: number | string, target: number | string) => {
    if (source !== target) differences.push(`${part}: ${source} in the source, ${target} in the target`);
  };
  const sourceMarks = await from.listCollections();
  const targetMarks = new Map((await to.listCollections()).map((mark) => [mark.id, mark.lastDateAdded]));
  compare('collections', sourceMarks.length, targetMarks.size);
  for (const mark of sourceMarks) {
    compare(`last date_added of collection ${mark.id}`, mark.lastDateAdded, targetMarks.get(mark.id) ?? 'none');
    compare(`records of collection ${mark.id}`, await from.countRecords(everything(mark.id)), await to.countRecords(everything(mark.id)));
    compare(`tombstones of collection ${mark.id}`, await countTombstones(from, mark.id), await countTombstones(to, mark.id));
  }
  compare('statuses', await countStatuses(from), await countStatuses(to));
  for (const kind of ENTITY_KINDS) compare(`${kind} entities`, (await from.listEntities(kind)).length, (await to.listEntities(kind)).length);
  compare('audit entries', await countAudit(from), await countAudit(to));
  const targetSecrets = new Map((await to.listSecrets()).map((secret) => [secret.name, secret.value]));
  const sourceSecrets = await from.listSecrets();
  compare('secrets', sourceSecrets.length, targetSecrets.size);
  // Names only: a secret's value never goes into a message.
  for (const secret of sourceSecrets) if (targetSecrets.get(secret.name) !== secret.value) differences.push(`secret ${secret.name} differs`);
  if (differences.length > 0) throw new ConflictError(`The copy does not match its source: ${differences.join('; ')}.`);
}

/** Every record of a collection: all versions, all spec versions, no bound. */
function everything(collectionId: string): RecordQuery {
  return { collectionId, versions: { all: true }, specVersions: 'all', withBody: false };
}

async function countStatuses(store: Store): Promise<number> {
  let count = 0;
  let afterId: string | undefined;
  for (;;) {
    const statuses = await store.listStatuses(afterId, COPY_BATCH);
    if (statuses.length === 0) return count;
    count += statuses.length;
    afterId = statuses[statuses.length - 1]!.id;
  }
}

async function countTombstones(store: Store, collectionId: string): Promise<number> {
  let count = 0;
  let after: number | undefined;
  for (;;) {
    const page = await store.listTombstones(collectionId, after, COPY_BATCH);
    count += page.tombstones.length;
    if (!page.more || page.tombstones.length === 0) return count;
    after = page.tombstones[page.tombstones.length - 1]!.removedAt;
  }
}

async function countAudit(store: Store): Promise<number> {
  let count = 0;
  let afterSeq: number | undefined;
  for (;;) {
    const page = await store.listAudit({ limit: COPY_BATCH, ...(afterSeq !== undefined ? { afterSeq } : {}) });
    count += page.entries.length;
    if (!page.more || page.entries.length === 0) return count;
    afterSeq = page.entries[page.entries.length - 1]!.seq;
  }
}

function emptyKinds(): Record<EntityKind, number> {
  return Object.fromEntries(ENTITY_KINDS.map((kind) => [kind, 0])) as Record<EntityKind, number>;
}
