/** The page byte budget (docs/reliability.md#memory): pages end early with more and next, never empty, never skipping or repeating. */

import { body, PASSWORD, RW, standardConfig, startTestServer, type TestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';

const BUDGET = 4096;
const COLL = `/api1/collections/${RW}`;
const STIX20 = 'application/vnd.oasis.stix+json; version=2.0';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer((dir) => ({ ...standardConfig(dir), taxii: { discovery: { title: 'Test server', default: 'api1' }, page_budget_bytes: BUDGET } }));
});
afterAll(async () => server.close());

const bytes = (obj: unknown) => Buffer.byteLength(JSON.stringify(obj));
type Page = { more?: boolean; next?: string; objects?: Array<Record<string, unknown>> };

/** Follows `next` from `first` to the end; every page as served, with its Date-Added headers. */
async function pagesFrom(first: string): Promise<Array<{ doc: Page; firstAdded: string; lastAdded: string }>> {
  const pages = [];
  let path: string | undefined = first;
  while (path !== undefined && pages.length < 100) {
    const res = await server.get(path);
    expect(res.status).toBe(200);
    const doc = body(res) as Page;
    pages.push({ doc, firstAdded: res.headers['x-taxii-date-added-first'] as string, lastAdded: res.headers['x-taxii-date-added-last'] as string });
    path = doc.more ? `${first.split('?')[0]}?next=${encodeURIComponent(doc.next!)}` : undefined;
  }
  return pages;
}

describe('Get Objects', () => {
  // Descriptions make objects of about these sizes: small ones, one alone over the budget, runs that just pass it.
  const sizes = [300, 1500, 2000, 900, 6000, 200, 3500, 250, 400, 9000, 120, 3000, 700, 1200, 2500];
  const posted = sizes.map((size, i) => indicator({ name: `object ${i}`, description: 'd'.repeat(size) }));

  beforeAll(async () => {
    expect((await server.post(`${COLL}/objects/`, envelope(...posted))).status).toBe(202);
  });

  test('when the objects of a page pass the byte budget, then it ends early with more and a next that resumes after its last object', async () => {
    const res = await server.get(`${COLL}/objects/?limit=1000`);
    const doc = body(res) as Page;
    expect(doc.more).toBe(true);
    expect(doc.next).toEqual(expect.any(String));
    expect(doc.objects!.length).toBeLessThan(posted.length);
    expect(doc.objects).toEqual(posted.slice(0, doc.objects!.length));
    // The headers describe the page as cut.
    const manifest = body(await server.get(`${COLL}/manifest/?limit=1000`)).objects as Array<{ id: string; date_added: string }>;
    const last = manifest.find((m) => m.id === doc.objects![doc.objects!.length - 1]!.id)!;
    expect(res.headers['x-taxii-date-added-last']).toBe(last.date_added);
    expect(res.headers['x-taxii-date-added-first']).toBe(manifest[0]!.date_added);
  });

  test('when every page is followed, then each object comes once, in order, no page is empty, and only an object over the budget exceeds it, alone', async () => {
    const pages = await pagesFrom(`${COLL}/objects/?limit=1000`);
    const served = pages.flatMap((p) => p.doc.objects ?? []);
    expect(served).toEqual(posted);
    for (const { doc } of pages) {
      expect(doc.objects!.length).toBeGreaterThan(0);
      const total = doc.objects!.reduce((sum, o) => sum + bytes(o), 0);
      if (doc.objects!.length > 1) expect(total).toBeLessThanOrEqual(BUDGET);
      else if (total > BUDGET) expect(doc.objects![0]!.name).toMatch(/^object (4|9)$/);
    }
    expect(pages.filter((p) => p.doc.objects!.length === 1 && bytes(p.doc.objects![0]) > BUDGET)).toHaveLength(2);
    // A page ends only when the next object would not fit.
    let seen = 0;
    for (const { doc } of pages.slice(0, -1)) {
      seen += doc.objects!.length;
      const total = doc.objects!.reduce((sum, o) => sum + bytes(o), 0);
      expect(total + bytes(posted[seen])).toBeGreaterThan(BUDGET);
    }
    expect(pages[pages.length - 1]!.doc.more).toBe(false);
  });

  test('when a small limit cuts first, then the limit holds and the budget still applies', async () => {
    const pages = await pagesFrom(`${COLL}/objects/?limit=2`);
    expect(pages.flatMap((p) => p.doc.objects ?? [])).toEqual(posted);
    for (const { doc } of pages) expect(doc.objects!.length).toBeLessThanOrEqual(2);
    expect(pages.some((p) => p.doc.objects!.length === 1 && p.doc.more)).toBe(true);
  });

  test('when a TAXII 2.0 appliance reads without Range, then the bundle ends at the budget with 206 and a Content-Range it can walk on', async () => {
    const get20 = (range?: string) => {
      const request = server.raw().get(`${COLL}/objects/`).auth('alice', PASSWORD).set('Accept', STIX20);
      return range === undefined ? request : request.set('Range', range);
    };
    const first = await get20();
    expect(first.status).toBe(206);
    const objects = JSON.parse(first.text).objects as unknown[];
    expect(objects).toEqual(posted.slice(0, objects.length));
    expect(first.headers['content-range']).toBe(`items 0-${objects.length - 1}/${posted.length}`);
    const seen = [...objects];
    while (seen.length < posted.length) {
      const res = await get20(`items=${seen.length}-${posted.length - 1}`);
      expect(res.status).toBe(206);
      const more = JSON.parse(res.text).objects as unknown[];
      expect(more.length).toBeGreaterThan(0);
      expect(res.headers['content-range']).toBe(`items ${seen.length}-${seen.length + more.length - 1}/${posted.length}`);
      seen.push(...more);
    }
    expect(seen).toEqual(posted);
  });
});

describe('Get an Object', () => {
  test('when the versions of one object pass the budget together, then they come one page at a time, each once', async () => {
    const base = indicator({ created: '2020-01-01T00:00:00.000Z' });
    const versions = ['2020-01-01', '2020-02-01', '2020-03-01'].map((day) => ({ ...base, modified: `${day}T00:00:00.000Z`, description: 'v'.repeat(2500) }));
    expect((await server.post(`${COLL}/objects/`, envelope(...versions))).status).toBe(202);
    const pages = await pagesFrom(`${COLL}/objects/${base.id}/?match[version]=all`);
    expect(pages.map((p) => p.doc.objects!.length)).toEqual([1, 1, 1]);
    expect(pages.flatMap((p) => p.doc.objects ?? [])).toEqual(versions);
  });
});
