/** Graceful shutdown: in-flight requests finish, new connections are refused, the store is closed. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../../src/config/load';
import { startServer } from '../../src/server';
import { PASSWORD, RW, standardConfig, TAXII } from '../support/harness';
import { envelope, indicator } from '../support/stix';

test('when shutdown starts during a large POST, then the POST completes and the server then stops', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-shutdown-'));
  const doc = standardConfig(dir) as { seed: { partnerships: Array<Record<string, unknown>> }; server?: unknown };
  doc.seed.partnerships[0]!.max_content_length = 50_000_000;
  doc.server = { port: 0 };
  const running = await startServer(buildConfig(doc, 'test'));
  try {
    const auth = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
    const objects = Array.from({ length: 5000 }, () => indicator());
    // Shutdown starts once the server has the request in hand (a timer could fire before it arrives).
    const received = new Promise((resolve) => running.server.once('request', resolve));
    const posting = fetch(`${running.url}/api1/collections/${RW}/objects/`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': TAXII, Accept: TAXII },
      body: JSON.stringify(envelope(...objects)),
    });
    await received;
    const stopping = running.shutdown();
    const res = await posting;
    expect(res.status).toBe(202);
    expect(((await res.json()) as { success_count: number }).success_count).toBe(5000);
    await stopping;
    await expect(fetch(`${running.url}/_health`)).rejects.toThrow();
    await expect(running.runtime.store.ping()).rejects.toThrow();
  } finally {
    await running.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});
