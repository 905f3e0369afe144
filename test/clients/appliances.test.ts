/**
 * Appliances that speak TAXII 2.0 or barely HTTP (docs/client-quirks.md#qradar, #fortigate, #fortisoar):
 * FortiGate's stix:// feeds, the TAXII 2.0 pattern of taxii2client.v20 (QRadar,
 * FortiSIEM, XSOAR's fallback), and FortiSOAR's connector. Same scoping as 2.1.
 */

import { body, PASSWORD } from '../support/harness';
import { envelope, indicator } from '../support/stix';
import { basic, COLLECTION, expectExactlyOnce, json, randomUUID, replayServer, TAXII, type ReplayServer } from './replay';

let r: ReplayServer;
afterEach(async () => r.close());

const STIX20 = 'application/vnd.oasis.stix+json; version=2.0';
const TAXII20 = 'application/vnd.oasis.taxii+json; version=2.0';

describe('FortiGate external threat feed, stix:// (docs/client-quirks.md#fortigate)', () => {
  test('when FortiGate re-reads a small feed with its curl request, then one 200 bundle holds every object, as STIX 2.1', async () => {
    r = await replayServer();
    await r.publish(40);
    const res = await r
      .app()
      .get(`${COLLECTION}/objects/`)
      .set({ 'User-Agent': 'curl/7.58.0', Authorization: basic('alice', PASSWORD), Accept: STIX20, Connection: 'close' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(STIX20);
    const bundle = json(res);
    expect(bundle).toMatchObject({ type: 'bundle', id: expect.stringMatching(/^bundle--/) });
    expectExactlyOnce(bundle.objects.map((o: { id: string }) => o.id), r.published);
    expect(bundle.objects[0].spec_version).toBe('2.1');
  });

  test('when the feed is larger than a page, then FortiGate gets 206 with Content-Range and walks the rest with Range, while others publish', async () => {
    r = await replayServer({ maxPageSize: 30 });
    await r.publish(70);
    const headers = { Authorization: basic(r.keyId, r.token), Accept: STIX20 };
    const first = await r.app().get(`${COLLECTION}/objects/`).set(headers);
    expect(first.status).toBe(206);
    expect(first.headers['content-range']).toBe('items 0-29/70');
    const seen: string[] = json(first).objects.map((o: { id: string }) => o.id);
    let total = 70;
    while (seen.length < total) {
      const res = await r.app().get(`${COLLECTION}/objects/`).set({ ...headers, Range: `items=${seen.length}-${seen.length + 29}` });
      expect(res.status).toBe(206);
      const m = /^items (\d+)-(\d+)\/(\d+)$/.exec(res.headers['content-range'])!;
      expect(Number(m[1])).toBe(seen.length);
      total = Number(m[3]);
      seen.push(...json(res).objects.map((o: { id: string }) => o.id));
      if (seen.length < total && r.published.length < 90) await r.publish(10);
    }
    expectExactlyOnce(seen, r.published);
  });

  test('when a Range starts past the end or is malformed, then 416 with Content-Range items */total', async () => {
    r = await replayServer();
    await r.publish(5);
    const headers = { Authorization: basic('alice', PASSWORD), Accept: STIX20 };
    for (const range of ['items=5-9', 'items=9-3', 'bytes=0-10']) {
      const res = await r.app().get(`${COLLECTION}/objects/`).set({ ...headers, Range: range });
      expect(res.status).toBe(416);
      expect(res.headers['content-range']).toBe('items */5');
      expect(res.headers['content-type']).toBe(TAXII20);
    }
  });
});

describe('taxii2client.v20: QRadar, FortiSIEM and XSOAR fallback (modelled, docs/client-quirks.md#qradar)', () => {
  test('when a TAXII 2.0 client discovers at /taxii/, reads the 2.0 API root and collections, then pages with Range (retrying without =), it sees only its partnerships', async () => {
    r = await replayServer({ maxPageSize: 25 });
    await r.publish(60);
    const headers = { Accept: TAXII20, Authorization: basic('carol', PASSWORD) };
    const discovery = await r.app().get('/taxii/').set(headers);
    expect(discovery.headers['content-type']).toBe(TAXII20);
    expect(json(discovery).api_roots.map((u: string) => new URL(u).pathname)).toEqual(['/api1/']);
    const root = json(await r.app().get('/api1/').set(headers));
    expect(root.versions).toEqual(['taxii-2.0']);
    const collections = json(await r.app().get('/api1/collections/').set(headers)).collections;
    expect(collections[0]).toEqual(expect.objectContaining({ can_read: true, can_write: false, media_types: [STIX20] }));
    expect(collections[0].alias).toBeUndefined();
    const seen: string[] = [];
    for (let start = 0; start < 60; start += 25) {
      const res = await r.app().get(`${COLLECTION}/objects/?match[type]=indicator`).set({ Accept: STIX20, Authorization: basic('carol', PASSWORD), Range: `items ${start}-${start + 24}` });
      expect(res.status).toBe(206);
      seen.push(...json(res).objects.map((o: { id: string }) => o.id));
    }
    expectExactlyOnce(seen, r.published);
    // Scoping is the same as in 2.1: bob's partnership does not exist for carol.
    expect((await r.app().get('/api2/collections/').set(headers)).status).toBe(404);
    // No writes in 2.0.
    const post = await r.app().post(`${COLLECTION}/objects/`).set({ Accept: TAXII20, 'Content-Type': TAXII20, Authorization: basic('alice', PASSWORD) }).send('{}');
    expect(post.status).toBe(406);
  });

  test('when taxii2client.v20 reads its collection as a publisher and then one object, then it is told 2.0 is read-only and gets the object as a bundle, version by version', async () => {
    r = await replayServer();
    const [id] = await r.publish(3);
    const alice = basic('alice', PASSWORD);
    const later = { ...indicator({ id, modified: '2026-02-01T00:00:00.000Z' }) };
    expect(body(await r.server.post(`${COLLECTION}/objects/`, envelope(later))).success_count).toBe(1);
    // alice may write in 2.1, but 2.0 has no writes: the 2.0 collection must not offer them.
    const in21 = json(await r.app().get(`${COLLECTION}/`).set({ Accept: TAXII, Authorization: alice }));
    const in20 = json(await r.app().get(`${COLLECTION}/`).set({ Accept: TAXII20, Authorization: alice }));
    expect([in21.can_write, in20.can_write]).toEqual([true, false]);

    const one = await r.app().get(`${COLLECTION}/objects/${id}/`).set({ Accept: STIX20, Authorization: alice });
    expect(one.status).toBe(200);
    expect(one.headers['content-type']).toBe(STIX20);
    expect(json(one)).toEqual({ type: 'bundle', id: expect.stringMatching(/^bundle--/), objects: [later] });
    const all = await r.app().get(`${COLLECTION}/objects/${id}/?match[version]=all`).set({ Accept: STIX20, Authorization: alice });
    expect(json(all).objects.map((o: { modified: string }) => o.modified)).toEqual(['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z']);
    const ranged = await r.app().get(`${COLLECTION}/objects/${id}/?match[version]=all`).set({ Accept: STIX20, Authorization: alice, Range: 'items=1-1' });
    expect([ranged.status, ranged.headers['content-range'], json(ranged).objects[0].modified]).toEqual([206, 'items 1-1/2', '2026-02-01T00:00:00.000Z']);

    // An id the collection does not hold: 404 in the 2.0 error type.
    const missing = await r.app().get(`${COLLECTION}/objects/indicator--${randomUUID()}/`).set({ Accept: STIX20, Authorization: alice });
    expect([missing.status, missing.headers['content-type'], json(missing).http_status]).toEqual([404, TAXII20, '404']);
    // A filter this endpoint does not have is ignored, as in 2.1.
    for (const accept of [STIX20, TAXII]) {
      const res = await r.app().get(`${COLLECTION}/objects/${id}/?match[type]=malware`).set({ Accept: accept, Authorization: alice });
      expect(json(res).objects).toEqual([later]);
    }
    // Bob's partnership does not exist for carol, in 2.0 as in 2.1.
    const outsider = await r.app().get(`/api2/collections/${COLLECTION.split('/').pop()}/objects/${id}/`).set({ Accept: STIX20, Authorization: basic('carol', PASSWORD) });
    expect(outsider.status).toBe(404);
  });
});

describe('FortiSOAR TAXII2 Threat Intel Feed (docs/client-quirks.md#fortisoar)', () => {
  test('when FortiSOAR hard-codes /taxii2/, sends no Accept, echoes our Content-Type, builds //collections/ and objects without a slash, then one page holds the window', async () => {
    r = await replayServer();
    await r.publish(120);
    const auth = basic('alice', PASSWORD);
    const discovery = await r.app().get('/taxii2/').set({ Authorization: auth, 'Content-Type': 'application/json' }).unset('Accept');
    expect(discovery.status).toBe(200);
    const apiRoot = new URL(json(discovery).api_roots[0]).pathname;
    const rootRes = await r.app().get(apiRoot).set({ Authorization: auth }).unset('Accept');
    const echoed = rootRes.headers['content-type'];
    expect(echoed).toBe(TAXII);
    const collections = await r.app().get(`${apiRoot}/collections/`).set({ Authorization: auth, Accept: echoed, 'Content-Type': 'application/json' });
    expect(collections.status).toBe(200);
    const id = json(collections).collections.find((c: { title: string }) => c.title === 'Read-write').id;
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const objects = await r.app().get(`${apiRoot}/collections/${id}/objects?added_after=${since}`).set({ Authorization: auth, Accept: echoed });
    expect(objects.status).toBe(200);
    expectExactlyOnce(json(objects).objects.map((o: { id: string }) => o.id), r.published);
  });
});
