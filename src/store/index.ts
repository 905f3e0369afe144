/** Opens the configured backend; the only module that imports a backend. */

import { join } from 'node:path';
import { ConfigError } from '../errors';
import type { MicroClock } from './clock';
import type { Store } from './contract';
// Types and plain values only: importing it does not load the MongoDB driver.
import { DEFAULT_MONGO_LIMITS, type MongoLimits } from './mongodb/client-settings';
import { DamageGuard, type DamageEvents } from './damage-guard';
import { checkStoreFile, openInDataDir, type CheckReport } from './sqlite/data-dir';
import type { IntegrityDepth } from './sqlite/integrity';
import { SqliteStore } from './sqlite/sqlite-store';

/** The `store` section of the configuration. */
export interface StoreSettings {
  backend: 'sqlite' | 'mongodb';
  data_dir: string;
  sqlite: { file: string; synchronous: 'FULL' | 'NORMAL'; cache_mb: number; check_on_start: IntegrityDepth | 'off'; check_wait_seconds: number };
  mongodb: MongoSettings;
}

/** The `store.mongodb` section; a bound left out takes its default (docs/deployment.md#errors-timeouts-and-bounds). */
export interface MongoSettings {
  uri?: string;
  database: string;
  server_selection_timeout_seconds?: number;
  connect_timeout_seconds?: number;
  socket_timeout_seconds?: number;
  max_pool_size?: number;
  write_concern_timeout_seconds?: number;
  commit_timeout_seconds?: number;
  transaction_timeout_seconds?: number;
  health_timeout_seconds?: number;
  max_queued_writes?: number;
}

/**
 * Opens the configured store, read-only from the first sign of damage
 * (docs/reliability.md#damaged-stores); a SQLite store whose data directory says
 * it held another, or whose start-up check finds damage in time, is refused.
 */
export async function openStore(settings: StoreSettings, events: DamageEvents, clock?: MicroClock): Promise<Store> {
  switch (settings.backend) {
    case 'sqlite': {
      const opened = await openInDataDir(
        {
          path: sqlitePathOf(settings),
          synchronous: settings.sqlite.synchronous,
          cacheMegabytes: settings.sqlite.cache_mb,
          ...(clock ? { clock } : {}),
        },
        { depth: settings.sqlite.check_on_start, waitMs: settings.sqlite.check_wait_seconds * 1000 },
      );
      return new DamageGuard(opened.store, events, opened.check);
    }
    case 'mongodb':
      if (settings.mongodb.uri === undefined) {
        throw new ConfigError(['store.mongodb.uri: required when store.backend is mongodb (or set MONGODB_URI)']);
      }
      return new DamageGuard(await openMongo(settings.mongodb.uri, settings.mongodb.database, clock, mongoLimitsOf(settings.mongodb)), events);
  }
}

/** The configured SQLite file. */
export function sqlitePathOf(settings: StoreSettings): string {
  return join(settings.data_dir, settings.sqlite.file);
}

/** `accord store check`: a SQLite file and its marker, checked without changing either. */
export async function checkSqliteStore(path: string, depth: IntegrityDepth): Promise<CheckReport> {
  return checkStoreFile(path, depth);
}

/** Where a store lives, as `accord store copy` names it. */
export type StoreLocation = { backend: 'sqlite'; path: string } | { backend: 'mongodb'; uri: string; database: string };

export const DEFAULT_MONGODB_DATABASE = 'accord';

/**
 * Parses `sqlite:PATH`, `mongodb:URI` or `mongodb:URI#database` (a bare
 * `mongodb://…` or `mongodb+srv://…` URI is accepted too); the database
 * defaults to `accord`. Null when the text is none of these.
 */
export function parseStoreLocation(text: string): StoreLocation | null {
  if (text.startsWith('sqlite:')) {
    const path = text.slice('sqlite:'.length);
    return path === '' ? null : { backend: 'sqlite', path };
  }
  let uri: string;
  if (/^mongodb(\+srv)?:\/\//.test(text)) uri = text;
  else if (text.startsWith('mongodb:')) uri = text.slice('mongodb:'.length);
  else return null;
  // A URI's fragment is never sent to the server, so `#` cannot be part of a valid connection string.
  const hash = uri.lastIndexOf('#');
  const database = hash >= 0 ? uri.slice(hash + 1) : DEFAULT_MONGODB_DATABASE;
  if (hash >= 0) uri = uri.slice(0, hash);
  if (!/^mongodb(\+srv)?:\/\/./.test(uri) || database === '') return null;
  return { backend: 'mongodb', uri, database };
}

/** Opens a store at an explicit location (no configuration file). */
export async function openStoreAt(location: StoreLocation): Promise<Store> {
  return location.backend === 'sqlite' ? SqliteStore.open({ path: location.path }) : openMongo(location.uri, location.database);
}

/** A location as text without credentials, for messages. */
export function describeStoreLocation(location: StoreLocation): string {
  if (location.backend === 'sqlite') return `sqlite:${location.path}`;
  return `mongodb:${location.uri.replace(/\/\/[^@/]*@/, '//***@')}#${location.database}`;
}

async function openMongo(uri: string, database: string, clock?: MicroClock, limits?: MongoLimits): Promise<Store> {
  // Loaded on demand, so that SQLite deployments never load the MongoDB driver.
  const { MongoStore } = await import('./mongodb/mongo-store');
  return MongoStore.open({ uri, database, ...(clock ? { clock } : {}), ...(limits ? { limits } : {}) });
}

/** The configured bounds in the store's terms (milliseconds). */
export function mongoLimitsOf(settings: MongoSettings): MongoLimits {
  const d = DEFAULT_MONGO_LIMITS;
  const ms = (seconds: number | undefined, fallback: number) => (seconds === undefined ? fallback : seconds * 1000);
  return {
    serverSelectionTimeoutMs: ms(settings.server_selection_timeout_seconds, d.serverSelectionTimeoutMs),
    connectTimeoutMs: ms(settings.connect_timeout_seconds, d.connectTimeoutMs),
    socketTimeoutMs: ms(settings.socket_timeout_seconds, d.socketTimeoutMs),
    maxPoolSize: settings.max_pool_size ?? d.maxPoolSize,
    writeConcernTimeoutMs: ms(settings.write_concern_timeout_seconds, d.writeConcernTimeoutMs),
    commitTimeoutMs: ms(settings.commit_timeout_seconds, d.commitTimeoutMs),
    transactionTimeoutMs: ms(settings.transaction_timeout_seconds, d.transactionTimeoutMs),
    healthTimeoutMs: ms(settings.health_timeout_seconds, d.healthTimeoutMs),
    maxQueuedWrites: settings.max_queued_writes ?? d.maxQueuedWrites,
  };
}
