/** A minimal HTTPS client for tests that need client certificates (supertest cannot present one). */

import { Agent, request } from 'node:https';

export interface HttpsResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export class HttpsClient {
  private readonly agent: Agent;

  constructor(
    private readonly base: string,
    ca: string,
    client?: { cert: string; key: string },
  ) {
    this.agent = new Agent({ ca, keepAlive: true, maxSockets: 4, ...(client ?? {}) });
  }

  send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<HttpsResult> {
    return new Promise((resolve, reject) => {
      const req = request(`${this.base}${path}`, { method, agent: this.agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
