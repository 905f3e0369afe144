/**
 * The configuration schema: every key once, with its default, its environment
 * variable and a doc line (the README's configuration reference lists the same).
 * Unknown keys are errors, so a typo never passes silently. The `seed` section is
 * made of the admin resources' own schemas (src/admin/seed.ts). The Config type
 * is derived from this schema, so the two cannot disagree.
 */

import type { FromSchema } from 'json-schema-to-ts';
import { SEED_SCHEMA } from '../admin/seed';
import { PROFILES } from '../stix/issues';

export interface EnvOverride {
  /** Dotted key path. */
  key: string;
  env: string;
  kind: 'string' | 'integer' | 'boolean';
}

export const ENV_OVERRIDES: EnvOverride[] = [
  { key: 'server.host', env: 'HOST', kind: 'string' },
  { key: 'server.port', env: 'PORT', kind: 'integer' },
  { key: 'server.public_base_url', env: 'ACCORD_PUBLIC_BASE_URL', kind: 'string' },
  { key: 'store.data_dir', env: 'ACCORD_DATA_DIR', kind: 'string' },
  { key: 'store.backend', env: 'ACCORD_STORE_BACKEND', kind: 'string' },
  { key: 'store.mongodb.uri', env: 'MONGODB_URI', kind: 'string' },
  { key: 'log.level', env: 'ACCORD_LOG_LEVEL', kind: 'string' },
  { key: 'server.trust_proxy', env: 'ACCORD_TRUST_PROXY', kind: 'boolean' },
];

const text = <const E extends object = {}>(description: string, extra?: E) => ({ type: 'string', minLength: 1, description, ...extra }) as { type: 'string'; minLength: 1; description: string } & E;
const int = <const D extends number>(description: string, minimum: number, fallback: D, maximum?: number) =>
  ({ type: 'integer', minimum, ...(maximum !== undefined ? { maximum } : {}), default: fallback, description }) as { type: 'integer'; minimum: number; maximum?: number; default: D; description: string };

export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    server: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: text('Interface to listen on.', { default: '127.0.0.1' }),
        port: int('TCP port to listen on.', 0, 8000, 65535),
        public_base_url: text('Scheme, host and port clients use to reach the server, e.g. https://taxii.example.org; builds the absolute api_roots URLs. Default: taken from each request.'),
        trust_proxy: {
          type: 'boolean',
          default: false,
          description: 'Accord sits behind exactly one reverse proxy: take the client address (for login throttling and logs) from the last X-Forwarded-For entry, and the scheme and host from X-Forwarded-Proto/-Host.',
        },
        shutdown_timeout_seconds: int('How long SIGTERM waits for in-flight requests.', 1, 10),
        max_connections: int('Open connections at once, all clients together; further ones are closed as they arrive. Keep it well below the process file descriptor limit.', 1, 1000),
        max_connections_per_address: int('Open connections at once from one client address (0: no cap); not applied with trust_proxy, where every connection comes from the proxy.', 0, 100),
        headers_timeout_seconds: int("How long a client may take to send a request's headers (and a TLS handshake) before the connection is closed with 408.", 1, 10),
        request_timeout_seconds: int('How long a client may take to send a whole request, body included, before the connection is closed with 408.', 1, 300),
        body_min_bytes_per_second: int('Slowest accepted body: a body bringing fewer bytes per second over a window is refused with 408 and the connection closed (0: no minimum).', 0, 1024),
        body_rate_window_seconds: int('Window over which the body rate is averaged.', 1, 20),
        keep_alive_timeout_seconds: int('How long an idle keep-alive connection stays open; above the usual 60 s of load balancers, so that they close first.', 1, 65),
        tls: {
          type: 'object',
          additionalProperties: false,
          required: ['cert_file', 'key_file'],
          description: 'Serve HTTPS (TLS 1.2 minimum) instead of HTTP.',
          properties: {
            cert_file: text('PEM certificate chain of the server.'),
            key_file: text('PEM private key of the server.'),
            client_ca_file: text('PEM CA bundle that signs client certificates; enables mutual TLS.'),
          },
        },
      },
    },
    store: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        backend: { enum: ['sqlite', 'mongodb'], default: 'sqlite', description: 'Storage backend: the embedded SQLite file, or MongoDB.' },
        data_dir: text('Directory for the database file, relative to the working directory.', { default: 'data' }),
        sqlite: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            file: text('Database file name inside data_dir.', { default: 'accord.db' }),
            synchronous: { enum: ['FULL', 'NORMAL'], default: 'FULL', description: 'FULL: acknowledged writes survive power loss.' },
            cache_mb: int('SQLite page cache in MiB (part of the process memory).', 2, 32, 4096),
            check_on_start: {
              enum: ['quick', 'full', 'off'],
              default: 'quick',
              description: 'Damage check of the database file at start (docs/reliability.md#damaged-stores): quick (PRAGMA quick_check), full (integrity_check and the stored texts) or off.',
            },
            check_wait_seconds: int('How long start-up waits for that check before serving; a longer check goes on while reads are served and changes wait for it.', 0, 1, 86400),
          },
        },
        mongodb: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            uri: text('MongoDB connection string, e.g. mongodb://db1,db2,db3/?replicaSet=rs0 (a replica set: transactions are required).'),
            database: text('Database name.', { default: 'accord' }),
            // docs/deployment.md#errors-timeouts-and-bounds; the same defaults as src/store/mongodb/client-settings.ts.
            server_selection_timeout_seconds: int('How long an operation waits for a primary (and then for a free connection) before it fails with 503; also how long start-up waits.', 1, 5, 300),
            connect_timeout_seconds: int('How long opening a connection to a member may take; also bounds the driver\'s heartbeats, which notice a member that stopped answering.', 1, 10, 300),
            socket_timeout_seconds: int('How long one operation may wait for a reply on its connection (0: no limit; keep above the longest index build at start-up).', 0, 0, 86400),
            max_pool_size: int('Connections per member of the replica set, at most.', 1, 100, 10000),
            write_concern_timeout_seconds: int('wtimeout of the majority write concern: a write that no majority has acknowledged by then fails with 503 (it may still be applied).', 1, 10, 300),
            commit_timeout_seconds: int('maxCommitTimeMS of each transaction commit.', 1, 10, 300),
            transaction_timeout_seconds: int('How long a transaction is tried again after write conflicts and failovers before the request fails with 503.', 1, 10, 600),
            health_timeout_seconds: int('How long the health check waits for the database\'s ping before answering 503.', 1, 2, 60),
            max_queued_writes: int('Writes waiting in one instance for the database, all collections together; one more is refused with 503 and Retry-After.', 1, 1000, 1000000),
          },
        },
      },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        api_key_header: text('Header that may carry an API key, for connectors that cannot set Authorization.', { default: 'X-API-Key' }),
        scrypt: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'Cost of password hashes (r is 8); a stored hash made otherwise is rehashed at the next successful login.',
          properties: {
            n: { enum: [16384, 32768, 65536, 131072], default: 32768, description: 'scrypt CPU and memory cost N (memory: N × 1 KiB per check running).' },
            p: int('scrypt parallelism p (time grows with N × p).', 1, 1, 16),
          },
        },
        failed_logins: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            per_source: int('Failed logins allowed per source address in the window.', 1, 30),
            per_account: int('Failed logins allowed per account in the window.', 1, 10),
            window_seconds: int('Length of the window.', 1, 600),
          },
        },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { level: { enum: ['error', 'warn', 'info', 'debug', 'silent'], default: 'info', description: 'Log level.' } },
    },
    taxii: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        discovery: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            title: text('Discovery title.', { default: 'Accord TAXII 2.1 server' }),
            description: text('Discovery description.'),
            contact: text('Contact information shown in discovery.'),
            default: text('Path of the default API root.'),
          },
        },
        default_page_size: int('Objects per page when a request has no limit (single-page clients get whole feed windows); capped at max_page_size.', 1, 1000),
        max_page_size: int('Largest page served; larger limits are capped.', 1, 1000, 100000),
        max_content_length: int('Default largest Add Objects body of a partnership, in bytes; chosen so the worst case fits the memory target (docs/reliability.md#memory).', 1, 16777216),
        max_object_size: int('Largest object in an Add Objects body, in bytes of JSON text; a larger one is refused alone (object-too-large). At most 16711680 (16 MiB less 64 KiB), the largest object a store keeps.', 1, 10485760),
        page_budget_bytes: int('A page of objects ends early, with more and next, before the object that would take its texts past this many bytes; one larger object comes alone.', 1024, 4194304),
        status_retention_hours: int('How long status resources are kept (at least 24 h, TAXII 2.1 §4.3).', 24, 168),
      },
    },
    retention: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        sweep_interval_minutes: int('How often the retention sweep runs (0: only on demand, `accord retention sweep`).', 0, 60, 10080),
        batch_size: int('Objects removed per store write during a sweep; the server serves other requests between batches.', 1, 200, 100000),
      },
    },
    validation: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        profile: { enum: PROFILES, default: 'standard', description: 'STIX validation profile.' },
        advice: { type: 'boolean', default: false, description: 'Add advisories (info) to status messages.' },
      },
    },
    seed: SEED_SCHEMA,
  },
} as const;

/** The validated, frozen configuration every module receives (defaults filled in). */
export type Config = FromSchema<typeof CONFIG_SCHEMA>;
