/**
 * `next` tokens (TAXII 2.1 §3.4, §3.7): a stateless keyset cursor. It holds the
 * position (the `date_added` of the last item served) and the filters of the
 * request that produced it, signed with an HMAC so it cannot be forged or moved
 * to another collection. It never expires and needs no server memory, so it works
 * on any instance, hours later, and sent alone (docs/client-quirks.md#next-reuse).
 */

import { createHmac, timingSafeEqual } from 'node:crypto';

/** The TAXII listings, and Accord's tombstone feed (docs/trust.md#tombstones). */
export type ListingEndpoint = 'objects' | 'manifest' | 'object' | 'versions' | 'tombstones';

export interface CursorPayload<F extends object = object> {
  collectionId: string;
  endpoint: ListingEndpoint;
  objectId?: string;
  /** `date_added` (µs) of the last item already served. */
  position: number;
  /** The filters of the request, as query.ts states them; signed with the rest, never read here. */
  filters: F;
}

interface WirePayload {
  v: 1;
  c: string;
  e: ListingEndpoint;
  o?: string;
  p: number;
  f: object;
}

const MAC_BYTES = 16;

export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode(payload: CursorPayload): string {
    const wire: WirePayload = { v: 1, c: payload.collectionId, e: payload.endpoint, p: payload.position, f: payload.filters };
    if (payload.objectId !== undefined) wire.o = payload.objectId;
    const body = Buffer.from(JSON.stringify(wire)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /**
   * The payload, or null when the token is malformed or its signature does not
   * match. Its filters are of the type this server encoded: the signature vouches.
   */
  decode<F extends object>(token: string): CursorPayload<F> | null {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 64 * 1024) return null;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let wire: unknown;
    try {
      wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (!isWirePayload(wire)) return null;
    return {
      collectionId: wire.c,
      endpoint: wire.e,
      ...(wire.o !== undefined ? { objectId: wire.o } : {}),
      position: wire.p,
      filters: wire.f as F,
    };
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(`accord-next:${body}`).digest().subarray(0, MAC_BYTES);
  }
}

function isWirePayload(value: unknown): value is WirePayload {
  if (typeof value !== 'object' || value === null) return false;
  const w = value as Record<string, unknown>;
  return (
    w.v === 1 &&
    typeof w.c === 'string' &&
    typeof w.e === 'string' &&
    (w.o === undefined || typeof w.o === 'string') &&
    typeof w.p === 'number' &&
    Number.isSafeInteger(w.p) &&
    typeof w.f === 'object' &&
    w.f !== null
  );
}
