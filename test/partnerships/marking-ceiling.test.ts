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
  await server.runtime.directory.updateCollection(RW, { markingCeiling: 'amber' });
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
  await server.runtime.directory.updateCollection(RW, { markingCeiling: null });
  const status = body(await server.post(`/api1/collections/${RW}/objects/`, envelope(indicator({ object_marking_refs: [TLP2.red] }))));
  expect(status.success_count).toBe(1);
});
