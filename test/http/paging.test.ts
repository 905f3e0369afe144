/** Keyset paging with `next`, `more` and `added_after` (docs/taxii.md#paging, #date-added; docs/client-quirks.md#next-reuse). */

import { body, RW, standardConfig, startTestServer, type TestServer } from '../support/harness';
import { envelope, indicator, malware } from '../support/stix';

let server: TestServer;
const COLL = `/api1/collections/${RW}`;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

async function addIndicators(n: number): Promise<string[]> {
  const objects = Array.from({ length: n }, () => indicator());
  await server.post(`${COLL}/objects/`, envelope(...objects));
  return objects.map((o) => o.id as string);
}

function page(res: { text: string }): { more?: boolean; next?: string; objects?: Array<{ id: string }> } {
  return body(res);
}

test('when paging through a collection while others add objects, then nothing is missed or repeated', async () => {
  const initial = await addIndicators(30);
  const seen: string[] = [];
  const added: string[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const res = await server.get(`${COLL}/objects/?limit=7${next ? `&next=${encodeURIComponent(next)}` : ''}`);
    const doc = page(res);
    seen.push(...(doc.objects ?? []).map((o) => o.id));
    next = doc.more ? doc.next : undefined;
    if (doc.more) expect(doc.next).toEqual(expect.any(String));
    else expect(doc.next).toBeUndefined();
    pages++;
    if (pages <= 3) added.push(...(await addIndicators(5)));
  } while (next);
  expect(pages).toBeGreaterThanOrEqual(3);
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen).toEqual([...initial, ...added]);
});

test('when a page is followed by next alone, then the original filters still apply', async () => {
  const m = Array.from({ length: 5 }, () => malware());
  await server.post(`${COLL}/objects/`, envelope(...m));
  const first = page(await server.get(`${COLL}/objects/?match[type]=malware&limit=2`));
  const second = page(await server.get(`${COLL}/objects/?next=${encodeURIComponent(first.next!)}`));
  expect(second.objects!.map((o) => o.id)).toEqual([m[2]!.id, m[3]!.id]);
  const third = page(await server.get(`${COLL}/objects/?next=${encodeURIComponent(second.next!)}&match[type]=malware`));
  expect(third).toEqual({ more: false, objects: [m[4]] });
});

test('when next comes beside a later added_after, then the later bound wins', async () => {
  const ids = await addIndicators(6);
  const manifest = body(await server.get(`${COLL}/manifest/?match[id]=${ids.join(',')}`)).objects;
  const first = page(await server.get(`${COLL}/objects/?match[id]=${ids.join(',')}&limit=2`));
  const res = page(await server.get(`${COLL}/objects/?next=${encodeURIComponent(first.next!)}&added_after=${manifest[3].date_added}`));
  expect(res.objects!.map((o) => o.id)).toEqual(ids.slice(4));
});

test('when a next token is altered, then 400 and never another position', async () => {
  const first = page(await server.get(`${COLL}/objects/?limit=1`));
  const [payload, mac] = first.next!.split('.');
  const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString());
  forged.p = 0;
  const token = `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${mac}`;
  const res = await server.get(`${COLL}/objects/?next=${encodeURIComponent(token)}`);
  expect(res.status).toBe(400);
  expect(body(res).details.parameter).toBe('next');
});

test('when the last-page header is used as added_after, then the next poll returns only newer objects', async () => {
  const res = await server.get(`${COLL}/objects/?limit=1000`);
  const last = res.headers['x-taxii-date-added-last'];
  expect(page(await server.get(`${COLL}/objects/?added_after=${last}`))).toEqual({});
  const fresh = await addIndicators(2);
  expect(page(await server.get(`${COLL}/objects/?added_after=${last}`)).objects!.map((o) => o.id)).toEqual(fresh);
  // A client that truncates the header to milliseconds may see repeats, never gaps.
  const truncated = `${last!.slice(0, 23)}Z`;
  const again = page(await server.get(`${COLL}/objects/?added_after=${truncated}`)).objects!.map((o) => o.id);
  expect(again).toEqual(expect.arrayContaining(fresh));
});

test('when limit exceeds the server maximum, then it is capped, and without limit the default page size applies', async () => {
  const capped = await startTestServer((dir) => ({ ...standardConfig(dir), taxii: { max_page_size: 4, default_page_size: 3 } }));
  try {
    const objects = Array.from({ length: 10 }, () => indicator());
    await capped.post(`${COLL}/objects/`, envelope(...objects));
    expect(page(await capped.get(`${COLL}/objects/?limit=1000`)).objects).toHaveLength(4);
    expect(page(await capped.get(`${COLL}/objects/`)).objects).toHaveLength(3);
    // However many digits: capped, and the cursor it issues still works.
    const huge = page(await capped.get(`${COLL}/objects/?limit=${'9'.repeat(400)}`));
    expect(huge.objects).toHaveLength(4);
    expect(page(await capped.get(`${COLL}/objects/?next=${encodeURIComponent(huge.next!)}`)).objects).toHaveLength(4);
  } finally {
    await capped.close();
  }
});

test('when one envelope adds many objects, then every date_added is distinct and increasing', async () => {
  const before = (await server.get(`${COLL}/objects/?limit=1000`)).headers['x-taxii-date-added-last'];
  const ids = await addIndicators(1000);
  const manifest = body(await server.get(`${COLL}/manifest/?added_after=${before}&limit=1000`)).objects;
  expect(manifest.map((r: { id: string }) => r.id)).toEqual(ids);
  const dates = manifest.map((r: { date_added: string }) => r.date_added);
  expect(new Set(dates).size).toBe(1000);
  expect([...dates].sort()).toEqual(dates);
});
