/**
 * The composition root: the one place that wires configuration, logging, the
 * store, the audit trail, the admin actions (seeding an empty store), the TAXII
 * context and the HTTP app. The server (server.ts) and the CLI both start here.
 */

import { randomBytes } from 'node:crypto';
import { AdminContext } from './admin/context';
import { ADMIN_ACTIONS } from './admin/index';
import { Admin } from './admin/perform';
import { seedIfEmpty } from './admin/seed';
import { AuditTrail } from './audit/audit-trail';
import type { Config } from './config/schema';
import { logTextOf } from './errors';
import { createApp } from './http/app';
import { Identifier } from './identity/identify';
import { LoginThrottle } from './identity/login-throttle';
import type { ScryptCost } from './identity/passwords';
import type { Principal } from './identity/principal';
import { createLogger, type Logger } from './log/logger';
import { refreshMembersCollection } from './partnerships/members-collection';
import { PARTNERSHIPS } from './partnerships/model';
import { Scope } from './partnerships/scope';
import { RetentionSweep } from './retention/sweep';
import { formatVerdictMessage } from './stix/messages';
import { formatMicros } from './stix/timestamp';
import { createValidator, type StixValidator } from './stix/validator';
import { nowMicros, type MicroClock } from './store/clock';
import type { Store } from './store/contract';
import { EntityTable } from './store/entity-table';
import { openStore } from './store/index';
import type { TaxiiContext } from './taxii/context';
import { CursorCodec } from './taxii/cursor';
import type { ObjectJudge } from './taxii/object-judge';
import { SLICE_MS } from './taxii/time-slice';

const HOUR_MICROS = 3_600_000_000;

export interface RuntimeOptions {
  clock?: MicroClock;
  log?: Logger;
  /** Milliseconds of a time slice (docs/reliability.md#responsiveness); 0 yields at every chance. */
  sliceMs?: number;
}

/** What the CLI's admin commands need: the store, the audit trail and the admin actions, the store seeded. */
export interface Core {
  config: Config;
  log: Logger;
  clock: MicroClock;
  store: Store;
  audit: AuditTrail;
  admin: Admin;
  retention: RetentionSweep;
  /** Writes the buffered audit entries and closes the store. */
  close(): Promise<void>;
}

export async function openCore(config: Config, options: RuntimeOptions = {}): Promise<Core> {
  const log = options.log ?? createLogger(config.log.level);
  const clock = options.clock ?? nowMicros;
  const store = await openStore(
    config.store,
    {
      damaged: (damage) => log.error('store damaged: changes are refused until it is restored (docs/reliability.md#damaged-stores)', { first_error: damage.firstError, since: damage.since }),
      checkFailed: (reason) => log.warn('store check at start could not run', { reason }),
    },
    clock,
  );
  const audit = new AuditTrail(store, clock, log);
  const retention = new RetentionSweep(store, audit, clock, config.retention.batch_size);
  const admin = new Admin(new AdminContext(store, audit, clock, config.taxii.max_content_length, retention, scryptCost(config)), ADMIN_ACTIONS);
  try {
    // Only a store that was never seeded takes the seed (docs/reliability.md#damaged-stores): an emptied one is refused before this.
    if (!(await store.origin()).seeded) {
      if (await seedIfEmpty(admin, config.seed)) log.info('store seeded from configuration');
      await store.markSeeded();
    }
    // A members collection holds every current member's identity, whatever happened while this instance was down.
    for (const partnership of await new EntityTable(store, PARTNERSHIPS).list()) {
      if (partnership.membersCollection) await refreshMembersCollection(store, partnership, formatMicros(clock()));
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    config,
    log,
    clock,
    store,
    audit,
    admin,
    retention,
    close: async () => {
      await audit.close();
      await store.close();
    },
  };
}

export interface Runtime extends Core {
  app: ReturnType<typeof createApp>;
  ctx: TaxiiContext;
}

/** Everything but the listener: tests drive `app` through supertest. */
export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const core = await openCore(config, options);
  const { store, clock, log, audit, admin, retention } = core;
  const secret = await store.getOrCreateSecret('cursor', () => randomBytes(32).toString('base64'));
  const today = () => formatMicros(clock()).slice(0, 10);
  const ctx: TaxiiContext = {
    scopeFor: (principal: Principal) => new Scope(store, principal, today(), config.validation.profile),
    store,
    cursors: new CursorCodec(secret),
    judge: createJudge(config.validation.advice),
    // The default page is capped at the maximum like any limit (docs/client-quirks.md#default-page-size).
    sizes: {
      defaultPageSize: Math.min(config.taxii.default_page_size, config.taxii.max_page_size),
      maxPageSize: config.taxii.max_page_size,
      pageBudgetBytes: config.taxii.page_budget_bytes,
    },
    maxObjectSize: config.taxii.max_object_size,
    clock,
    statusRetentionMicros: config.taxii.status_retention_hours * HOUR_MICROS,
    sliceMs: options.sliceMs ?? SLICE_MS,
    discovery: config.taxii.discovery,
  };
  const failed = config.auth.failed_logins;
  const app = createApp({
    ctx,
    log,
    identifier: new Identifier(store, () => clock() / 1000, scryptCost(config)),
    audit,
    admin,
    throttle: new LoginThrottle({ perSource: failed.per_source, perAccount: failed.per_account, windowMs: failed.window_seconds * 1000 }, () => clock() / 1000),
    apiKeyHeader: config.auth.api_key_header,
    ...(config.server.public_base_url !== undefined ? { publicBaseUrl: config.server.public_base_url.replace(/\/+$/, '') } : {}),
    trustProxy: config.server.trust_proxy,
    bodyRate: { minBytesPerSecond: config.server.body_min_bytes_per_second, windowSeconds: config.server.body_rate_window_seconds },
  });
  const purge = setInterval(() => {
    store.purgeStatuses(clock()).catch((error: unknown) => log.warn('status purge failed', { error: logTextOf(error) }));
    // Tombstones stay at least as long as status resources (docs/trust.md#tombstones).
    store.purgeTombstones(clock() - ctx.statusRetentionMicros).catch((error: unknown) => log.warn('tombstone purge failed', { error: logTextOf(error) }));
  }, HOUR_MICROS / 1000);
  purge.unref();
  const sweeping = startSweeps(retention, config.retention.sweep_interval_minutes, log);
  return {
    ...core,
    app,
    ctx,
    close: async () => {
      clearInterval(purge);
      await sweeping.stop();
      await core.close();
    },
  };
}

/** The cost of new password hashes (docs/reliability.md#login-throttling). */
function scryptCost(config: Config): ScryptCost {
  return { N: config.auth.scrypt.n, r: 8, p: config.auth.scrypt.p };
}

/** Runs the retention sweep every `minutes` (never when 0); a sweep still running when the next is due is not doubled. stop() waits for it. */
function startSweeps(retention: RetentionSweep, minutes: number, log: Logger): { stop(): Promise<void> } {
  if (minutes === 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  const sweep = async () => {
    try {
      const swept = await retention.run();
      if (swept.length > 0) log.info('retention sweep', { collections: swept.length, objects: swept.reduce((n, s) => n + s.objects, 0) });
    } catch (error) {
      log.warn('retention sweep failed', { error: logTextOf(error) });
    } finally {
      running = undefined;
    }
  };
  const timer = setInterval(() => {
    running ??= sweep();
  }, minutes * 60_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

let compiled: StixValidator | undefined;

/** The STIX validator, compiled once per process, as the TAXII layer's judge of posted objects. */
function createJudge(advice: boolean): ObjectJudge {
  const validator = (compiled ??= createValidator());
  return {
    session: (profile) => {
      const session = validator.session({ profile, advice });
      return {
        judge: (obj, index) => {
          const verdict = session.validate(obj, index);
          const message = formatVerdictMessage(verdict);
          return message === undefined ? { accepted: verdict.accepted } : { accepted: verdict.accepted, message };
        },
      };
    },
  };
}
