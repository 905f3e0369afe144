/**
 * MongoDB audit appends without a server (docs/deployment.md#audit-appends): the
 * pending documents an append keeps and what one seal writes. Appends and seals
 * from several handles at once run in the contract suite (audit-chain.cases.ts).
 */

import { GENESIS, hashOf, sealAudit } from '../../src/store/audit-chain';
import type { AuditEntry } from '../../src/store/contract';
import { headOf, pendingDocsOf, sealPlan } from '../../src/store/mongodb/audit-appender';

const entry = (n: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({ time: `2026-01-01T00:00:0${n}Z`, operation: 'add_objects', outcome: 202, objectCount: n, ...extra });

describe('MongoDB audit appends', () => {
  test('when entries are kept pending, then their ObjectIds ascend in the entries order and each keeps its fields', () => {
    const entries = Array.from({ length: 50 }, (_, i) => entry(i, { partnership: 'p', detail: `d${i}` }));
    const docs = pendingDocsOf(entries);
    expect(docs.map(({ _id, ...fields }) => fields)).toEqual(entries);
    for (let i = 1; i < docs.length; i++) expect(docs[i]!._id.toHexString() > docs[i - 1]!._id.toHexString()).toBe(true);
  });

  test('when a seal takes pending entries after a head, then they get the next seqs, chained after the head hash', () => {
    const pending = pendingDocsOf([entry(1), entry(2), entry(3)]);
    const head = { _id: 'audit_seq', value: 41, hash: 'a'.repeat(64) };
    const plan = sealPlan(pending, head);
    expect(plan.docs.map((doc) => doc._id)).toEqual([42, 43, 44]);
    expect(plan.docs[0]!.prevHash).toBe(head.hash);
    expect(plan.ids).toEqual(pending.map((doc) => doc._id));
    expect(plan.hash).toBe(plan.docs[2]!.hash);
    // Exactly what the chain's own sealing gives the same entries: the pending _id plays no part.
    const expected = sealAudit([entry(1), entry(2), entry(3)], headOf(head), 42).map(({ seq, ...fields }) => ({ ...fields, _id: seq }));
    expect(plan.docs).toEqual(expected);
    for (const doc of plan.docs) expect(hashOf({ ...(doc as unknown as AuditEntry), seq: doc._id })).toBe(doc.hash);
  });

  test('when the trail has no chained entry yet, then the first seal starts the chain from GENESIS after the unchained seqs', () => {
    const plan = sealPlan(pendingDocsOf([entry(1)]), { _id: 'audit_seq', value: 7 });
    expect(plan.docs[0]).toMatchObject({ _id: 8, prevHash: GENESIS });
  });

  test('when nothing is pending, then a seal plans nothing', () => {
    expect(sealPlan([], { _id: 'audit_seq', value: 3, hash: 'b'.repeat(64) })).toEqual({ docs: [], hash: undefined, ids: [] });
  });
});
