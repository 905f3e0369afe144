/** What the TAXII use cases depend on, passed explicitly. */

import type { Principal } from '../identity/principal';
import type { Scope } from '../partnerships/scope';
import type { Store } from '../store/contract';
import type { MicroClock } from '../store/clock';
import type { CursorCodec } from './cursor';
import type { ObjectJudge } from './object-judge';
import type { PageSizes } from './query';

export interface TaxiiContext {
  /** What the caller may see and do, decided in src/partnerships. */
  scopeFor(principal: Principal): Scope;
  store: Store;
  cursors: CursorCodec;
  judge: ObjectJudge;
  sizes: PageSizes;
  /** The largest object Add Objects takes, in bytes of JSON text (docs/reliability.md#memory). */
  maxObjectSize: number;
  clock: MicroClock;
  /** How long a status resource is served after the request, in microseconds. */
  statusRetentionMicros: number;
  /** How long a large request works before others are answered (docs/reliability.md#responsiveness). */
  sliceMs: number;
  discovery: { title: string; description?: string; contact?: string; default?: string };
}
