/** STIX validation on ingest: per-object verdicts in the status, profiles per collection, nothing lost beside a bad object. */

import { body, RW, SECOND, startTestServer, type TestServer } from '../support/harness';
import { envelope, indicator, ipv4, malware } from '../support/stix';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.operate('collections.update', { partnership: 'api1', collectionId: SECOND, validation_profile: 'strict' });
});
afterAll(async () => server.close());

const objectsOf = (coll: string) => `/api1/collections/${coll}/objects/`;

test('when an envelope mixes valid and invalid STIX, then exactly the valid objects are stored and each invalid one is reported with its rule and pointer', async () => {
  const valid = [indicator(), malware(), ipv4('192.0.2.55'), { type: 'x-acme-widget', spec_version: '2.1', id: 'x-acme-widget--2b5e2d8e-0c43-4f0a-9a67-2f5e4f2c8d01', created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', x_acme_size: 3 }];
  const invalid = [
    [indicator({ pattern: "[ipv4-addr:value = '10.0.0.1'" }), 'pattern-syntax', '/pattern'],
    [indicator({ valid_from: '2026-02-01T00:00:00Z', valid_until: '2026-01-01T00:00:00Z' }), 'valid-until-after-valid-from', '/valid_until'],
    [malware({ created_by_ref: 'malware--2b5e2d8e-0c43-4f0a-9a67-2f5e4f2c8d01' }), 'ref-target-type', '/created_by_ref'],
    [malware({ modified: '2025-01-01T00:00:00.000Z' }), 'modified-not-before-created', '/modified'],
    [malware({ confidence: 101 }), 'confidence-range', '/confidence'],
  ] as const;
  const mixed = [valid[0], invalid[0][0], valid[1], invalid[1][0], invalid[2][0], valid[2], invalid[3][0], valid[3], invalid[4][0]];
  const status = body(await server.post(objectsOf(RW), envelope(...mixed)));
  expect(status.successes.map((s: { id: string }) => s.id)).toEqual(valid.map((o) => o.id));
  expect(status.failures).toHaveLength(invalid.length);
  invalid.forEach(([obj, rule, pointer], i) => {
    expect(status.failures[i].id).toBe(obj.id);
    expect(status.failures[i].message).toContain(`[${rule}] ${pointer}:`);
  });
  const stored = body(await server.get(`${objectsOf(RW)}?match[version]=all&limit=1000`)).objects.map((o: { id: string }) => o.id);
  for (const o of valid) expect(stored).toContain(o.id);
  for (const [o] of invalid) expect(stored).not.toContain(o.id);
});

test('when an object breaks only a SHOULD rule, then a standard collection stores it with a warning and a strict one refuses it', async () => {
  const obj = indicator({ kill_chain_phases: [{ kill_chain_name: 'Lockheed Martin', phase_name: 'recon' }] });
  const standard = body(await server.post(objectsOf(RW), envelope(obj)));
  expect(standard.success_count).toBe(1);
  expect(standard.successes[0].message).toMatch(/^1 warning: \[kill-chain-phase-format\]/);
  const strict = body(await server.post(objectsOf(SECOND), envelope(obj)));
  expect(strict.failure_count).toBe(1);
  expect(strict.failures[0].message).toMatch(/^1 error: \[kill-chain-phase-format\]/);
});

test('when a STIX 2.0 object (no spec_version) is posted, then it is refused by name', async () => {
  const old = indicator();
  delete old.spec_version;
  const status = body(await server.post(objectsOf(RW), envelope(old)));
  expect(status.failures[0].message).toContain('[spec-version-required]');
});

test('when a bundle is posted as the envelope, then its objects are validated on the same path', async () => {
  const status = body(
    await server
      .raw()
      .post(objectsOf(RW))
      .auth('alice', 'accord-demo')
      .set('Content-Type', 'application/stix+json;version=2.1')
      .send(JSON.stringify({ type: 'bundle', id: 'bundle--0a7f0a1c-9c1d-4f0b-8b51-1f6b0f0e7a11', spec_version: '2.1', objects: [indicator(), { type: 'bundle', id: 'bundle--0a7f0a1c-9c1d-4f0b-8b51-1f6b0f0e7a12' }] })),
  );
  expect(status.success_count).toBe(1);
  expect(status.failures[0].message).toContain('[bundle-in-envelope]');
});
