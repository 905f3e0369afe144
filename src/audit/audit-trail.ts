/**
 * The audit trail: who did what, where, with how many objects. Entries are
 * buffered briefly and written in one store call, so that auditing every read
 * does not cost a durable commit per request; `flush` runs at shutdown. An entry
 * never holds a credential or object content.
 */

import { isLocalOperator, type Actor } from '../identity/principal';
import type { Logger } from '../log/logger';
import { formatMicros } from '../stix/timestamp';
import type { MicroClock } from '../store/clock';
import type { AuditEntry, Store } from '../store/contract';

const FLUSH_DELAY_MS = 50;
const MAX_BUFFER = 1000;

export type AuditEvent = Omit<AuditEntry, 'time' | 'organisation' | 'user' | 'keyId'>;

export class AuditTrail {
  private buffer: AuditEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly clock: MicroClock,
    private readonly log: Logger,
  ) {}

  /** Records an event by a principal, or by the local operator (`cli` or `seed` as the user). */
  record(actor: Actor, event: AuditEvent): void {
    const entry: AuditEntry = { time: formatMicros(this.clock()), ...clip(event) };
    if (isLocalOperator(actor)) entry.user = actor;
    else {
      entry.organisation = actor.organisationId;
      if (actor.username !== undefined) entry.user = actor.username;
      if (actor.keyId !== undefined) entry.keyId = actor.keyId;
      if (actor.certificate !== undefined) entry.detail = [event.detail, `certificate ${actor.certificate.slice(0, 16)}`].filter(Boolean).join('; ');
    }
    this.buffer.push(entry);
    if (this.buffer.length >= MAX_BUFFER) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  /** Writes everything buffered; resolves when it is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(() =>
        this.store.appendAudit(batch).catch((error: unknown) => {
          this.log.error('audit write failed', { error: String(error), entries: batch.length });
        }),
      );
    }
    return this.writing;
  }
}

/** Request-supplied names (partnership, collection) are kept short. */
function clip(event: AuditEvent): AuditEvent {
  const out = { ...event };
  if (out.partnership !== undefined) out.partnership = out.partnership.slice(0, 64);
  if (out.collection !== undefined) out.collection = out.collection.slice(0, 64);
  if (out.detail !== undefined) out.detail = out.detail.slice(0, 500);
  return out;
}
