/** A collection's marking ceiling refuses objects marked above it, TLP 2.0 and 1.0 alike, and nothing else. */

import { body, RW, startTestServer, type TestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';

const TLP2 = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  amberStrict: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};
const TLP1 = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.operate('collections.update', { partnership: 'api1', collectionId: RW, marking_ceiling: 'amber' });
});
afterAll(async () => server.close());

test('when objects marked at, below and above an AMBER ceiling are posted together, then only those above are refused, saying why', async () => {
  const under = [TLP2.clear, TLP2.green, TLP2.amber, TLP1.white, TLP1.green, TLP1.amber].map((ref) => indicator({ object_marking_refs: [ref] }));
  const unmarked = indicator();
  const lookalike = indicator({ object_marking_refs: ['marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c2'] });
  const over = [
    indicator({ object_marking_refs: [TLP2.red] }),
    indicator({ object_marking_refs: [TLP2.amberStrict] }),
    indicator({ object_marking_refs: [TLP1.red] }),
    indicator({ object_marking_refs: [TLP2.green, TLP2.red] }),
    indicator({ granular_markings: [{ marking_ref: TLP2.red, selectors: ['name'] }] }),
  ];
  const status = body(await server.post(`/api1/collections/${RW}/objects/`, envelope(...under, unmarked, lookalike, ...over)));
  expect(status.success_count).toBe(under.length + 2);
  expect(status.failures.map((f: { id: string }) => f.id)).toEqual(over.map((o) => o.id));
  expect(status.failures[0].message).toContain('TLP:RED');
  expect(status.failures[0].message).toContain('ceiling TLP:AMBER');
  expect(status.failures[1].message).toContain('TLP:AMBER+STRICT');
  expect(status.failures[2].message).toContain('TLP 1.0');
});

test('when the ceiling is removed, then any marking is accepted', async () => {
  await server.operate('collections.update', { partnership: 'api1', collectionId: RW, marking_ceiling: null });
  const status = body(await server.post(`/api1/collections/${RW}/objects/`, envelope(indicator({ object_marking_refs: [TLP2.red] }))));
  expect(status.success_count).toBe(1);
});

test('when a marking is written with an upper-case UUID, then it is still the TLP it names, and the ceiling holds', async () => {
  await server.operate('collections.update', { partnership: 'api1', collectionId: RW, marking_ceiling: 'amber' });
  const shouted = indicator({ object_marking_refs: [TLP2.red.toUpperCase().replace('MARKING-DEFINITION--', 'marking-definition--')] });
  const granular = indicator({ granular_markings: [{ marking_ref: TLP1.red.replace('5e57c739', '5E57C739'), selectors: ['name'] }] });
  const status = body(await server.post(`/api1/collections/${RW}/objects/`, envelope(shouted, granular)));
  expect(status.failures.map((f: { id: string; message: string }) => [f.id, f.message.split(':')[0]])).toEqual([
    [shouted.id, '1 error'],
    [granular.id, '1 error'],
  ]);
  expect(status.failures[0].message).toMatch(/^1 error: \[marking-ceiling\] marked TLP:RED/);
  expect((await server.get(`/api1/collections/${RW}/objects/${shouted.id}/`)).status).toBe(404);
});

describe('the published TLP marking definitions', () => {
  const published = (overrides: Record<string, unknown> = {}) => ({
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2.red,
    created: '2022-10-01T00:00:00.000Z',
    name: 'TLP:RED',
    extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'red' } },
    ...overrides,
  });

  test('when a partner posts one of them with other content, then it is refused and members keep reading the published object', async () => {
    await server.operate('collections.update', { partnership: 'api1', collectionId: RW, marking_ceiling: null });
    const statement = { type: 'marking-definition', spec_version: '2.1', id: TLP2.red, created: '2022-10-01T00:00:00.000Z', definition_type: 'statement', definition: { statement: 'free to share' } };
    const renamed = published({ name: 'TLP:CLEAR', extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'clear' } } });
    const versioned = published({ modified: '2030-01-01T00:00:00.000Z' });
    // "constructor" is a property every JavaScript object inherits: it must not pass for part of the published object.
    const inherited = published({ constructor: { statement: 'This is TLP:CLEAR, share freely' } });
    const tlp1 = { type: 'marking-definition', spec_version: '2.1', id: TLP1.red.toUpperCase().replace('MARKING-DEFINITION--', 'marking-definition--'), created: '2017-01-20T00:00:00.000Z', definition_type: 'tlp', definition: { tlp: 'red' } };
    const status = body(await server.post(`/api1/collections/${RW}/objects/`, envelope(statement, renamed, versioned, inherited, tlp1, published())));
    expect(status.success_count).toBe(1);
    const reasons = status.failures.map((f: { message: string }) => /\[([a-z0-9-]+)\]/.exec(f.message)?.[1]);
    // The upper-case TLP 1.0 copy already fails the validator's exactness rule.
    expect(reasons).toEqual(['tlp-reserved-id', 'tlp-reserved-id', 'tlp-reserved-id', 'tlp-reserved-id', 'tlp1-exact']);
    expect(status.failures[0].message).toContain('published TLP:RED marking definition');
    const served = body(await server.get(`/api1/collections/${RW}/objects/${TLP2.red}/?match[version]=all`, 'carol'));
    expect(served.objects).toEqual([published()]);
  });
});

test('when a marking definition carries modified, then it must be a timestamp, and created stays its only version', async () => {
  const marking = (modified: unknown) => ({
    type: 'marking-definition',
    spec_version: '2.1',
    id: 'marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    created: '2026-01-01T00:00:00.000Z',
    modified,
    definition_type: 'statement',
    definition: { statement: 'Copyright Accord test' },
  });
  const bad = body(await server.post(`/api1/collections/${RW}/objects/`, envelope(marking('garbage'), marking(null), marking({}))));
  expect(bad.failures.map((f: { message: string }) => /\[([a-z-]+)\]/.exec(f.message)?.[1])).toEqual(['timestamp-format', 'null-value', 'timestamp-format']);
  const first = body(await server.post(`/api1/collections/${RW}/objects/`, envelope(marking('2030-01-01T00:00:00.000Z'))));
  const second = body(await server.post(`/api1/collections/${RW}/objects/`, envelope(marking('2031-01-01T00:00:00.000Z'))));
  expect([first.successes[0].version, second.successes[0].version]).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
  expect(second.successes[0].message).toContain('already present');
  const versions = body(await server.get(`/api1/collections/${RW}/objects/marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f/versions/`));
  expect(versions.versions).toEqual(['2026-01-01T00:00:00.000Z']);
});
