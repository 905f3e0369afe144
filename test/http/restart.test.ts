/** Durability: objects, date_added values, statuses and next tokens survive a restart on the same data directory. */

import { body, RW, startTestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';

test('when the server restarts, then objects, statuses and next tokens still work', async () => {
  let server = await startTestServer();
  try {
    const objects = Array.from({ length: 5 }, () => indicator());
    const status = body(await server.post(`/api1/collections/${RW}/objects/`, envelope(...objects)));
    const before = await server.get(`/api1/collections/${RW}/manifest/`);
    const page = body(await server.get(`/api1/collections/${RW}/objects/?limit=2`));

    server = await server.restart();

    expect(body(await server.get(`/api1/status/${status.id}/`))).toEqual(status);
    const after = await server.get(`/api1/collections/${RW}/manifest/`);
    expect(after.text).toBe(before.text);
    const rest = body(await server.get(`/api1/collections/${RW}/objects/?limit=10&next=${encodeURIComponent(page.next)}`));
    expect(rest.objects.map((o: { id: string }) => o.id)).toEqual(objects.slice(2).map((o) => o.id));

    const more = indicator();
    await server.post(`/api1/collections/${RW}/objects/`, envelope(more));
    const last = body(await server.get(`/api1/collections/${RW}/manifest/`)).objects.pop();
    expect(last.id).toBe(more.id);
    expect(last.date_added > before.headers['x-taxii-date-added-last']!).toBe(true);
  } finally {
    await server.close();
  }
});

test('when a status has expired, then it is 404', async () => {
  let now = Date.now() * 1000;
  const server = await startTestServer(undefined, { clock: () => now });
  try {
    const status = body(await server.post(`/api1/collections/${RW}/objects/`, envelope(indicator())));
    now += 167 * 3_600_000_000;
    expect((await server.get(`/api1/status/${status.id}/`)).status).toBe(200);
    now += 2 * 3_600_000_000;
    expect((await server.get(`/api1/status/${status.id}/`)).status).toBe(404);
  } finally {
    await server.close();
  }
});
