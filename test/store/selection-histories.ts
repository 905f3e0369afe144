/**
 * Random version histories against the selection core: a seeded generator
 * adds versions (out of order, duplicates, equal instants written differently,
 * two spec versions, objects without a version), deletes as Delete an Object
 * does, and queries; every answer of the store must be the one
 * src/store/selection.ts computes over the same records. One collection per
 * history. A failure names the seed and the history: ACCORD_SELECTION_SEED
 * replays it, ACCORD_SELECTION_HISTORIES sets how many histories run.
 */

import { formatMicros, timestampKey } from '../../src/stix/timestamp';
import { OBJECTS_PER_PART, type NewRecord, type RecordQuery, type Store, type VersionSelector } from '../../src/store/contract';
import { selectAll, selectRecords, type SelectableRecord } from '../../src/store/selection';

const DEFAULT_SEED = 20240612;
const DEFAULT_HISTORIES = 10_000;

/** Equal instants in different spellings share a row: the store must treat them as one version. */
const INSTANTS: string[][] = [
  ['2020-01-01T00:00:00Z', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000000Z'],
  ['2020-01-01T00:00:00.5Z', '2020-01-01T00:00:00.500Z'],
  ['2020-01-01T00:00:00.000001Z'],
  ['2020-01-02T00:00:00Z', '2020-01-02T00:00:00.0Z'],
  ['2020-02-01T12:00:00.123Z'],
  ['2021-06-01T00:00:00Z', '2021-06-01T00:00:00.000Z'],
];
const VERSIONED_TYPES = ['indicator', 'malware', 'campaign'];
const VERSIONLESS_TYPES = ['ipv4-addr', 'file'];
const SPEC_VERSIONS = ['2.0', '2.1', '2.2'];

/** Mulberry32: small, fast and the same sequence everywhere. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** A non-empty random subset, in random order. */
  some<T>(items: readonly T[]): T[] {
    const chosen = items.filter(() => this.chance(0.5));
    if (chosen.length === 0) chosen.push(this.pick(items));
    return chosen.sort(() => this.next() - 0.5);
  }
}

interface StoredInModel extends SelectableRecord {
  versionless: boolean;
  body: string;
}

interface StixObject {
  id: string;
  type: string;
  versionless: boolean;
}

class Disagreement extends Error {}

function expectSame(what: string, actual: unknown, expected: unknown, context: unknown): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Disagreement(`${what}\n  context:  ${JSON.stringify(context)}\n  store:    ${a}\n  expected: ${e}`);
}

/** One history in one collection: adds and deletes, with queries in between and at the end. */
class History {
  private readonly model: StoredInModel[] = [];
  /** Every dateAdded ever given in the collection, deleted ones included: the bounds queries use. */
  private readonly dates: number[] = [];
  private readonly objects: StixObject[];
  private readonly instants: string[][];

  constructor(
    private readonly store: Store,
    private readonly rng: Random,
    private readonly collectionId: string,
  ) {
    this.objects = Array.from({ length: 1 + rng.int(4) }, (_, i) => {
      const versionless = rng.chance(0.2);
      const type = rng.pick(versionless ? VERSIONLESS_TYPES : VERSIONED_TYPES);
      return { id: `${type}--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type, versionless };
    });
    this.instants = INSTANTS.filter(() => rng.chance(0.5));
    if (this.instants.length === 0) this.instants.push(rng.pick(INSTANTS));
  }

  async run(): Promise<void> {
    const steps = 1 + this.rng.int(7);
    for (let step = 0; step < steps; step++) {
      if (this.model.length > 0 && this.rng.chance(0.25)) await this.deleteSome();
      else await this.addSome();
      if (this.rng.chance(0.35)) await this.querySome();
    }
    await this.querySome();
  }

  private async addSome(): Promise<void> {
    const records: NewRecord[] = Array.from({ length: 1 + this.rng.int(4) }, () => {
      const object = this.rng.pick(this.objects);
      const specVersion = this.rng.chance(0.35) ? '2.0' : '2.1';
      const version = object.versionless ? null : this.rng.pick(this.rng.pick(this.instants));
      const body = JSON.stringify({ type: object.type, id: object.id, spec_version: specVersion, ...(version ? { modified: version } : {}), n: this.rng.int(2) });
      return {
        id: object.id,
        type: object.type,
        version,
        versionKey: version === null ? null : timestampKey(version),
        specVersion,
        body,
        owner: 'org:o1',
        submitter: { organisation: 'o1' },
        validUntilKey: null,
      };
    });
    const outcomes = await this.store.addRecords(this.collectionId, records, '*');
    const expected = records.map((record, i) => {
      // An object without a version has one record; otherwise id and instant identify a version.
      const same = this.model.find((r) => r.id === record.id && (record.versionKey === null ? r.versionless : !r.versionless && r.versionKey === record.versionKey));
      if (same) return { kind: 'duplicate', dateAdded: same.dateAdded, version: same.version, sameContent: same.body === record.body };
      // The clock is the store's: the model takes the dateAdded given, and checks it follows the last one.
      const outcome = outcomes[i];
      const dateAdded = outcome !== undefined && 'dateAdded' in outcome ? outcome.dateAdded : -1;
      const version = record.version ?? formatMicros(dateAdded);
      this.model.push({
        collectionId: this.collectionId,
        id: record.id,
        type: record.type,
        version,
        versionKey: record.versionKey ?? timestampKey(version),
        specVersion: record.specVersion,
        dateAdded,
        versionless: record.versionKey === null,
        body: record.body,
      });
      return { kind: 'added', dateAdded, version };
    });
    expectSame('addRecords outcomes', outcomes, expected, records);
    for (const outcome of outcomes) {
      if (outcome.kind !== 'added') continue;
      if (this.dates.length > 0 && outcome.dateAdded <= this.dates[this.dates.length - 1]!) {
        throw new Disagreement(`dateAdded ${outcome.dateAdded} does not follow ${this.dates[this.dates.length - 1]}`);
      }
      this.dates.push(outcome.dateAdded);
    }
  }

  /** Delete an Object (TAXII 2.1 §5.7): one id, match[version] and match[spec_version], never a bound. */
  private async deleteSome(): Promise<void> {
    const q: RecordQuery = {
      collectionId: this.collectionId,
      ids: [this.rng.pick(this.objects).id],
      versions: this.randomVersions(0.35),
      specVersions: this.rng.chance(0.5) ? 'all' : this.rng.some(SPEC_VERSIONS),
      withBody: false,
    };
    const doomed = new Set(selectAll(this.model, q));
    expectSame('deleteRecords count', await this.store.deleteRecords(q, { reason: 'deleted' }), doomed.size, q);
    for (let i = this.model.length - 1; i >= 0; i--) if (doomed.has(this.model[i]!)) this.model.splice(i, 1);
  }

  private async querySome(): Promise<void> {
    const q = this.randomQuery();
    const page = selectRecords(this.model, q);
    const shown = (r: StoredInModel) => ({
      id: r.id,
      type: r.type,
      version: r.version,
      specVersion: r.specVersion,
      dateAdded: r.dateAdded,
      ...(q.withBody ? { body: r.body } : {}),
    });
    expectSame('findRecords', await this.store.findRecords(q), { records: page.records.map(shown), more: page.more }, q);
    expectSame('countRecords', await this.store.countRecords(q), selectAll(this.model, q).length, q);
    // The text of a page is the slowest read: every other query asks for it too.
    if (this.rng.chance(0.5)) await this.compareText(q);
  }

  private async compareText(q: RecordQuery): Promise<void> {
    const textQuery = { ...q, limit: q.limit ?? 1 + this.rng.int(5) };
    const textPage = selectRecords(this.model, textQuery);
    const text = await this.store.findObjectsText(textQuery);
    const records = textPage.records;
    const expected =
      records.length === 0
        ? { parts: 0, text: '', count: 0, more: false }
        : {
            parts: Math.ceil(records.length / OBJECTS_PER_PART),
            text: records.map((r) => r.body).join(','),
            count: records.length,
            first: records[0]!.dateAdded,
            last: records[records.length - 1]!.dateAdded,
            more: textPage.more,
          };
    const actual = {
      parts: text.parts.length,
      text: text.parts.join(','),
      count: text.count,
      ...(text.firstDateAdded !== undefined ? { first: text.firstDateAdded } : {}),
      ...(text.lastDateAdded !== undefined ? { last: text.lastDateAdded } : {}),
      more: text.more,
    };
    expectSame('findObjectsText', actual, expected, textQuery);
  }

  private randomQuery(): RecordQuery {
    const rng = this.rng;
    const q: RecordQuery = {
      collectionId: this.collectionId,
      specVersions: rng.chance(0.35) ? 'latest' : rng.chance(0.3) ? 'all' : rng.some(SPEC_VERSIONS),
      versions: this.randomVersions(0.25),
      withBody: rng.chance(0.5),
    };
    if (this.dates.length > 0 && rng.chance(0.5)) q.after = rng.pick(this.dates) - (rng.chance(0.3) ? 1 : 0);
    if (rng.chance(0.35)) q.ids = [...rng.some(this.objects.map((o) => o.id)), ...(rng.chance(0.2) ? ['indicator--ffffffff-0000-4000-8000-000000000000'] : [])];
    if (rng.chance(0.3)) q.types = [...rng.some([...new Set(this.objects.map((o) => o.type))]), ...(rng.chance(0.2) ? ['x-unknown'] : [])];
    if (rng.chance(0.5)) q.limit = 1 + rng.int(4);
    if (rng.chance(0.25)) q.offset = rng.int(4);
    return q;
  }

  /** first, last and exact instants ORed (an empty choice selects nothing), or all. */
  private randomVersions(allChance: number): VersionSelector {
    if (this.rng.chance(allChance)) return { all: true };
    const keys = [...this.instants.map((spellings) => timestampKey(spellings[0]!)), '20300101000000'];
    return { all: false, first: this.rng.chance(0.4), last: this.rng.chance(0.5), at: this.rng.chance(0.4) ? this.rng.some(keys).slice(0, 2) : [] };
  }
}

/** Runs the histories on `store`, in collections named after `prefix`; throws on the first disagreement, naming its seed. */
export async function checkRandomHistories(store: Store, prefix: string): Promise<number> {
  const seed = Number(process.env.ACCORD_SELECTION_SEED ?? DEFAULT_SEED);
  const histories = Number(process.env.ACCORD_SELECTION_HISTORIES ?? DEFAULT_HISTORIES);
  for (let i = 0; i < histories; i++) {
    const rng = new Random(seed ^ Math.imul(i + 1, 0x9e3779b1));
    try {
      await new History(store, rng, `${prefix}-${i}`).run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`Selection disagrees in history ${i} of seed ${seed} (replay with ACCORD_SELECTION_SEED=${seed}):\n${message}`);
    }
  }
  return histories;
}
