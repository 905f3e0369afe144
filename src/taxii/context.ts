/** What the TAXII use cases depend on, passed explicitly. */

import type { Store } from '../store/contract';
import type { MicroClock } from '../store/clock';
import type { Catalog } from './catalog';
import type { CursorCodec } from './cursor';
import type { ObjectJudge } from './object-judge';
import type { PageSizes } from './query';

export interface TaxiiContext {
  catalog: Catalog;
  store: Store;
  cursors: CursorCodec;
  judge: ObjectJudge;
  sizes: PageSizes;
  clock: MicroClock;
  /** How long a status resource is served after the request, in microseconds. */
  statusRetentionMicros: number;
  discovery: { title: string; description?: string; contact?: string; default?: string };
}
