/** A test server's configuration with one moderated collection (docs/taxii.md#moderated-collections). */

import { standardConfig } from './harness';

export const REVIEWED = '55555555-5555-4555-8555-555555555555';

/** The standard partnerships, api1 with one more collection, "reviewed", moderated. */
export function moderatedConfig(dataDir: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const config = standardConfig(dataDir, overrides) as { seed: { partnerships: Array<{ collections: unknown[] }> } };
  config.seed.partnerships[0]!.collections.push({ id: REVIEWED, alias: 'reviewed', title: 'Reviewed', moderated: true });
  return config;
}
