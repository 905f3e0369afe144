/**
 * Real multi-version data: ICS ATT&CK 17.0, 17.1, 18.0 and 18.1 loaded in order
 * into one collection. Objects revised across releases must show every version.
 */

import { timestampKey } from '../../src/stix/timestamp';
import { describeWithCorpus, readCorpusText } from '../support/corpus';
import { body, RW, standardConfig, startTestServer, type TestServer } from '../support/harness';

const RELEASES = ['17.0', '17.1', '18.0', '18.1'];
const COLL = `/api1/collections/${RW}`;

describeWithCorpus('ICS ATT&CK releases loaded in order', () => {
  let server: TestServer;
  /** id → distinct version instants in the order they were first posted. */
  const expected = new Map<string, string[]>();

  beforeAll(async () => {
    server = await startTestServer((dir) => {
      const config = standardConfig(dir) as { seed: { partnerships: Array<Record<string, unknown>> } };
      config.seed.partnerships[0]!.max_content_length = 50_000_000;
      return config;
    });
    for (const release of RELEASES) {
      const text = readCorpusText(`attack/ics-attack-${release}.json`);
      const bundle = JSON.parse(text) as { objects: Array<{ id: string; modified?: string; created?: string }> };
      for (const o of bundle.objects) {
        const version = o.modified ?? o.created!;
        const list = expected.get(o.id) ?? [];
        if (!list.some((v) => timestampKey(v) === timestampKey(version))) list.push(version);
        expected.set(o.id, list);
      }
      const res = await server.raw().post(`${COLL}/objects/`).auth('alice', 'accord-demo').set('Content-Type', 'application/stix+json;version=2.1').send(text);
      expect(res.status).toBe(202);
      const status = body(res);
      expect(status.failure_count).toBe(0);
      expect(status.total_count).toBe(bundle.objects.length);
    }
  }, 120_000);
  afterAll(async () => server.close());

  test('when every version is listed through the manifest, then it holds exactly the distinct versions of the four releases', async () => {
    const seen = new Map<string, string[]>();
    let next: string | undefined;
    do {
      const doc = body(await server.get(`${COLL}/manifest/?match[version]=all&limit=1000${next ? `&next=${encodeURIComponent(next)}` : ''}`));
      for (const r of doc.objects) seen.set(r.id, [...(seen.get(r.id) ?? []), r.version]);
      next = doc.more ? doc.next : undefined;
    } while (next);
    expect(seen).toEqual(expected);
    const revised = [...expected.values()].filter((v) => v.length > 1).length;
    expect(revised).toBeGreaterThan(100);
  });

  test('when a revised object is asked for its versions, first and last, then they match the releases', async () => {
    const revised = [...expected.entries()].filter(([, v]) => v.length >= 3).slice(0, 5);
    expect(revised.length).toBeGreaterThan(0);
    for (const [id, versions] of revised) {
      expect(body(await server.get(`${COLL}/objects/${id}/versions/`)).versions).toEqual(versions);
      const sorted = [...versions].sort((a, b) => (timestampKey(a) < timestampKey(b) ? -1 : 1));
      const first = body(await server.get(`${COLL}/objects/${id}/?match[version]=first`)).objects;
      const last = body(await server.get(`${COLL}/objects/${id}/?match[version]=last`)).objects;
      expect(first.map((o: { modified: string }) => o.modified)).toEqual([sorted[0]]);
      expect(last.map((o: { modified: string }) => o.modified)).toEqual([sorted[sorted.length - 1]]);
    }
  });

  test('when objects are paged with the default last, then each id appears once, at its latest version', async () => {
    const seen = new Map<string, string>();
    let next: string | undefined;
    do {
      const doc = body(await server.get(`${COLL}/objects/?limit=500${next ? `&next=${encodeURIComponent(next)}` : ''}`));
      for (const o of doc.objects) {
        expect(seen.has(o.id)).toBe(false);
        seen.set(o.id, o.modified ?? o.created);
      }
      next = doc.more ? doc.next : undefined;
    } while (next);
    expect(seen.size).toBe(expected.size);
    for (const [id, versions] of expected) {
      const latest = [...versions].sort((a, b) => (timestampKey(a) < timestampKey(b) ? -1 : 1)).pop()!;
      expect(timestampKey(seen.get(id)!)).toBe(timestampKey(latest));
    }
  });
});
