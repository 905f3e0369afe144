/**
 * MongoDB-specific checks of writing that need no server (issue 19): the counts
 * each write folds into its counter update, deletes cut into bounded chunks,
 * statuses split into parts that each fit a document, reads that ask for no
 * records reading none (MongoDB takes a limit of 0 as no limit), and the size
 * limit an object and an imported record must keep.
 */

import { MAX_STORED_OBJECT_BYTES, bytesOverStoreLimit, type RecordDump, type StoredStatus } from '../../src/store/contract';
import { countAdded, countRemoved, counterUpdate, higherPlace, NEW_COUNTER } from '../../src/store/mongodb/collection-counter';
import { expiryFinds } from '../../src/store/mongodb/lifecycle-query';
import { statusesFind } from '../../src/store/mongodb/mongo-entities';
import { exportFind } from '../../src/store/mongodb/record-docs';
import { DELETE_CHUNK, deleteChunks } from '../../src/store/mongodb/record-deleter';
import { pickPage } from '../../src/store/mongodb/record-reader';
import { checkStorable } from '../../src/store/mongodb/record-writer';
import { COLLECTIONS, INDEXES } from '../../src/store/mongodb/schema';
import { partId, partsOf, splitText, STATUS_PART_CHARS, statusDocs, statusFrom } from '../../src/store/mongodb/status-parts';

const place = (stixId: string, versionKey: string, specVersion = '2.1', type = stixId.split('--')[0]!) => ({ stixId, type, versionKey, specVersion });

describe('maintained counts', () => {
  test('when a counter is created, then its counts start exact: no object, no irregular record, counted', () => {
    expect(NEW_COUNTER).toEqual({ lastDateAdded: 0, writes: 0, objects: 0, objectsByType: {}, irregular: 0, counted: true });
  });

  test('when records of new objects are added, then each new object counts once, under its type, and a version at or below another of the same call is irregular', () => {
    const change = countAdded(
      [place('indicator--a', '2'), place('indicator--a', '3'), place('malware--b', '5'), place('indicator--c', '1'), place('indicator--a', '3', '2.0'), place('malware--b', '5')],
      new Map(),
    );
    expect(change).toEqual({ objects: 3, byType: new Map([['indicator', 2], ['malware', 1]]), irregular: 2 });
  });

  test('when records of stored objects are added, then they count no new object, and each is judged against the highest stored place', () => {
    const highest = new Map([
      ['indicator--a', { specVersion: '2.1', versionKey: '5' }],
      ['malware--b', { specVersion: '2.0', versionKey: '9' }],
    ]);
    const change = countAdded([place('indicator--a', '6'), place('indicator--a', '4'), place('malware--b', '1', '2.1'), place('tool--c', '1')], highest);
    expect(change).toEqual({ objects: 1, byType: new Map([['tool', 1]]), irregular: 1 });
    // A tie is irregular too: an equal place is not after.
    expect(countAdded([place('indicator--a', '5')], highest).irregular).toBe(1);
  });

  test('when the stored places are gathered, then the highest is by spec version first, then version', () => {
    let highest = higherPlace(undefined, { specVersion: '2.1', versionKey: '1' });
    highest = higherPlace(highest, { specVersion: '2.0', versionKey: '9' });
    highest = higherPlace(highest, { specVersion: '2.1', versionKey: '3' });
    expect(highest).toEqual({ specVersion: '2.1', versionKey: '3' });
  });

  test('when a write ends, then one update raises the last dateAdded and increments only the counts that changed', () => {
    expect(counterUpdate(100)).toEqual({ $max: { lastDateAdded: 100 } });
    expect(counterUpdate(100, { objects: 0, byType: new Map(), irregular: 0 })).toEqual({ $max: { lastDateAdded: 100 } });
    expect(counterUpdate(100, { objects: 2, byType: new Map([['indicator', 2], ['malware', 0]]), irregular: 1 })).toEqual({
      $max: { lastDateAdded: 100 },
      $inc: { objects: 2, 'objectsByType.indicator': 2, irregular: 1 },
    });
  });

  test('when a delete leaves objects without records, then they are subtracted under their types, and irregular never goes down', () => {
    const change = countRemoved(new Map([['indicator--a', 'indicator'], ['indicator--b', 'indicator'], ['note--c', 'note']]));
    expect(counterUpdate(7, change)).toEqual({ $max: { lastDateAdded: 7 }, $inc: { objects: -3, 'objectsByType.indicator': -2, 'objectsByType.note': -1 } });
  });
});

describe('bounded deletes', () => {
  const records = (id: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ stixId: id, dateAdded: from + i }));

  test('when the selection is small, then it is one chunk in its order', () => {
    const selected = [...records('a', 2), ...records('b', 3, 10)];
    expect(deleteChunks(selected, DELETE_CHUNK)).toEqual([selected]);
    expect(deleteChunks([], DELETE_CHUNK)).toEqual([]);
  });

  test('when objects do not fit one chunk together, then each goes whole into the next, its records together in the order of its first', () => {
    const selected = [{ stixId: 'a', dateAdded: 1 }, { stixId: 'b', dateAdded: 2 }, { stixId: 'a', dateAdded: 3 }, { stixId: 'c', dateAdded: 4 }, { stixId: 'b', dateAdded: 5 }];
    expect(deleteChunks(selected, 3).map((chunk) => chunk.map((r) => `${r.stixId}${r.dateAdded}`))).toEqual([['a1', 'a3'], ['b2', 'b5', 'c4']]);
  });

  test('when one object has more records than a chunk, then it is split oldest first, no chunk passes the bound, and nothing is lost or repeated', () => {
    const selected = [...records('a', 2), ...records('big', 2_500, 100), ...records('c', 3, 5_000)];
    const chunks = deleteChunks(selected, DELETE_CHUNK);
    expect(chunks.every((chunk) => chunk.length <= DELETE_CHUNK)).toBe(true);
    expect(chunks.flat()).toEqual(selected);
    expect(chunks.map((chunk) => chunk.length)).toEqual([2, 1000, 1000, 503]);
    // The newest record of the split object is in its last chunk, so the chunks before never remove it.
    const big = chunks.map((chunk) => chunk.filter((r) => r.stixId === 'big').map((r) => r.dateAdded));
    expect(Math.max(...big.flat())).toBe(big[3]![big[3]!.length - 1]);
  });
});

describe('statuses of any size', () => {
  const status = (messages: string[]): StoredStatus => ({
    id: 'aaaaaaaa-0000-4000-8000-000000000000',
    apiRoot: 'root',
    collectionId: 'c1',
    owner: 'user:alice',
    status: 'complete',
    requestTimestamp: '2026-01-01T00:00:00.000000Z',
    totalCount: messages.length,
    successCount: 0,
    failureCount: messages.length,
    pendingCount: 0,
    successes: [],
    failures: messages.map((message, i) => ({ id: `/objects/${i}`, version: '', message })),
    pendings: [],
    expiresAt: 99,
  });

  test('when a text is split, then the pieces join to it, none is longer than asked, and no surrogate pair is cut', () => {
    const text = `ab😀cd😀😀e${'é'.repeat(5)}😀`;
    for (const size of [2, 3, 4, 5, 7, 100]) {
      const pieces = splitText(text, size);
      expect(pieces.join('')).toBe(text);
      expect(pieces.every((piece) => piece.length <= size && piece.length > 0)).toBe(true);
      // Each piece is well formed: it survives UTF-8 unchanged.
      expect(pieces.every((piece) => Buffer.from(piece, 'utf8').toString('utf8') === piece)).toBe(true);
    }
    expect(splitText('', 10)).toEqual(['']);
  });

  test('when a status is short, then its text stays in its document and no part is written', () => {
    const s = status(['bad']);
    const { doc, parts } = statusDocs(s);
    expect(doc).toEqual({ expiresAt: 99, doc: JSON.stringify(s) });
    expect(parts).toEqual([]);
    expect(statusFrom(doc)).toEqual(s);
  });

  test('when a status is longer than a part, then its parts, numbered in _id order, hold the text and join back to it', () => {
    const s = status(['😀'.repeat(40), 'x'.repeat(70), 'é'.repeat(33)]);
    const { doc, parts } = statusDocs(s, 64);
    expect(doc).toEqual({ expiresAt: 99, doc: '', parts: parts.length });
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.map((p) => p.n)).toEqual(parts.map((_, i) => i));
    expect(parts.map((p) => p._id)).toEqual([...parts.map((p) => p._id)].sort());
    expect(parts.every((p) => p.status === s.id && p._id === partId(s.id, p.n) && p.text.length <= 64)).toBe(true);
    expect(statusFrom(doc, parts)).toEqual(s);
    // A part missing (purged meanwhile): no status rather than a broken one.
    expect(statusFrom(doc, parts.slice(1))).toBeNull();
    expect(statusFrom(doc, parts.slice(0, -1))).toBeNull();
  });

  test('when the largest part is written, then it fits a document whatever its characters', () => {
    expect(STATUS_PART_CHARS * 3).toBeLessThan(16 * 1024 * 1024 - 1024);
  });

  test('when parts are looked up, then one range of _id holds exactly one status\'s parts, in a collection of their own', () => {
    const range = partsOf('s1');
    const inRange = (id: string) => id >= range._id.$gte && id < range._id.$lt;
    expect(inRange(partId('s1', 0))).toBe(true);
    expect(inRange(partId('s1', 123_456))).toBe(true);
    expect(inRange(partId('s10', 0))).toBe(false);
    expect(inRange(partId('s', 1))).toBe(false);
    expect(range.status).toBe('s1');
    expect(COLLECTIONS.statusParts).toBe('status_parts');
    expect(INDEXES.status_parts).toEqual([]);
  });
});

describe('limits of 0', () => {
  test('when a read asks for no records, then MongoDB is not asked (it would read a limit of 0 as none at all)', () => {
    expect(exportFind('c1', undefined, 0)).toBeNull();
    expect(statusesFind(undefined, 0)).toBeNull();
    expect(expiryFinds({ collectionId: 'c1', addedBefore: 500, validUntilBefore: '2026', limit: 0 })).toEqual([]);
  });

  test('when a page asks for none, then it holds none, says whether one follows, and reads no further than that one', async () => {
    let read = 0;
    async function* selected(): AsyncGenerator<number> {
      for (let i = 0; i < 10; i++) {
        read += 1;
        yield i;
      }
    }
    expect(await pickPage({ limit: 0 }, selected())).toEqual({ picked: [], more: true });
    expect(read).toBe(1);
    expect(await pickPage({ limit: 0 }, (async function* () {})())).toEqual({ picked: [], more: false });
  });

  test('when a read asks for some, then its limit is passed as it is', () => {
    expect(exportFind('c1', 5, 3)).toMatchObject({ filter: { collection: 'c1', dateAdded: { $gt: 5 } }, options: { limit: 3, sort: { dateAdded: 1 } } });
    expect(statusesFind('s1', 1)).toEqual({ filter: { _id: { $gt: 's1' } }, options: { sort: { _id: 1 }, limit: 1, hint: { _id: 1 } } });
  });
});

describe('objects a store keeps', () => {
  test('when a text is measured, then only one over the limit in UTF-8 bytes is reported, with its length', () => {
    expect(bytesOverStoreLimit('x'.repeat(MAX_STORED_OBJECT_BYTES))).toBeNull();
    expect(bytesOverStoreLimit('x'.repeat(MAX_STORED_OBJECT_BYTES + 1))).toBe(MAX_STORED_OBJECT_BYTES + 1);
    // Fewer characters than the limit, more bytes: two bytes each.
    const wide = 'é'.repeat(MAX_STORED_OBJECT_BYTES / 2 + 1);
    expect(bytesOverStoreLimit(wide)).toBe(MAX_STORED_OBJECT_BYTES + 2);
    expect(bytesOverStoreLimit('{}')).toBeNull();
  });

  test('when an imported record is over the limit, then the import is refused naming it and the limit, before any write', () => {
    const dump = (body: string): RecordDump => ({
      id: 'note--1',
      type: 'note',
      version: 'v1',
      versionKey: 'k1',
      specVersion: '2.1',
      versionless: false,
      dateAdded: 1,
      body,
      owner: '',
      submitter: null,
      validUntilKey: null,
    });
    expect(() => checkStorable('c1', dump('{}'))).not.toThrow();
    expect(() => checkStorable('c1', dump('x'.repeat(MAX_STORED_OBJECT_BYTES + 5)))).toThrow(
      expect.objectContaining({ code: 'unprocessable_content', message: expect.stringContaining(`note--1 version v1 into collection c1: its text is ${MAX_STORED_OBJECT_BYTES + 5} bytes`) }),
    );
  });
});
