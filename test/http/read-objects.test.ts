/** Get Objects, Manifest, Get an Object, Versions, Delete: filters, headers and bodies (docs/taxii.md#filters, #delete, #manifest-and-versions). */

import { randomUUID } from 'node:crypto';
import { body, RW, startTestServer, type TestServer } from '../support/harness';
import { envelope, indicator, ipv4, malware } from '../support/stix';

let server: TestServer;
const COLL = `/api1/collections/${RW}`;
const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

// One object in three versions, added out of version order, plus others.
const multi = indicator({ created: '2020-01-01T00:00:00.000Z', modified: '2020-01-01T00:00:00.000Z' });
const multiV3 = { ...multi, modified: '2020-03-01T00:00:00.000Z', name: 'v3' };
const multiV2 = { ...multi, modified: '2020-02-01T00:00:00.000Z', name: 'v2' };
const bad = malware();
const ip = ipv4('192.0.2.1');
const older: Record<string, unknown> = { ...indicator(), spec_version: '2.1' };

beforeAll(async () => {
  server = await startTestServer();
  await server.post(`${COLL}/objects/`, envelope(multi, bad));
  await server.post(`${COLL}/objects/`, envelope(multiV3, ip));
  await server.post(`${COLL}/objects/`, envelope(multiV2, older));
});
afterAll(async () => server.close());

function ids(res: { text: string }): string[] {
  return (body(res).objects ?? []).map((o: { id: string }) => o.id);
}

describe('Get Objects', () => {
  test('when no filter is given, then the latest version of each object comes back in date_added order', async () => {
    const res = await server.get(`${COLL}/objects/`);
    expect(res.status).toBe(200);
    const doc = body(res);
    expect(doc.more).toBe(false);
    expect(doc.next).toBeUndefined();
    expect(doc.objects.map((o: { id: string; modified?: string }) => [o.id, o.modified])).toEqual([
      [bad.id, bad.modified],
      [multi.id, '2020-03-01T00:00:00.000Z'],
      [ip.id, undefined],
      [older.id, older.modified],
    ]);
    expect(res.headers['x-taxii-date-added-first']).toMatch(TS);
    expect(res.headers['x-taxii-date-added-last']).toMatch(TS);
  });

  test('when match[type] lists types, then only those come back (unknown types match nothing)', async () => {
    expect(ids(await server.get(`${COLL}/objects/?match[type]=malware,ipv4-addr`))).toEqual([bad.id, ip.id]);
    expect(ids(await server.get(`${COLL}/objects/?match[type]=x-custom-thing`))).toEqual([]);
  });

  test('when match[id] is repeated, then the values are merged', async () => {
    expect(ids(await server.get(`${COLL}/objects/?match[id]=${ip.id}&match[id]=${bad.id}`))).toEqual([bad.id, ip.id]);
  });

  test('when match[version] is all, first, a timestamp or a list, then the right versions come back', async () => {
    const versions = async (q: string) =>
      (body(await server.get(`${COLL}/objects/?match[id]=${multi.id}&match[version]=${q}`)).objects ?? []).map((o: { modified: string }) => o.modified);
    expect(await versions('all')).toEqual(['2020-01-01T00:00:00.000Z', '2020-03-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z']);
    expect(await versions('first')).toEqual(['2020-01-01T00:00:00.000Z']);
    expect(await versions('last')).toEqual(['2020-03-01T00:00:00.000Z']);
    expect(await versions('2020-02-01T00:00:00Z')).toEqual(['2020-02-01T00:00:00.000Z']);
    expect(await versions('first,2020-02-01T00:00:00.000000Z')).toEqual(['2020-01-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z']);
    expect(await versions('2021-01-01T00:00:00.000Z')).toEqual([]);
  });

  test('when match[spec_version] names a version not stored, then nothing matches', async () => {
    const res = await server.get(`${COLL}/objects/?match[spec_version]=2.0`);
    expect(res.text).toBe('{}');
    expect(res.headers['x-taxii-date-added-first']).toBeUndefined();
    expect(ids(await server.get(`${COLL}/objects/?match[spec_version]=2.1&match[type]=malware`))).toEqual([bad.id]);
  });

  test('when added_after is the date_added of an object, then only later ones come back', async () => {
    const manifest = body(await server.get(`${COLL}/manifest/?match[version]=all`)).objects;
    const res = await server.get(`${COLL}/objects/?match[version]=all&added_after=${manifest[2].date_added}`);
    expect(body(res).objects).toHaveLength(manifest.length - 3);
    expect(res.headers['x-taxii-date-added-first']).toBe(manifest[3].date_added);
  });

  test('when filters combine, then they are ANDed', async () => {
    expect(ids(await server.get(`${COLL}/objects/?match[type]=indicator&match[id]=${bad.id}`))).toEqual([]);
    expect(ids(await server.get(`${COLL}/objects/?match[type]=indicator&match[id]=${multi.id},${bad.id}&match[version]=first`))).toEqual([multi.id]);
  });

  test('when an unknown parameter or match field is given, then it is ignored', async () => {
    expect(ids(await server.get(`${COLL}/objects/?foo=bar&match[color]=red`))).toHaveLength(4);
  });
});

describe('invalid parameters', () => {
  test.each([
    ['added_after=yesterday', 'added_after'],
    ['added_after=2020-02-30T00:00:00Z', 'added_after'],
    ['added_after=', 'added_after'],
    ['added_after=2020-01-01T00:00:00Z&added_after=2020-01-01T00:00:00Z', 'added_after'],
    ['limit=0', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=%2B5', 'limit'],
    ['limit=5.0', 'limit'],
    ['limit=1e3', 'limit'],
    ['limit=', 'limit'],
    ['limit=5&limit=6', 'limit'],
    ['next=garbage', 'next'],
    ['next=', 'next'],
    ['match[version]=latest', 'match[version]'],
    ['match[version]=all,first', 'match[version]'],
    ['match[version]=2020-01-01', 'match[version]'],
    ['match[type]=indicator,,malware', 'match[type]'],
    ['match[type]=', 'match[type]'],
    ['match[id]=', 'match[id]'],
    ['match[spec_version]=2', 'match[spec_version]'],
    ['match[spec_version]=two.one', 'match[spec_version]'],
  ])('when the query is %s, then 400 naming %s', async (query, parameter) => {
    for (const endpoint of ['objects', 'manifest']) {
      const res = await server.get(`${COLL}/${endpoint}/?${query}`);
      expect(res.status).toBe(400);
      expect(body(res).error_code).toBe('bad_parameter');
      expect(body(res).details.parameter).toBe(parameter);
    }
  });

  test.each([
    ['2020-01-01T00:00:00Z'],
    ['2020-01-01T00:00:00.5Z'],
    ['2020-01-01T00:00:00.123456Z'],
    ['2020-01-01T00:00:00.123456789Z'],
    ['2020-01-01t00:00:00z'],
    ['2020-01-01T00:00:00%2B00:00'],
    ['2020-01-01T02:00:00%2B02:00'],
  ])('when added_after is %s, then it is accepted', async (value) => {
    expect((await server.get(`${COLL}/objects/?added_after=${value}`)).status).toBe(200);
  });
});

describe('Manifest', () => {
  test('when the manifest is read, then each record has id, date_added, version and media type', async () => {
    const res = await server.get(`${COLL}/manifest/?match[id]=${multi.id},${ip.id}`);
    const records = body(res).objects;
    expect(records).toEqual([
      { id: multi.id, date_added: expect.stringMatching(TS), version: '2020-03-01T00:00:00.000Z', media_type: 'application/stix+json;version=2.1' },
      { id: ip.id, date_added: expect.stringMatching(TS), version: expect.stringMatching(TS), media_type: 'application/stix+json;version=2.1' },
    ]);
    expect(res.headers['x-taxii-date-added-first']).toBe(records[0].date_added);
    expect(res.headers['x-taxii-date-added-last']).toBe(records[1].date_added);
  });

  test('when a manifest page is cut by limit, then more and next are given', async () => {
    const doc = body(await server.get(`${COLL}/manifest/?limit=1`));
    expect(doc.more).toBe(true);
    expect(doc.next).toEqual(expect.any(String));
    expect(doc.objects).toHaveLength(1);
  });
});

describe('Get an Object and Versions', () => {
  test('when an object is read, then its latest version is in an envelope', async () => {
    const doc = body(await server.get(`${COLL}/objects/${multi.id}/`));
    expect(doc).toEqual({ more: false, objects: [multiV3] });
  });

  test('when match[version]=all is asked for one object, then all its versions come in date_added order', async () => {
    const doc = body(await server.get(`${COLL}/objects/${multi.id}/?match[version]=all`));
    expect(doc.objects.map((o: { name: string }) => o.name)).toEqual(['Malicious site', 'v3', 'v2']);
  });

  test('when filters exclude every version, then {} and not 404', async () => {
    const res = await server.get(`${COLL}/objects/${multi.id}/?match[version]=1999-01-01T00:00:00.000Z`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('{}');
  });

  test('when an object is absent, then 404', async () => {
    expect((await server.get(`${COLL}/objects/indicator--${randomUUID()}/`)).status).toBe(404);
    expect((await server.get(`${COLL}/objects/indicator--${randomUUID()}/versions/`)).status).toBe(404);
  });

  test('when versions are listed, then they come in date_added order with headers and paging', async () => {
    const res = await server.get(`${COLL}/objects/${multi.id}/versions/`);
    expect(body(res)).toEqual({ more: false, versions: ['2020-01-01T00:00:00.000Z', '2020-03-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z'] });
    expect(res.headers['x-taxii-date-added-first']).toMatch(TS);
    const first = body(await server.get(`${COLL}/objects/${multi.id}/versions/?limit=2`));
    expect(first).toEqual({ more: true, next: expect.any(String), versions: ['2020-01-01T00:00:00.000Z', '2020-03-01T00:00:00.000Z'] });
    const second = body(await server.get(`${COLL}/objects/${multi.id}/versions/?limit=2&next=${encodeURIComponent(first.next)}`));
    expect(second).toEqual({ more: false, versions: ['2020-02-01T00:00:00.000Z'] });
  });

  test('when a next token from one endpoint is sent to another, then 400', async () => {
    const first = body(await server.get(`${COLL}/objects/${multi.id}/versions/?limit=1`));
    const res = await server.get(`${COLL}/objects/?next=${encodeURIComponent(first.next)}`);
    expect(res.status).toBe(400);
    expect(body(res).details.parameter).toBe('next');
  });
});

describe('Delete an Object', () => {
  test('when match[version]=last is given, then only the newest version goes', async () => {
    const a = indicator({ modified: '2021-01-01T00:00:00.000Z', created: '2021-01-01T00:00:00.000Z' });
    await server.post(`${COLL}/objects/`, envelope(a, { ...a, modified: '2021-06-01T00:00:00.000Z' }));
    const res = await server.del(`${COLL}/objects/${a.id}/?match[version]=last`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(body(await server.get(`${COLL}/objects/${a.id}/versions/`)).versions).toEqual(['2021-01-01T00:00:00.000Z']);
  });

  test('when no filter is given, then every version goes and the object is 404 afterwards', async () => {
    const a = indicator();
    await server.post(`${COLL}/objects/`, envelope(a, { ...a, modified: '2026-06-01T00:00:00.000Z' }));
    expect((await server.del(`${COLL}/objects/${a.id}/`)).status).toBe(200);
    expect((await server.get(`${COLL}/objects/${a.id}/`)).status).toBe(404);
    expect(ids(await server.get(`${COLL}/objects/?match[id]=${a.id}`))).toEqual([]);
    expect((await server.get(`${COLL}/manifest/?match[id]=${a.id}`)).text).toBe('{}');
  });

  test('when nothing matches or the object is absent, then 404; a bad filter is 400', async () => {
    const a = indicator();
    await server.post(`${COLL}/objects/`, envelope(a));
    expect((await server.del(`${COLL}/objects/${a.id}/?match[version]=1999-01-01T00:00:00Z`)).status).toBe(404);
    expect((await server.del(`${COLL}/objects/indicator--${randomUUID()}/`)).status).toBe(404);
    expect((await server.del(`${COLL}/objects/${a.id}/?match[version]=nope`)).status).toBe(400);
    expect((await server.get(`${COLL}/objects/${a.id}/`)).status).toBe(200);
  });
});
