/**
 * A plain keep-alive TAXII client for the benchmarks (node:http, no dependency),
 * loopback only. Each request has a hard total timeout; bodies are read as raw
 * bytes and only the envelope's head is looked at, so the client stays cheap
 * next to the server on a two-core machine.
 */

import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export const TAXII = 'application/taxii+json;version=2.1';
const JSON_MEDIA_TYPE = 'application/json';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** From sending the request to the last byte of the body. */
  ms: number;
}

export class TaxiiClient {
  private readonly agent: Agent;

  /** `authorization` is the header's whole value: `Bearer <token>` or `Basic <base64>`. */
  constructor(
    private readonly port: number,
    private readonly authorization: string,
    sockets: number,
    private readonly timeoutMs = 10_000,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  /** `headers` are added to (or replace) Authorization and Accept, e.g. a TAXII 2.0 Accept and a Range. */
  get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.send('GET', path, undefined, TAXII, headers);
  }

  post(path: string, body: Buffer): Promise<Reply> {
    return this.send('POST', path, body);
  }

  /** An admin API call: a JSON body (if any) and a JSON answer. */
  json(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<Reply> {
    return this.send(method, path, body === undefined ? undefined : Buffer.from(JSON.stringify(body)), JSON_MEDIA_TYPE);
  }

  /**
   * Opens `count` pooled connections before a timed phase. A saturated Node server
   * accepts one connection per event-loop turn, so connections opened under load
   * wait (see the fresh-connection probe); the phases measure established ones.
   */
  async connect(count: number): Promise<void> {
    const replies = await Promise.all(Array.from({ length: count }, () => this.get('/_health')));
    const bad = replies.find((r) => r.status !== 200);
    if (bad) throw new Error(`/_health answered ${bad.status}`);
  }

  /** Closes the pooled connections (a new client per phase avoids reusing a socket the server timed out). */
  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, body?: Buffer, mediaType = TAXII, extra: Record<string, string> = {}): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const headers: Record<string, string | number> = { Authorization: this.authorization, Accept: mediaType, ...extra };
      if (body) {
        headers['Content-Type'] = mediaType;
        headers['Content-Length'] = body.length;
      }
      let timer: NodeJS.Timeout | undefined;
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      const req = request({ host: '127.0.0.1', port: this.port, method, path, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: Number(process.hrtime.bigint() - started) / 1e6 });
        });
      });
      timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      req.on('error', fail);
      req.end(body);
    });
  }
}

export interface EnvelopeHead {
  more: boolean;
  next?: string;
  /** Objects (or manifest records) in the page. */
  count: number;
}

const HEAD = /^\{"more":(true|false)(?:,"next":("(?:[^"\\]|\\.)*"))?/;
const OBJECT_START = Buffer.from('{"type":"');
const MANIFEST_START = Buffer.from('{"id":"');

/**
 * Reads `more`, `next` and the item count of a page without parsing it: Accord
 * writes the head first, and every generated object starts with `"type"` (the
 * server returns the posted text byte for byte). `{}` is the empty page.
 */
export function readHead(body: Buffer | string, kind: 'objects' | 'manifest' = 'objects'): EnvelopeHead {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const headText = bytes.subarray(0, 2048).toString('utf8');
  if (headText === '{}' || headText.startsWith('{"more":false,"objects":[]')) return { more: false, count: 0 };
  const m = HEAD.exec(headText);
  if (!m) return fullyParsed(bytes);
  const needle = kind === 'objects' ? OBJECT_START : MANIFEST_START;
  let count = 0;
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + needle.length)) count++;
  const head: EnvelopeHead = { more: m[1] === 'true', count };
  if (m[2] !== undefined) head.next = JSON.parse(m[2]) as string;
  return head;
}

/** The slow, certain reading, for checks and for bodies not in Accord's layout. */
export function fullyParsed(bytes: Buffer): EnvelopeHead {
  const parsed = JSON.parse(bytes.toString('utf8')) as { more?: boolean; next?: string; objects?: unknown[] };
  const head: EnvelopeHead = { more: parsed.more === true, count: (parsed.objects ?? []).length };
  if (typeof parsed.next === 'string') head.next = parsed.next;
  return head;
}

export function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
