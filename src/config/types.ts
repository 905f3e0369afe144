/** The validated, frozen configuration every module receives. Keys mirror the YAML file. */

import type { Profile } from '../stix/issues';

export interface SeedUser {
  username: string;
  /** `scrypt$…` as printed by `accord hash-password`. */
  password_hash: string;
  admin: boolean;
}

export interface SeedApiKey {
  id: string;
  /** `sha256:<hex>` of the secret part of the token. */
  secret_hash: string;
  label?: string;
  expires_at?: string;
}

export interface SeedOrganisation {
  id: string;
  name: string;
  description?: string;
  users: SeedUser[];
  api_keys: SeedApiKey[];
  certificates: Array<{ fingerprint: string; subject?: string }>;
}

export interface SeedCollection {
  id: string;
  title: string;
  description?: string;
  alias?: string;
  marking_ceiling?: 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';
  validation_profile?: Profile;
}

export interface SeedPartnership {
  path: string;
  title: string;
  kind: 'bilateral' | 'working_group' | 'regional_operation';
  description?: string;
  start_date?: string;
  end_date?: string;
  status: 'active' | 'closed';
  max_content_length?: number;
  always_list_objects: boolean;
  members: Array<{ organisation: string; role: 'consumer' | 'publisher' | 'steward' }>;
  collections: SeedCollection[];
}

export interface Config {
  server: {
    host: string;
    port: number;
    public_base_url?: string;
    trust_proxy: boolean;
    shutdown_timeout_seconds: number;
    tls?: { cert_file: string; key_file: string; client_ca_file?: string };
  };
  store: {
    backend: 'sqlite' | 'mongodb';
    data_dir: string;
    sqlite: { file: string; synchronous: 'FULL' | 'NORMAL'; cache_mb: number };
    mongodb: { uri?: string; database: string };
  };
  log: { level: 'error' | 'warn' | 'info' | 'debug' | 'silent' };
  auth: {
    api_key_header: string;
    failed_logins: { per_source: number; per_account: number; window_seconds: number };
  };
  taxii: {
    discovery: { title: string; description?: string; contact?: string; default?: string };
    default_page_size: number;
    max_page_size: number;
    max_content_length: number;
    status_retention_hours: number;
  };
  validation: { profile: Profile; advice: boolean };
  /** Loaded into the store at first start only (when it holds no organisation yet). */
  seed: { organisations: SeedOrganisation[]; partnerships: SeedPartnership[] };
}
