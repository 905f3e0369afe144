/** Opens the configured backend; the only module that imports a backend. */

import { join } from 'node:path';
import { ConfigError } from '../errors';
import type { MicroClock } from './clock';
import type { Store } from './contract';
import { SqliteStore } from './sqlite/sqlite-store';

/** The `store` section of the configuration. */
export interface StoreSettings {
  backend: 'sqlite' | 'mongodb';
  data_dir: string;
  sqlite: { file: string; synchronous: 'FULL' | 'NORMAL'; cache_mb: number };
  mongodb: { uri?: string; database: string };
}

export async function openStore(settings: StoreSettings, clock?: MicroClock): Promise<Store> {
  switch (settings.backend) {
    case 'sqlite':
      return SqliteStore.open({
        path: join(settings.data_dir, settings.sqlite.file),
        synchronous: settings.sqlite.synchronous,
        cacheMegabytes: settings.sqlite.cache_mb,
        ...(clock ? { clock } : {}),
      });
    case 'mongodb':
      if (settings.mongodb.uri === undefined) {
        throw new ConfigError(['store.mongodb.uri: required when store.backend is mongodb (or set MONGODB_URI)']);
      }
      return openMongo(settings.mongodb.uri, settings.mongodb.database, clock);
  }
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

async function openMongo(uri: string, database: string, clock?: MicroClock): Promise<Store> {
  // Loaded on demand, so that SQLite deployments never load the MongoDB driver.
  const { MongoStore } = await import('./mongodb/mongo-store');
  return MongoStore.open({ uri, database, ...(clock ? { clock } : {}) });
}
