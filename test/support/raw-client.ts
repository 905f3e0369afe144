/**
 * An HTTP client that sends the path exactly as given (no URL parsing, so `..`,
 * `%2F` and bad percent-encodings reach the server as written), for the fuzzer.
 */

import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query, already percent-encoded where wanted. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class RawClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly port: number) {}

  send(req: RawRequest): Promise<RawResponse> {
    return new Promise((done, fail) => {
      const headers = req.body === undefined ? req.headers : { ...req.headers, 'Content-Length': String(req.body.length) };
      const outgoing = request({ host: '127.0.0.1', port: this.port, method: req.method, path: req.path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', fail);
      });
      outgoing.on('error', fail);
      outgoing.end(req.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
