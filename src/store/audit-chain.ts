/**
 * The audit trail's hash chain (docs/reliability.md#audit-trail). Each entry is
 * kept as one record with the trail's wire names; its `hash` is the SHA-256 (hex)
 * of that record without `hash`, `prev_hash` included, in the canonical JSON of
 * RFC 8785 (members sorted, no spaces; for these strings and integers that is
 * what JSON.stringify writes). `prev_hash` is the hash of the entry before, or
 * GENESIS for the first chained entry. A backend seals entries inside its append
 * transaction, after the head (the last entry's seq and hash, kept apart from
 * the entries) it read in that transaction, so that writers in several processes
 * extend one chain. Entries written before the chain existed have no hashes: an
 * unchained prefix, reported as such.
 */

import { createHash } from 'node:crypto';
import type { AuditEntry, AuditHead, Store, StoredAuditEntry } from './contract';

/** The prev_hash of the first chained entry. */
export const GENESIS = '0'.repeat(64);

/** An entry as the trail publishes it (admin API, export) and hashes it. */
export type AuditRecord = Record<string, string | number>;

/** The wire names of an entry's fields, in the order a record lists them. */
const WIRE_NAMES: ReadonlyArray<[keyof StoredAuditEntry, string]> = [
  ['seq', 'seq'],
  ['time', 'time'],
  ['operation', 'operation'],
  ['outcome', 'outcome'],
  ['organisation', 'organisation'],
  ['user', 'user'],
  ['keyId', 'key_id'],
  ['partnership', 'partnership'],
  ['collection', 'collection'],
  ['objectCount', 'object_count'],
  ['statusId', 'status_id'],
  ['detail', 'detail'],
  ['prevHash', 'prev_hash'],
  ['hash', 'hash'],
];

/** The record of a stored entry: its present fields under their wire names. */
export function auditRecordOf(entry: StoredAuditEntry): AuditRecord {
  const record: AuditRecord = {};
  for (const [field, name] of WIRE_NAMES) {
    const value = entry[field];
    if (value !== undefined) record[name] = value;
  }
  return record;
}

/** The hash an entry must carry: over its record without `hash`. */
export function hashOf(entry: StoredAuditEntry): string {
  const { hash: _hash, ...hashed } = auditRecordOf(entry);
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(hashed).sort(([a], [b]) => (a < b ? -1 : 1))));
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Gives entries their seq (from `firstSeq`) and chains them after `head` (none:
 * they start the chain). Strings are made well-formed first, as every backend
 * would store them, so that the hash holds for what is read back. Only the
 * AuditEntry fields of the input are kept.
 */
export function sealAudit(entries: readonly AuditEntry[], head: AuditHead | null, firstSeq: number): StoredAuditEntry[] {
  let prevHash = head?.hash ?? GENESIS;
  return entries.map((entry, i) => {
    const sealed: StoredAuditEntry = { ...wellFormed(entry), seq: firstSeq + i, prevHash };
    sealed.hash = hashOf(sealed);
    prevHash = sealed.hash;
    return sealed;
  });
}

function wellFormed(entry: AuditEntry): AuditEntry {
  const out: AuditEntry = { time: fix(entry.time), operation: fix(entry.operation), outcome: entry.outcome };
  if (entry.organisation !== undefined) out.organisation = fix(entry.organisation);
  if (entry.user !== undefined) out.user = fix(entry.user);
  if (entry.keyId !== undefined) out.keyId = fix(entry.keyId);
  if (entry.partnership !== undefined) out.partnership = fix(entry.partnership);
  if (entry.collection !== undefined) out.collection = fix(entry.collection);
  if (entry.objectCount !== undefined) out.objectCount = entry.objectCount;
  if (entry.statusId !== undefined) out.statusId = fix(entry.statusId);
  if (entry.detail !== undefined) out.detail = fix(entry.detail);
  return out;
}

/** A lone surrogate becomes U+FFFD, as a UTF-8 store (BSON) would turn it. */
function fix(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export type ChainCheck =
  | { ok: true; entries: number; unchained: number; head: AuditHead | null }
  | { ok: false; entries: number; seq: number; problem: string };

const CHECK_PAGE = 1000;

/**
 * Walks the whole trail in pages (bounded memory) up to the head read first
 * (entries appended meanwhile are left for the next check): every chained entry
 * must hash to its `hash` and link to the one before it, the unchained entries
 * must all come before the first chained one, and the last entry must be the
 * head. Reports the first broken link.
 */
export async function checkAuditChain(store: Store, onPage: (checked: number) => void = () => undefined): Promise<ChainCheck> {
  let head = await store.auditHead();
  let entries = 0;
  let unchained = 0;
  let last: StoredAuditEntry | undefined;
  const broken = (seq: number, problem: string): ChainCheck => ({ ok: false, entries, seq, problem });
  for (let afterSeq: number | undefined; ; ) {
    const page = await store.listAudit({ limit: CHECK_PAGE, ...(afterSeq !== undefined ? { afterSeq } : {}) });
    for (const entry of page.entries) {
      if (head !== null && entry.seq > head.seq) return ending(last, head, entries, unchained);
      if (entry.hash === undefined) {
        if (last?.hash !== undefined) return broken(entry.seq, `no hash, after the chain began (seq ${last.seq} is chained): the entry was stripped or inserted`);
        unchained++;
      } else {
        // Entries chained since the head was read: follow them to the newer head.
        head ??= await store.auditHead();
        if (head === null) return broken(entry.seq, 'chained, but the trail has no head: the head record was removed');
        const expected = last?.hash ?? GENESIS;
        if (entry.prevHash !== expected) {
          const before = last === undefined ? 'the start of the trail' : last.hash === undefined ? `the unchained entry ${last.seq}` : `seq ${last.seq}`;
          return broken(entry.seq, `prev_hash does not match ${before}: an entry before it was removed or altered`);
        }
        if (hashOf(entry) !== entry.hash) return broken(entry.seq, 'its hash does not match its content: the entry was altered');
      }
      entries++;
      last = entry;
      afterSeq = entry.seq;
    }
    onPage(entries);
    if (!page.more) return ending(last, head, entries, unchained);
  }
}

/** The last entry checked must be the head. */
function ending(last: StoredAuditEntry | undefined, head: AuditHead | null, entries: number, unchained: number): ChainCheck {
  if (head === null) return { ok: true, entries, unchained, head };
  if (last?.hash === undefined || last.seq !== head.seq) {
    return { ok: false, entries, seq: head.seq, problem: `the head is seq ${head.seq} but the trail ends at ${last === undefined ? 'no entry' : `seq ${last.seq}`}: entries at the end were removed` };
  }
  if (last.hash !== head.hash) return { ok: false, entries, seq: head.seq, problem: 'the last entry is not the head the store recorded: it was replaced' };
  return { ok: true, entries, unchained, head };
}
