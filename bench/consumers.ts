/**
 * Polling consumers, as SIEMs do it: page with `limit=1000` and `next`, and every
 * few pages resume from scratch with `added_after` set to the last page's
 * X-TAXII-Date-Added-Last. The same loop drives the server over HTTP and the
 * in-process twin, through a PageReader.
 */

import { fullyParsed, headerText, readHead, type TaxiiClient } from './http-client';
import { collectionPath, PAGE } from './harness';
import type { Twin } from './twin';

export interface PageResult {
  count: number;
  more: boolean;
  next?: string;
  /** X-TAXII-Date-Added-Last. */
  last?: string;
  ms: number;
}

/** Reads one page; throws on anything but a good page. */
export type PageReader = (query: string) => Promise<PageResult>;

export function httpReader(client: TaxiiClient, root: string, collection: string): PageReader {
  let checked = false;
  return async (query) => {
    const reply = await client.get(`${collectionPath(root, collection)}?${query}`);
    if (reply.status !== 200) throw new Error(`HTTP ${reply.status} for ?${query.slice(0, 120)}: ${reply.body.subarray(0, 200).toString('utf8')}`);
    const head = readHead(reply.body);
    if (!checked) {
      // Once per reader: the quick count must agree with a real parse.
      checked = true;
      const parsed = fullyParsed(reply.body);
      if (parsed.count !== head.count || parsed.more !== head.more || parsed.next !== head.next) {
        throw new Error(`page head read as ${JSON.stringify(head)} but parsed as ${JSON.stringify(parsed)}`);
      }
    }
    const last = headerText(reply.headers, 'x-taxii-date-added-last');
    if (head.count > 0 && last === undefined) throw new Error('a non-empty page without X-TAXII-Date-Added-Last');
    const result: PageResult = { count: head.count, more: head.more, ms: reply.ms };
    if (head.next !== undefined) result.next = head.next;
    if (last !== undefined) result.last = last;
    return result;
  };
}

const TEXT_HEAD = /^\{"more":(true|false)(?:,"next":("(?:[^"\\]|\\.)*"))?/;

export function twinReader(twin: Twin, root: string, collection: string): PageReader {
  return async (query) => {
    const started = process.hrtime.bigint();
    const listing = await twin.read('objects', root, collection, query);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const m = TEXT_HEAD.exec(listing.body[0]!.slice(0, 2048));
    const result: PageResult = { count: listing.count, more: m?.[1] === 'true', ms };
    if (m?.[2] !== undefined) result.next = JSON.parse(m[2]) as string;
    if (listing.dateAddedLast !== undefined) result.last = listing.dateAddedLast;
    return result;
  };
}

export class PollStats {
  objects = 0;
  pages = 0;
  errors = 0;
  readonly problems: string[] = [];
  readonly latencies: number[] = [];

  error(message: string): void {
    this.errors++;
    if (this.problems.length < 5) this.problems.push(message);
  }
}

export interface Session {
  /** Page index (of the whole collection) to start reading at. */
  page: number;
  /** Pages to read before the next session (also ends at the end of the collection). */
  pages: number;
}

export interface ConsumerPlan {
  read: PageReader;
  /** `added_after` that starts page `page`, undefined for the first page. */
  afterPage: (page: number) => string | undefined;
  nextSession: () => Session;
  /** Resume with added_after instead of next after this many pages. */
  resumeEvery: number;
  /** process.hrtime.bigint() value to stop at. */
  deadline: bigint;
  stats: PollStats;
  /** Called after each page with the objects it held (for rates per time window). */
  onPage?: (count: number) => void;
}

/** One consumer until the deadline. */
export async function consume(plan: ConsumerPlan): Promise<void> {
  const base = `limit=${PAGE}`;
  while (process.hrtime.bigint() < plan.deadline) {
    const session = plan.nextSession();
    const after = plan.afterPage(session.page);
    let query = after === undefined ? base : `${base}&added_after=${after}`;
    for (let n = 0; n < session.pages && process.hrtime.bigint() < plan.deadline; n++) {
      let page: PageResult;
      try {
        page = await plan.read(query);
      } catch (error) {
        plan.stats.error((error as Error).message);
        break;
      }
      plan.stats.pages++;
      plan.stats.objects += page.count;
      plan.stats.latencies.push(page.ms);
      plan.onPage?.(page.count);
      if (!page.more) break;
      if ((n + 1) % plan.resumeEvery === 0 || page.next === undefined) {
        if (page.last === undefined) {
          plan.stats.error('cannot resume: no X-TAXII-Date-Added-Last');
          break;
        }
        query = `${base}&added_after=${page.last}`;
      } else {
        query = `${base}&next=${encodeURIComponent(page.next)}`;
      }
    }
  }
}
