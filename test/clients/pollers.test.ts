/**
 * Consumers that poll and resume (docs/client-quirks.md#clients): XSOAR, Sentinel (modelled),
 * Elastic, the OpenCTI ingester and the OpenCTI taxii2 connector. Each replays its
 * documented sequence over several runs while a publisher keeps adding objects;
 * each must end with every object exactly once.
 */

import { formatMicros } from '../../src/stix/timestamp';
import { PASSWORD } from '../support/harness';
import { basic, COLLECTION, expectExactlyOnce, json, replayServer, TAXII, type ReplayServer } from './replay';

let r: ReplayServer;
afterEach(async () => r.close());

const OBJECTS = `${COLLECTION}/objects/`;

describe('Cortex XSOAR TAXII 2 Feed (docs/client-quirks.md#xsoar)', () => {
  test('when XSOAR fetches with its type list, first-fetch window and per-request limit, re-sending filters with next, then every indicator arrives once', async () => {
    r = await replayServer();
    const types = 'indicator,report,malware,campaign,attack-pattern,course-of-action,intrusion-set,tool,threat-actor,infrastructure,relationship';
    // "First Fetch Time" one year back, formatted %Y-%m-%dT%H:%M:%S.%fZ.
    const yearAgo = formatMicros((Date.now() - 365 * 86_400_000) * 1000);
    await r.publish(250);
    const seen: string[] = [];
    let next: string | undefined;
    for (;;) {
      const query = `added_after=${yearAgo}&match[type]=${types}&limit=100${next ? `&next=${encodeURIComponent(next)}` : ''}`;
      const res = await r.app().get(`${OBJECTS}?${query}`).set({ Accept: TAXII, 'X-API-Key': r.token });
      expect(res.status).toBe(200);
      const page = json(res);
      seen.push(...page.objects.map((o: { id: string }) => o.id));
      if (!page.more) break;
      next = page.next;
      if (r.published.length < 400) await r.publish(50);
    }
    expectExactlyOnce(seen, r.published);
  });
});

describe('Microsoft Sentinel TAXII connector (modelled, docs/client-quirks.md#sentinel)', () => {
  test('when Sentinel polls with Basic (an API key as the password), pages with next and resumes from X-TAXII-Date-Added-Last, then nothing is lost or repeated across polls', async () => {
    r = await replayServer({ defaultPageSize: 40 });
    const auth = basic(r.keyId, r.token);
    const headers = { Accept: TAXII, Authorization: auth };
    expect((await r.app().get('/api1/').set(headers)).status).toBe(200);
    expect((await r.app().get(`${COLLECTION}/`).set(headers)).status).toBe(200);
    const seen: string[] = [];
    let watermark = formatMicros((Date.now() - 86_400_000) * 1000);
    for (let poll = 0; poll < 4; poll++) {
      await r.publish(55);
      let next: string | undefined;
      for (;;) {
        const res = await r.app().get(`${OBJECTS}?added_after=${watermark}${next ? `&next=${encodeURIComponent(next)}` : ''}`).set(headers);
        const page = json(res);
        seen.push(...(page.objects ?? []).map((o: { id: string }) => o.id));
        if (res.headers['x-taxii-date-added-last']) watermark = res.headers['x-taxii-date-added-last'];
        if (!page.more) break;
        next = page.next;
        await r.publish(3);
      }
    }
    expectExactlyOnce(seen, r.published);
  });
});

describe('Elastic Agent ti_custom (docs/client-quirks.md#elastic)', () => {
  test('when Elastic ≤1.8.1 follows next alone with a Content-Type on GET and keeps its cursor from the last response, then idle polls keep the cursor and nothing is lost', async () => {
    r = await replayServer({ alwaysListObjects: true });
    const headers = { Accept: TAXII, 'Content-Type': 'application/taxii+json;version=2.1', Authorization: `Bearer ${r.token}` };
    const seen: string[] = [];
    // initial_interval: no fractional seconds.
    let cursor = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (let poll = 0; poll < 5; poll++) {
      if (poll !== 2) await r.publish(23);
      let url = `${OBJECTS.replace(/\/$/, '')}/?added_after=${cursor}&limit=10`;
      for (;;) {
        const res = await r.app().get(url).set(headers);
        expect([200, 206]).toContain(res.status);
        const page = json(res);
        // Elastic's CEL program evaluates body.objects on every page.
        expect(Array.isArray(page.objects)).toBe(true);
        seen.push(...page.objects.map((o: { id: string }) => o.id));
        // The cursor map is rebuilt from every response: a missing header would drop it.
        expect(res.headers['x-taxii-date-added-last']).toEqual(expect.any(String));
        cursor = res.headers['x-taxii-date-added-last'];
        if (!page.next) break;
        url = `${OBJECTS}?next=${encodeURIComponent(page.next)}&limit=10`;
      }
    }
    expectExactlyOnce(seen, r.published);
  });

  test('when Elastic ≥1.8.2 sends added_after with next, then the result is the same', async () => {
    r = await replayServer();
    const headers = { Accept: TAXII, Authorization: `Token ${r.token}` };
    await r.publish(35);
    const seen: string[] = [];
    const start = formatMicros((Date.now() - 60_000) * 1000).replace(/\.\d+Z$/, 'Z');
    let next: string | undefined;
    for (;;) {
      const page = json(await r.app().get(`${OBJECTS}?added_after=${start}${next ? `&next=${encodeURIComponent(next)}` : ''}&limit=10`).set(headers));
      seen.push(...page.objects.map((o: { id: string }) => o.id));
      if (!page.next) break;
      next = page.next;
    }
    expectExactlyOnce(seen, r.published);
  });
});

describe('OpenCTI TAXII feed ingestion (docs/client-quirks.md#opencti-ingester)', () => {
  test('when OpenCTI fetches one page per tick, sends next with added_after and no limit, and resumes from the header, then nothing is lost while others publish', async () => {
    r = await replayServer({ defaultPageSize: 25 });
    const headers = { Accept: TAXII, Authorization: `Bearer ${r.token}` };
    // "import from date" as a JS Date: YYYY-MM-DDTHH:mm:ss.sssZ.
    let addedAfter = new Date(Date.now() - 86_400_000).toISOString();
    let next: string | undefined;
    const seen: string[] = [];
    for (let tick = 0; tick < 30; tick++) {
      if (tick % 4 === 0 && tick < 20) await r.publish(30);
      const res = await r.app().get(`${OBJECTS}?added_after=${addedAfter}${next ? `&next=${encodeURIComponent(next)}` : ''}`).set(headers);
      expect(res.status).toBe(200);
      const page = json(res);
      seen.push(...(page.objects ?? []).map((o: { id: string }) => o.id));
      if (page.more && page.next) next = page.next;
      else {
        next = undefined;
        if (res.headers['x-taxii-date-added-last']) addedAfter = res.headers['x-taxii-date-added-last'];
      }
    }
    expectExactlyOnce(seen, r.published);
  });
});

describe('OpenCTI taxii2 connector (docs/client-quirks.md#opencti-connector)', () => {
  test('when the connector requests next alone and sends a stale next with a new added_after on its next run, then it neither fails nor loses nor repeats', async () => {
    r = await replayServer({ defaultPageSize: 20 });
    const headers = { Accept: TAXII, Authorization: `Token ${r.token}` };
    const filters: Record<string, string> = { added_after: formatMicros((Date.now() - 86_400_000) * 1000).replace(/\.\d+Z$/, '.000000Z') };
    const seen: string[] = [];
    for (let run = 0; run < 3; run++) {
      await r.publish(45);
      // last_run: the connector's start time, whole seconds.
      const runStart = formatMicros(Math.floor(Date.now() / 1000) * 1_000_000);
      for (;;) {
        const query = new URLSearchParams(filters).toString();
        const res = await r.app().get(`${OBJECTS}?${query}`).set(headers);
        expect(res.status).toBe(200);
        const page = json(res);
        seen.push(...(page.objects ?? []).map((o: { id: string }) => o.id));
        if (!page.more) break;
        delete filters.added_after;
        filters.next = page.next;
      }
      // self.filters lives on: the stale next stays beside the new added_after.
      filters.added_after = runStart;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Objects published within the connector's whole-second start time may come again: never fewer.
    for (const id of r.published) expect(seen).toContain(id);
  });
});
