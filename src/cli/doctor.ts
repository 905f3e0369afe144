/**
 * `accord doctor URL`: checks a running TAXII server the way a new client would
 * (discovery, API root, collections, one page and its resume, a status) and
 * prints what a client would trip over, with the client that would trip.
 * Exit 0 when nothing fails (warnings allowed), 1 otherwise.
 */

import { randomUUID } from 'node:crypto';

const TAXII21 = 'application/taxii+json;version=2.1';
const TAXII20_STIX = 'application/vnd.oasis.stix+json; version=2.0';

export interface DoctorOptions {
  user?: string;
  password?: string;
  token?: string;
}

type Level = 'ok' | 'warn' | 'fail';

interface Reply {
  status: number;
  type: string;
  headers: Headers;
  json: Record<string, unknown> | null;
}

export class Doctor {
  private fails = 0;
  private warns = 0;

  constructor(
    private readonly options: DoctorOptions,
    private readonly print: (line: string) => void,
  ) {}

  /** Returns the exit code. */
  async run(url: string): Promise<number> {
    const discoveryUrl = /\/taxii2?\/?$/.test(url) ? url.replace(/\/?$/, '/') : `${url.replace(/\/+$/, '')}/taxii2/`;
    this.print(`Checking ${discoveryUrl} as a TAXII 2.1 client would`);
    const discovery = await this.get(discoveryUrl);
    if (!this.checkTaxii(discovery, 'discovery', 200)) return this.finish();
    this.expect(typeof discovery.json?.title === 'string', 'discovery has a title', 'discovery has no title: taxii2-client raises ValidationError');
    const roots = Array.isArray(discovery.json?.api_roots) ? (discovery.json!.api_roots as unknown[]).filter((r): r is string => typeof r === 'string') : [];
    if (roots.length === 0) {
      this.note('fail', 'discovery lists no API root for these credentials: check memberships');
      return this.finish();
    }
    for (const root of roots) {
      this.expect(/^https?:\/\/[^/]+\/.+\/$/.test(root), `API root ${root} is absolute and ends with /`, `API root ${root} should be an absolute URL ending in / (FortiSOAR uses api_roots[0] verbatim)`);
    }
    if (discovery.json?.default !== undefined) {
      this.expect(roots.includes(discovery.json.default as string), 'default is one of api_roots', 'default is not one of api_roots (XSOAR follows default)');
    }
    for (const accept of ['*/*', 'application/taxii+json']) {
      const lenient = await this.get(discoveryUrl, accept);
      this.expect(lenient.status === 200, `Accept: ${accept} is served`, `Accept: ${accept} gets ${lenient.status} (OpenCTI and FortiSOAR send it)`, 'warn');
    }
    for (const root of roots) await this.checkRoot(root);
    return this.finish();
  }

  private async checkRoot(root: string): Promise<void> {
    this.print(`API root ${root}`);
    const info = await this.get(root);
    if (!this.checkTaxii(info, 'API root', 200)) return;
    const versions = info.json?.versions;
    this.expect(Array.isArray(versions) && versions.includes(TAXII21), 'versions lists TAXII 2.1', `versions must list ${TAXII21}`);
    this.expect(Number.isInteger(info.json?.max_content_length), `max_content_length ${String(info.json?.max_content_length)}`, 'max_content_length is missing or not an integer (MISP sizes its envelopes with it)');
    const list = await this.get(`${root}collections/`);
    if (!this.checkTaxii(list, 'collections', 200)) return;
    const collections = (Array.isArray(list.json?.collections) ? list.json!.collections : []) as Array<Record<string, unknown>>;
    const titles = new Set<string>();
    for (const c of collections) {
      const complete = typeof c.id === 'string' && typeof c.title === 'string' && typeof c.can_read === 'boolean' && typeof c.can_write === 'boolean';
      this.expect(complete, `collection ${String(c.id)} "${String(c.title)}" (read ${String(c.can_read)}, write ${String(c.can_write)})`, `collection ${String(c.id)} lacks id, title, can_read or can_write: taxii2-client rejects the whole list`);
      if (typeof c.title === 'string') {
        if (titles.has(c.title)) this.note('warn', `two collections are titled "${c.title}": XSOAR and OpenCTI select collections by title`);
        if (c.title.includes('.')) this.note('warn', `"${c.title}" contains '.': the OpenCTI taxii2 connector cannot name it`);
        titles.add(c.title);
      }
      if (c.can_read === false) this.note('warn', `collection "${String(c.title)}" is write-only: XSOAR's all-collections mode fails on it`);
    }
    const readable = collections.find((c) => c.can_read === true);
    if (readable) await this.checkPaging(`${root}collections/${String(readable.id)}/`);
    const status = await this.get(`${root}status/${randomUUID()}/`);
    this.expect(
      status.status === 404 && status.type === TAXII21 && typeof status.json?.http_status === 'string',
      'an unknown status is a 404 TAXII error resource',
      `an unknown status answered ${status.status} ${status.type}: clients expect a TAXII error resource`,
    );
  }

  private async checkPaging(collection: string): Promise<void> {
    const page = await this.get(`${collection}objects/?limit=1`);
    if (!this.checkTaxii(page, 'one page of objects', 200)) return;
    const objects = page.json?.objects;
    if (!Array.isArray(objects) || objects.length === 0) {
      this.note('ok', 'the collection is empty; paging not checked');
      return;
    }
    const last = page.headers.get('x-taxii-date-added-last');
    this.expect(last !== null && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(last), `X-TAXII-Date-Added-Last ${String(last)}`, 'no RFC 3339 X-TAXII-Date-Added-Last on a non-empty page: Sentinel, Elastic and OpenCTI resume from it');
    if (page.json?.more === true) {
      this.expect(typeof page.json.next === 'string' && page.json.next !== '', 'more comes with next', 'more is true without next: taxii2-client loops for ever');
      if (typeof page.json.next === 'string') {
        const alone = await this.get(`${collection}objects/?next=${encodeURIComponent(page.json.next)}`);
        this.expect(alone.status === 200, 'next works alone, without limit (Elastic ≤1.8.1, OpenCTI)', `next alone answered ${alone.status}`);
      }
    }
    if (last !== null) {
      const resumed = await this.get(`${collection}objects/?added_after=${encodeURIComponent(last)}&limit=1`);
      const ids = Array.isArray(resumed.json?.objects) ? (resumed.json!.objects as Array<{ id?: string }>).map((o) => o.id) : [];
      this.expect(resumed.status === 200 && !ids.includes((objects[0] as { id?: string }).id), 'the header resumes as added_after without repeating', `resuming from the header answered ${resumed.status} or repeated the object`);
    }
    const legacy = await this.get(`${collection}objects/`, TAXII20_STIX);
    this.expect([200, 206].includes(legacy.status) && Array.isArray(legacy.json?.objects), 'TAXII 2.0 clients (FortiGate, QRadar) get a bundle', `a TAXII 2.0 Accept answered ${legacy.status}`, 'warn');
  }

  private checkTaxii(reply: Reply, what: string, status: number): boolean {
    if (reply.status !== status) {
      this.note('fail', `${what}: HTTP ${reply.status}${reply.json?.description ? ` (${String(reply.json.description)})` : ''}`);
      return false;
    }
    // taxii2-client compares the tokens of its Accept with the Content-Type.
    this.expect(reply.type.replace(/\s/g, '') === TAXII21, `${what}: ${status}, ${reply.type}`, `${what}: Content-Type ${reply.type} is not exactly ${TAXII21}`);
    return reply.json !== null;
  }

  private expect(ok: boolean, good: string, bad: string, level: Level = 'fail'): void {
    this.note(ok ? 'ok' : level, ok ? good : bad);
  }

  private note(level: Level, text: string): void {
    if (level === 'fail') this.fails++;
    if (level === 'warn') this.warns++;
    this.print(`  ${level === 'ok' ? 'ok  ' : level === 'warn' ? 'WARN' : 'FAIL'} ${text}`);
  }

  private finish(): number {
    this.print(`${this.fails} failed, ${this.warns} warnings`);
    return this.fails > 0 ? 1 : 0;
  }

  private async get(url: string, accept = TAXII21): Promise<Reply> {
    const headers: Record<string, string> = { Accept: accept, 'User-Agent': 'accord-doctor' };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    else if (this.options.user !== undefined) headers.Authorization = `Basic ${Buffer.from(`${this.options.user}:${this.options.password ?? ''}`).toString('base64')}`;
    try {
      const res = await fetch(url, { headers, redirect: 'manual' });
      const text = await res.text();
      let json: Record<string, unknown> | null = null;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = null;
      }
      return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, json };
    } catch (error) {
      return { status: 0, type: '', headers: new Headers(), json: { description: (error as Error).message } };
    }
  }
}
