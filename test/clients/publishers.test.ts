/**
 * Publishers (docs/client-quirks.md#clients): the OpenCTI taxii-post stream
 * connector, MISP (browse and push) and the Splunk CTIS app.
 */

import { randomUUID } from 'node:crypto';
import { PASSWORD } from '../support/harness';
import { indicator } from '../support/stix';
import { basic, COLLECTION, json, replayServer, TAXII, type ReplayServer } from './replay';

let r: ReplayServer;
afterEach(async () => r.close());

describe('OpenCTI taxii-post (docs/client-quirks.md#opencti-taxii-post)', () => {
  test('when OpenCTI replays its history as one-object bundles with the STIX media type, then every object is stored once, re-posts included', async () => {
    r = await replayServer();
    const headers = { 'Content-Type': 'application/stix+json; version=2.1', Accept: 'application/taxii+json; version=2.1', Authorization: `Bearer ${r.token}` };
    const objects = Array.from({ length: 60 }, () => {
      const o = indicator();
      // OpenCTI strips object_marking_refs and created_by_ref by default.
      delete o.object_marking_refs;
      return o;
    });
    for (const o of [...objects, ...objects.slice(0, 10)]) {
      const res = await r.app().post(`${COLLECTION}/objects/`).set(headers).send(JSON.stringify({ type: 'bundle', spec_version: '2.1', id: `bundle--${randomUUID()}`, objects: [o] }));
      expect(res.status).toBe(202);
      expect(json(res).success_count).toBe(1);
    }
    const manifest = json(await r.app().get(`${COLLECTION}/manifest/?limit=1000`).set({ Accept: TAXII, Authorization: `Bearer ${r.token}` }));
    expect(manifest.objects.map((m: { id: string }) => m.id)).toEqual(objects.map((o) => o.id));
  });
});

describe('MISP TAXII servers (docs/client-quirks.md#misp)', () => {
  test('when MISP browses with a lower-case basic scheme, a Content-type on GET and a // path, then it pages with limit=50', async () => {
    r = await replayServer();
    await r.publish(120);
    const auth = `basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
    const headers = { Accept: TAXII, 'Content-type': TAXII, Authorization: auth };
    expect(json(await r.app().get('//api1/collections/').set(headers)).collections.length).toBeGreaterThan(0);
    const seen: string[] = [];
    let next: string | undefined;
    for (;;) {
      const page = json(await r.app().get(`/${COLLECTION}/objects/?limit=50${next ? `&next=${encodeURIComponent(next)}` : ''}`).set(headers));
      seen.push(...page.objects.map((o: { id: string }) => o.id));
      if (!page.more) break;
      next = page.next;
    }
    expect(seen).toEqual(r.published);
  });

  test('when MISP pushes envelopes sized to max_content_length with its custom objects and its own identity, then all are stored and the status validates', async () => {
    r = await replayServer();
    const headers = { Accept: TAXII, 'Content-Type': TAXII, Authorization: basic('alice', PASSWORD) };
    const maxLength = json(await r.app().get('/api1/').set(headers)).max_content_length as number;
    const identity = { type: 'identity', spec_version: '2.1', id: `identity--${randomUUID()}`, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', name: 'MISP org', identity_class: 'organization' };
    const attribute = (i: number) => ({
      type: 'x-misp-attribute',
      spec_version: '2.1',
      id: `x-misp-attribute--${randomUUID()}`,
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-01-01T00:00:00.000Z',
      created_by_ref: identity.id,
      labels: ['misp:type="comment"'],
      x_misp_type: 'comment',
      x_misp_value: `note ${i} ${'x'.repeat(200)}`,
    });
    const all = [identity, ...Array.from({ length: 3000 }, (_, i) => (i % 2 ? attribute(i) : indicator({ created_by_ref: identity.id })))];
    // Build envelopes byte by byte, none over max_content_length.
    const envelopes: string[] = [];
    let current: string[] = [];
    const size = (parts: string[]) => Buffer.byteLength(`{"objects":[${parts.join(',')}]}`);
    for (const o of all) {
      const text = JSON.stringify(o);
      if (current.length > 0 && size([...current, text]) > Math.min(maxLength, 250_000)) {
        envelopes.push(`{"objects":[${current.join(',')}]}`);
        current = [];
      }
      current.push(text);
    }
    envelopes.push(`{"objects":[${current.join(',')}]}`);
    expect(envelopes.length).toBeGreaterThan(1);
    let stored = 0;
    for (const e of envelopes) {
      const status = json(await r.app().post(`${COLLECTION}/objects/`).set(headers).send(e));
      expect(status.failure_count).toBe(0);
      expect(status.successes).toHaveLength(status.success_count);
      stored += status.success_count;
    }
    expect(stored).toBe(all.length);
  });
});

describe('Splunk CTIS app (docs/client-quirks.md#splunk)', () => {
  test('when the app posts a stix2 Bundle with the TAXII type and waits for completion, then the status is complete at once', async () => {
    r = await replayServer();
    const headers = { Accept: TAXII, 'Content-Type': TAXII, Authorization: basic('alice', PASSWORD) };
    const collections = json(await r.app().get('/api1/collections/').set(headers)).collections;
    expect(collections.find((c: { can_write: boolean }) => c.can_write)).toBeDefined();
    const grouping = { type: 'grouping', spec_version: '2.1', id: `grouping--${randomUUID()}`, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', context: 'suspicious-activity', object_refs: [] as string[] };
    const indicators = [indicator({ object_marking_refs: ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da'] }), indicator()];
    grouping.object_refs = indicators.map((i) => i.id as string);
    const posted = json(await r.app().post(`${COLLECTION}/objects/`).set(headers).send(JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, objects: [grouping, ...indicators] })));
    const status = json(await r.app().get(`/api1/status/${posted.id}/`).set(headers));
    expect(status).toMatchObject({ status: 'complete', total_count: 3, success_count: 3, failure_count: 0, pending_count: 0 });
  });
});
