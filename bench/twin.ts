/**
 * The in-process twin of a scenario (issue 8, scope 3): the same work through
 * the TAXII use cases and the store contract, in the bench process, without
 * HTTP, Express, authentication or the audit trail. Accord-over-HTTP is reported
 * as a ratio of it, so a figure still means something on a noisy machine.
 */

import type { Principal } from '../src/identity/principal';
import { buildConfig } from '../src/config/load';
import { createLogger } from '../src/log/logger';
import { createRuntime, type Runtime } from '../src/runtime';
import { addObjects } from '../src/taxii/add-objects';
import { TAXII_MEDIA_TYPE } from '../src/taxii/media-types';
import { getManifest, getObject, getObjects, getVersions, type Listing } from '../src/taxii/read-objects';
import { CONSUMER_ORG, PAGE, PUBLISHER_ORG, ROOT, WARM, WARMUP_STREAM, warmUpOffset, type BenchEnv } from './harness';

export type ReadKind = 'objects' | 'manifest' | 'object' | 'versions';

export class Twin {
  private constructor(
    /** The whole runtime, for scenarios that drive more than the TAXII use cases (the retention sweep). */
    readonly runtime: Runtime,
    private readonly publisher: Principal,
    private readonly consumer: Principal,
  ) {}

  static async open(env: BenchEnv, dataDir: string): Promise<Twin> {
    const config = buildConfig(env.configDocument(dataDir), 'bench twin');
    const runtime = await createRuntime(config, { log: createLogger('error') });
    const principal = (organisationId: string, keyId: string): Principal => ({ organisationId, keyId, admin: false, scheme: 'bearer' });
    return new Twin(runtime, principal(PUBLISHER_ORG, env.keys.publisher.keyId), principal(CONSUMER_ORG, env.keys.consumer.keyId));
  }

  /** Add Objects as the route calls it, with a fresh scope per request and the body already in hand. */
  async post(root: string, collection: string, body: Buffer): Promise<Record<string, unknown>> {
    const ctx = this.runtime.ctx;
    return addObjects(ctx, {
      scope: ctx.scopeFor(this.publisher),
      rootPath: root,
      collection,
      contentType: TAXII_MEDIA_TYPE,
      receivedAt: ctx.clock(),
      readBody: async () => body,
    });
  }

  /** A read endpoint with the query string the HTTP client would send. */
  async read(kind: ReadKind, root: string, collection: string, query: string, objectId?: string): Promise<Listing> {
    const ctx = this.runtime.ctx;
    const request = { scope: ctx.scopeFor(this.consumer), rootPath: root, collection, params: new URLSearchParams(query) };
    switch (kind) {
      case 'objects':
        return getObjects(ctx, request);
      case 'manifest':
        return getManifest(ctx, request);
      case 'object':
        return getObject(ctx, { ...request, objectId: objectId! });
      case 'versions':
        return getVersions(ctx, { ...request, objectId: objectId! });
    }
  }

  /** The twin of the server's warm-up: the same requests, so both measure warm code. */
  async warmUp(env: BenchEnv): Promise<void> {
    const offset = warmUpOffset();
    for (let i = 0; i < 4; i++) await this.post(ROOT, WARM, Buffer.from(env.generator.envelope(WARMUP_STREAM, offset + i * PAGE, PAGE)));
    for (let i = 0; i < 20; i++) await this.post(ROOT, WARM, Buffer.from(env.generator.envelope(WARMUP_STREAM, offset + 5 * PAGE + i, 1)));
    for (let i = 0; i < 10; i++) await this.read('objects', ROOT, WARM, `limit=${PAGE}`);
  }

  close(): Promise<void> {
    return this.runtime.close();
  }
}

/** Why a twin Add Objects status is not a complete success, or null. */
export function twinStatusProblem(status: Record<string, unknown>, expectedCount: number): string | null {
  if (status['status'] === 'complete' && status['success_count'] === expectedCount && status['failure_count'] === 0) return null;
  return `status ${String(status['status'])}, ${String(status['success_count'])} successes, ${String(status['failure_count'])} failures: ${JSON.stringify(status['failures'] ?? []).slice(0, 300)}`;
}

/**
 * Time spent generating test data on the bench's own thread, subtracted from the
 * twin's wall time: in one thread, generation and twin work never overlap.
 */
export class GenerationClock {
  private nanos = 0n;

  time<T>(work: () => T): T {
    const start = process.hrtime.bigint();
    try {
      return work();
    } finally {
      this.nanos += process.hrtime.bigint() - start;
    }
  }

  get seconds(): number {
    return Number(this.nanos) / 1e9;
  }
}
