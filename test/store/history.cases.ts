/**
 * Longer generated histories on the real store, read back as clients page
 * through them. Each seed writes one collection of several dozen objects:
 * versions in order (every record after its object's others in version
 * selection's order, so the collection stays regular in the sense of
 * src/store/mongodb/record-regularity.ts), out of order, or in order and then
 * not; two spec versions, objects without a version, re-posts, and deletes as
 * Delete an Object does. Between the writes and at the end, generated queries
 * are answered by the store and by the selection core (src/store/selection.ts),
 * which must agree on every page, every count and every walk: by `after` (TAXII
 * 2.1 keyset paging: each page starts after the last date_added of the one
 * before), by offset (TAXII 2.0 ranges: the count, then one range after
 * another) and as page texts under a byte budget. selection-histories.ts runs
 * many short histories one page at a time; these are few and long, so that
 * pages span many objects and walks many pages.
 */

import { formatMicros, timestampKey } from '../../src/stix/timestamp';
import type { NewRecord, RecordQuery, Store, VersionSelector } from '../../src/store/contract';
import { selectAll, selectRecords, type SelectableRecord } from '../../src/store/selection';
import { ALL, FIRST, LAST } from './records';
import { Random } from './selection-histories';

type Order = 'in order' | 'out of order' | 'in order, then not';
const SEEDS: Array<[number, Order]> = [
  [101, 'in order'],
  [102, 'in order'],
  [103, 'in order'],
  [201, 'out of order'],
  [202, 'out of order'],
  [301, 'in order, then not'],
  [302, 'in order, then not'],
];
const BATCHES = 12;
const FINAL_QUERIES = 24;
/** More pages than any walk here needs: a walk that does not end is a failure, not a hang. */
const MAX_PAGES = 1_000;
const VERSIONED_TYPES = ['indicator', 'malware', 'campaign', 'relationship'];
const VERSIONLESS_TYPES = ['ipv4-addr', 'file'];
/** 2020-01-01T00:00:00Z in microseconds. */
const EPOCH = 1_577_836_800_000_000;

interface Modelled extends SelectableRecord {
  versionless: boolean;
  body: string;
}

interface HistoryObject {
  id: string;
  type: string;
  versionless: boolean;
  specVersion: string;
  /** Seconds after EPOCH of its highest version so far (in order). */
  clock: number;
}

/** One seed's history in one collection of `store`; throws on the first disagreement, naming what and the query. */
class PagedHistory {
  private readonly model: Modelled[] = [];
  private readonly dates: number[] = [];
  private readonly objects: HistoryObject[];
  private inOrder: boolean;

  constructor(
    private readonly store: Store,
    private readonly rng: Random,
    private readonly collectionId: string,
    private readonly order: Order,
  ) {
    this.inOrder = order !== 'out of order';
    this.objects = Array.from({ length: 30 + rng.int(30) }, (_, i) => {
      const versionless = rng.chance(0.15);
      const type = rng.pick(versionless ? VERSIONLESS_TYPES : VERSIONED_TYPES);
      const id = `${type}--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      return { id, type, versionless, specVersion: rng.chance(0.3) ? '2.0' : '2.1', clock: rng.int(1000) };
    });
  }

  async run(): Promise<void> {
    for (let batch = 0; batch < BATCHES; batch++) {
      if (this.order === 'in order, then not' && batch === BATCHES / 2) this.inOrder = false;
      await this.add(1 + (this.rng.chance(0.35) ? this.rng.int(100) : this.rng.int(8)));
      if (batch > 0 && this.rng.chance(0.4)) await this.deleteOne();
      for (let n = 0; n < 3; n++) await this.comparePage(this.randomQuery());
    }
    const queries = [this.defaultQuery(), { ...this.defaultQuery(), types: [this.rng.pick(VERSIONED_TYPES)] }];
    while (queries.length < FINAL_QUERIES) queries.push(this.randomQuery());
    for (const q of queries) {
      await this.walkByAfter(q);
      await this.walkByOffset(q);
      await this.walkTexts(q);
    }
  }

  private newRecord(object: HistoryObject): NewRecord {
    const version = object.versionless ? null : this.nextVersion(object);
    const padding = 'x'.repeat(this.rng.int(300));
    const body = JSON.stringify({ type: object.type, id: object.id, spec_version: object.specVersion, ...(version ? { modified: version } : {}), padding });
    return recordOf(object, version, object.specVersion, body);
  }

  /** In order: later than every version of the object, or a move to 2.1 (which comes after any 2.0, at whatever instant). Out of order: anywhere, often again. */
  private nextVersion(object: HistoryObject): string {
    let seconds: number;
    if (this.inOrder && object.specVersion === '2.0' && this.rng.chance(0.3)) {
      object.specVersion = '2.1';
      seconds = this.rng.int(object.clock + 1);
    } else if (this.inOrder) {
      object.clock += 1 + this.rng.int(3600);
      seconds = object.clock;
    } else {
      object.specVersion = this.rng.chance(0.3) ? '2.0' : '2.1';
      seconds = Math.max(0, object.clock - 15 + this.rng.int(30));
    }
    const version = formatMicros(EPOCH + seconds * 1_000_000);
    // Equal instants in other spellings are one version.
    return this.rng.chance(0.2) ? version.replace('.000000Z', this.rng.pick(['Z', '.000Z'])) : version;
  }

  private async add(count: number): Promise<void> {
    const records = Array.from({ length: count }, () => {
      const object = this.rng.pick(this.objects);
      const again = this.model.filter((r) => r.id === object.id);
      // A re-post of a stored version is a duplicate, whatever the order.
      if (again.length > 0 && this.rng.chance(0.1)) {
        const old = this.rng.pick(again);
        return recordOf(object, old.versionless ? null : old.version, old.specVersion, this.rng.chance(0.5) ? old.body : `${old.body} `);
      }
      return this.newRecord(object);
    });
    const outcomes = await this.store.addRecords(this.collectionId, records, '*');
    const expected = records.map((record, i) => {
      const same = this.model.find((r) => r.id === record.id && (record.versionKey === null ? r.versionless : !r.versionless && r.versionKey === record.versionKey));
      if (same) return { kind: 'duplicate', dateAdded: same.dateAdded, version: same.version, sameContent: same.body === record.body };
      const outcome = outcomes[i];
      const dateAdded = outcome !== undefined && (outcome.kind === 'added' || outcome.kind === 'duplicate') ? outcome.dateAdded : -1;
      const version = record.version ?? formatMicros(dateAdded);
      const { id, type, specVersion, body } = record;
      this.model.push({ collectionId: this.collectionId, id, type, version, versionKey: record.versionKey ?? timestampKey(version), specVersion, dateAdded, versionless: record.versionKey === null, body });
      if (this.dates.length > 0 && dateAdded <= this.dates[this.dates.length - 1]!) throw new Error(`dateAdded ${dateAdded} does not follow ${this.dates[this.dates.length - 1]}`);
      this.dates.push(dateAdded);
      return { kind: 'added', dateAdded, version };
    });
    expectSame('addRecords outcomes', outcomes, expected, records.map((r) => `${r.id}@${r.version}/${r.specVersion}`));
  }

  /** Delete an Object (TAXII 2.1 §5.7): one id, match[version] and match[spec_version]; in order, often its last version. */
  private async deleteOne(): Promise<void> {
    const record = this.rng.pick(this.model);
    const versions: VersionSelector = this.rng.pick([ALL, LAST, LAST, FIRST, { all: false, first: false, last: false, at: [record.versionKey] }]);
    const q: RecordQuery = { collectionId: this.collectionId, ids: [record.id], versions, specVersions: this.rng.chance(0.6) ? 'all' : [record.specVersion], withBody: false };
    const doomed = new Set(selectAll(this.model, q));
    expectSame('deleteRecords count', await this.store.deleteRecords(q, { reason: 'deleted' }), doomed.size, q);
    for (let i = this.model.length - 1; i >= 0; i--) if (doomed.has(this.model[i]!)) this.model.splice(i, 1);
  }

  /** What TAXII 2.0 Get Objects and a TAXII 2.1 poll without filters ask: the last version of the latest spec version. */
  private defaultQuery(): RecordQuery {
    return { collectionId: this.collectionId, versions: LAST, specVersions: 'latest', withBody: false, limit: 1 + this.rng.int(25) };
  }

  private randomQuery(): RecordQuery {
    const rng = this.rng;
    const q = this.defaultQuery();
    if (rng.chance(0.5)) q.specVersions = rng.chance(0.4) ? 'all' : rng.some(['2.0', '2.1']);
    if (rng.chance(0.5)) q.versions = rng.chance(0.3) ? ALL : this.randomVersions();
    if (this.dates.length > 0 && rng.chance(0.4)) q.after = rng.pick(this.dates) - (rng.chance(0.3) ? 1 : 0);
    if (rng.chance(0.25)) q.types = rng.some([...VERSIONED_TYPES, ...VERSIONLESS_TYPES, 'x-unknown']);
    if (rng.chance(0.15)) q.ids = rng.some(this.objects.map((o) => o.id)).slice(0, 1 + rng.int(6));
    q.withBody = rng.chance(0.3);
    return q;
  }

  private randomVersions(): VersionSelector {
    const keys = this.model.length === 0 ? [] : [this.rng.pick(this.model).versionKey];
    return { all: false, first: this.rng.chance(0.5), last: this.rng.chance(0.5), at: this.rng.chance(0.4) ? keys : [] };
  }

  private async comparePage(q: RecordQuery): Promise<void> {
    const page = selectRecords(this.model, q);
    expectSame('findRecords', await this.store.findRecords(q), { records: page.records.map((r) => shown(r, q.withBody)), more: page.more }, q);
    const { limit: _limit, ...whole } = q;
    expectSame('countRecords', await this.store.countRecords(whole), selectAll(this.model, whole).length, whole);
  }

  /** TAXII 2.1 paging: each page after the last date_added of the one before, until `more` is false. */
  private async walkByAfter(q: RecordQuery): Promise<void> {
    let page = { ...q };
    for (let n = 0; n < MAX_PAGES; n++) {
      const expected = selectRecords(this.model, page);
      const actual = await this.store.findRecords(page);
      expectSame('findRecords, walking by after', actual, { records: expected.records.map((r) => shown(r, q.withBody)), more: expected.more }, page);
      if (!actual.more) return;
      page = { ...page, after: actual.records[actual.records.length - 1]!.dateAdded };
    }
    throw new Error(`a walk by after did not end within ${MAX_PAGES} pages: ${JSON.stringify(q)}`);
  }

  /** TAXII 2.0 ranges: the count, then offset after offset, the pages together being the whole selection, and the range at the end empty. */
  private async walkByOffset(q: RecordQuery): Promise<void> {
    const { limit, ...whole } = q;
    const selected = selectAll(this.model, whole);
    expectSame('countRecords', await this.store.countRecords(whole), selected.length, whole);
    const step = limit ?? 10;
    const offsets = Array.from({ length: Math.ceil(selected.length / step) }, (_, k) => k * step);
    const seen: number[] = [];
    for (const offset of [...offsets, selected.length]) {
      const page = { ...q, offset, limit: step };
      const actual = await this.store.findRecords(page);
      const expected = selectRecords(this.model, page);
      expectSame('findRecords, walking by offset', actual, { records: expected.records.map((r) => shown(r, q.withBody)), more: expected.more }, page);
      seen.push(...actual.records.map((r) => r.dateAdded));
    }
    expectSame('the offset pages together', seen, selected.map((r) => r.dateAdded), whole);
  }

  /** Page texts under a byte budget that often ends a page before its limit, resumed after each page's last date_added. */
  private async walkTexts(q: RecordQuery): Promise<void> {
    const budget = 100 + this.rng.int(1500);
    let page: RecordQuery = { ...q, withBody: true };
    for (let n = 0; n < MAX_PAGES; n++) {
      const expected = budgeted(selectRecords(this.model, { ...page, limit: undefined }).records, page.limit ?? Infinity, budget);
      const text = await this.store.findObjectsText(page, budget);
      const actual = {
        text: text.parts.join(','),
        count: text.count,
        ...(text.firstDateAdded !== undefined ? { first: text.firstDateAdded } : {}),
        ...(text.lastDateAdded !== undefined ? { last: text.lastDateAdded } : {}),
        more: text.more,
      };
      expectSame(`findObjectsText, budget ${budget} bytes`, actual, expected, page);
      if (!text.more) return;
      page = { ...page, after: text.lastDateAdded! };
    }
    throw new Error(`a walk of texts did not end within ${MAX_PAGES} pages: ${JSON.stringify(q)}`);
  }
}

function recordOf(object: HistoryObject, version: string | null, specVersion: string, body: string): NewRecord {
  return { id: object.id, type: object.type, version, versionKey: version && timestampKey(version), specVersion, body, owner: 'org:o1', submitter: { organisation: 'o1' }, validUntilKey: null };
}

/** A record as findRecords returns it. */
function shown(r: Modelled, withBody: boolean): Record<string, unknown> {
  return { id: r.id, type: r.type, version: r.version, specVersion: r.specVersion, dateAdded: r.dateAdded, ...(withBody ? { body: r.body } : {}) };
}

/** The text page of Store.findObjectsText: up to `limit` records, ending before the one that would take their bytes past the budget; the first always. */
function budgeted(selected: Modelled[], limit: number, budget: number): Record<string, unknown> {
  const page: Modelled[] = [];
  let bytes = 0;
  for (const record of selected) {
    bytes += Buffer.byteLength(record.body);
    if (page.length >= limit || (page.length > 0 && bytes > budget)) break;
    page.push(record);
  }
  if (page.length === 0) return { text: '', count: 0, more: false };
  return { text: page.map((r) => r.body).join(','), count: page.length, first: page[0]!.dateAdded, last: page[page.length - 1]!.dateAdded, more: page.length < selected.length };
}

function expectSame(what: string, actual: unknown, expected: unknown, context: unknown): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}\n  context:  ${JSON.stringify(context)}\n  store:    ${a}\n  expected: ${e}`);
}

/** The cases, on the contract suite's fresh store and collection. */
export function historyCases(get: () => { store: Store; coll: string }): void {
  describe('generated histories, paged', () => {
    test.each(SEEDS)('when history %i (versions %s) is written, deleted from and paged through, then every page, walk and count is the selection core\'s', async (seed, order) => {
      const { store, coll } = get();
      try {
        await new PagedHistory(store, new Random(seed), coll, order).run();
      } catch (error) {
        throw new Error(`History ${seed} (${order}) disagrees with the selection core:\n${(error as Error).message}`);
      }
      // About a thousand store calls: seconds on SQLite, more on a remote server.
    }, 5 * 60_000);
  });
}
