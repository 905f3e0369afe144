/**
 * Shared set-up for replaying real clients' request sequences (docs/client-quirks.md#clients):
 * a server, credentials of every kind for one publishing organisation, and a
 * writer that keeps adding objects while a client polls, so that each test can
 * check that nothing is missed or repeated.
 */

import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { body, RW, standardConfig, startTestServer, TAXII, type TestServer } from '../support/harness';
import { envelope, indicator } from '../support/stix';

export const COLLECTION = `/api1/collections/${RW}`;

export interface ReplayServer {
  server: TestServer;
  app: () => ReturnType<typeof request>;
  token: string;
  keyId: string;
  /** Adds `n` indicators now; returns their ids in order. */
  publish(n: number): Promise<string[]>;
  /** Every id ever published, in date_added order. */
  published: string[];
  close(): Promise<void>;
}

export async function replayServer(options: { alwaysListObjects?: boolean; defaultPageSize?: number; maxPageSize?: number } = {}): Promise<ReplayServer> {
  const server = await startTestServer((dir) =>
    standardConfig(dir, {
      taxii: { discovery: { title: 'Replay', default: 'api1' }, default_page_size: options.defaultPageSize ?? 1000, max_page_size: options.maxPageSize ?? 1000 },
      auth: { failed_logins: { per_source: 100000, per_account: 100000 } },
    }),
  );
  if (options.alwaysListObjects) await server.operate('partnerships.update', { partnership: 'api1', always_list_objects: true });
  const { token, key } = await server.operate('keys.issue', { org: 'alpha', label: 'replay' });
  const published: string[] = [];
  return {
    server,
    app: () => server.raw(),
    token,
    keyId: key.id,
    published,
    async publish(n: number) {
      const objects = Array.from({ length: n }, () => indicator());
      const res = await server.post(`${COLLECTION}/objects/`, envelope(...objects));
      if (res.status !== 202 || body(res).success_count !== n) throw new Error(`publish failed: ${res.status} ${res.text}`);
      const ids = objects.map((o) => o.id as string);
      published.push(...ids);
      return ids;
    },
    close: () => server.close(),
  };
}

/** Asserts that a client's collected ids are every published id exactly once, in order. */
export function expectExactlyOnce(seen: string[], published: string[]): void {
  const counts = new Map<string, number>();
  for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const missing = published.filter((id) => !counts.has(id));
  expect({ repeated, missing }).toEqual({ repeated: [], missing: [] });
  expect(seen).toEqual(published);
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function json(res: { text: string }): Record<string, any> {
  return res.text === '' ? {} : JSON.parse(res.text);
}

export { TAXII, randomUUID };
