/** The validated, frozen configuration every module receives. Keys mirror the YAML file. */

import type { Profile } from '../stix/issues';

export interface CollectionConfig {
  id: string;
  title: string;
  description?: string;
  alias?: string;
  /** Usernames that may read (get objects, manifest, versions). */
  readers: string[];
  /** Usernames that may add and, with read too, delete objects. */
  writers: string[];
  /** Overrides `validation.profile` for this collection. */
  validation_profile?: Profile;
}

export interface ApiRootConfig {
  path: string;
  title: string;
  description?: string;
  max_content_length: number;
  collections: CollectionConfig[];
}

export interface UserConfig {
  username: string;
  /** `scrypt$…` as printed by `accord hash-password`. */
  password_hash: string;
}

export interface Config {
  server: {
    host: string;
    port: number;
    public_base_url?: string;
    trust_proxy: boolean;
    shutdown_timeout_seconds: number;
  };
  store: {
    backend: 'sqlite';
    data_dir: string;
    sqlite: { file: string; synchronous: 'FULL' | 'NORMAL' };
  };
  log: { level: 'error' | 'warn' | 'info' | 'debug' | 'silent' };
  taxii: {
    discovery: { title: string; description?: string; contact?: string; default?: string };
    default_page_size: number;
    max_page_size: number;
    status_retention_hours: number;
  };
  validation: { profile: Profile };
  api_roots: ApiRootConfig[];
  users: UserConfig[];
}
