/**
 * The OASIS taxii2-client 2.3.0 (and what embeds it: XSOAR, the OpenCTI taxii2
 * connector, MISP push, the Splunk CTIS app), request by request (docs/client-quirks.md#taxii2-client).
 */

import { PASSWORD } from '../support/harness';
import { indicator } from '../support/stix';
import { basic, COLLECTION, expectExactlyOnce, json, replayServer, TAXII, type ReplayServer } from './replay';

let r: ReplayServer;
beforeEach(async () => {
  // A small server page makes as_pages walk several pages.
  r = await replayServer({ defaultPageSize: 10 });
});
afterEach(async () => r.close());

const UA = 'taxii2-client/2.3.0';

/** taxii2-client's response check: every token of its Accept must be in the Content-Type, the first being the TAXII type. */
function validContentType(contentType: string | undefined): boolean {
  const tokens = (contentType ?? '').replace(/\s/g, '').split(';');
  return tokens[0] === 'application/taxii+json' && tokens.includes('version=2.1');
}

test('when taxii2-client discovers, lists collections and pages with as_pages, then it validates every response and gets every object once while others publish', async () => {
  await r.publish(25);
  const headers = { Accept: TAXII, 'User-Agent': UA, Authorization: basic('alice', PASSWORD) };
  const get = (path: string) => r.app().get(path).set(headers);

  const discovery = await get('/taxii2/');
  expect(validContentType(discovery.headers['content-type'])).toBe(true);
  const root = new URL(json(discovery).api_roots[0]);
  const apiRoot = json(await get(`${root.pathname}`));
  expect(apiRoot).toMatchObject({ title: expect.any(String), versions: expect.arrayContaining([TAXII]), max_content_length: expect.any(Number) });
  for (const c of json(await get(`${root.pathname}collections/`)).collections) {
    expect(c).toEqual(expect.objectContaining({ id: expect.any(String), title: expect.any(String), can_read: expect.any(Boolean), can_write: expect.any(Boolean) }));
  }

  // as_pages(per_request=10): the first call has no limit; taxii2-client then adopts the page size it got.
  const seen: string[] = [];
  let query = 'match[type]=indicator';
  let perRequest = 10;
  let first = true;
  for (;;) {
    const res = await get(`${COLLECTION}/objects/?${first ? query : `${query}&limit=${perRequest}`}`);
    expect(res.status).toBe(200);
    expect(validContentType(res.headers['content-type'])).toBe(true);
    const page = json(res);
    seen.push(...(page.objects ?? []).map((o: { id: string }) => o.id));
    if (first && page.objects && page.objects.length !== perRequest) perRequest = page.objects.length;
    first = false;
    if (!page.more) break;
    expect(page.next).toEqual(expect.any(String));
    query = `match[type]=indicator&next=${encodeURIComponent(page.next)}`;
    if (seen.length < 60) await r.publish(7);
  }
  expectExactlyOnce(seen, r.published);
});

test('when taxii2-client pages with limit 10 from the start, then pages are 10 and nothing is lost while others publish', async () => {
  await r.publish(30);
  const get = (path: string) => r.app().get(path).set({ Accept: TAXII, Authorization: `Token ${r.token}` });
  const seen: string[] = [];
  let next: string | undefined;
  for (;;) {
    const page = json(await get(`${COLLECTION}/objects/?limit=10${next ? `&next=${encodeURIComponent(next)}` : ''}`));
    expect(page.objects.length).toBeLessThanOrEqual(10);
    seen.push(...page.objects.map((o: { id: string }) => o.id));
    if (!page.more) break;
    next = page.next;
    if (r.published.length < 60) await r.publish(10);
  }
  expectExactlyOnce(seen, r.published);
});

test('when taxii2-client adds objects and waits for completion, then the status it polls passes its validation', async () => {
  const headers = { Accept: TAXII, 'Content-Type': TAXII, Authorization: `Token ${r.token}` };
  const objects = [indicator(), indicator(), { type: 'indicator', id: 'bad' }];
  const posted = await r.app().post(`${COLLECTION}/objects/`).set(headers).send(JSON.stringify({ objects }));
  expect(posted.status).toBe(202);
  expect(validContentType(posted.headers['content-type'])).toBe(true);
  // urljoin(collection_url, "../../status/<id>") + "/"
  const statusUrl = new URL(`../../status/${json(posted).id}`, `http://x${COLLECTION}/`).pathname + '/';
  const status = json(await r.app().get(statusUrl).set(headers));
  expect(status.status).toBe('complete');
  for (const kind of ['success', 'failure', 'pending']) {
    const list = status[`${kind === 'success' ? 'successes' : `${kind}s`}`] ?? [];
    expect(list.length).toBe(status[`${kind}_count`]);
  }
  expect(status.success_count + status.failure_count + status.pending_count).toBe(status.total_count);
  expect(status.total_count).toBe(3);
});
