/**
 * The configuration schema: every key once, with its default, its environment
 * variable and a doc line (the README's configuration reference lists the same).
 * Unknown keys are errors, so a typo never passes silently.
 */

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

const text = (description: string, extra: object = {}) => ({ type: 'string', minLength: 1, description, ...extra });
const int = (description: string, minimum: number, fallback: number, maximum?: number) => ({
  type: 'integer',
  minimum,
  ...(maximum !== undefined ? { maximum } : {}),
  default: fallback,
  description,
});

const list = (items: object, description: string) => ({ type: 'array', items, default: [], description });

const seedCollection = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title'],
  properties: {
    id: text('UUIDv4 of the collection (TAXII 2.1 §5.2).'),
    title: text('Human-readable title.'),
    description: text('Optional description.'),
    alias: text('Optional alias, unique in the partnership, usable in place of the id in URLs.'),
    marking_ceiling: { enum: ['clear', 'green', 'amber', 'amber+strict', 'red'], description: 'Most restrictive TLP accepted.' },
    validation_profile: { enum: ['standard', 'strict'], description: 'Overrides validation.profile for this collection.' },
  },
};

const seedOrganisation = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name'],
  properties: {
    id: text('Short id: lower-case letters, digits and -.'),
    name: text('Display name.'),
    description: text('Optional description.'),
    users: list(
      {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password_hash'],
        properties: {
          username: text('Login name for HTTP Basic.'),
          password_hash: text('scrypt hash from `accord hash-password`.'),
          admin: { type: 'boolean', default: false, description: 'Server administrator.' },
        },
      },
      'Users of the organisation.',
    ),
    api_keys: list(
      {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'secret_hash'],
        properties: {
          id: text('Key id: 24 hex digits.'),
          secret_hash: text('sha256:<hex> of the secret part of the token.'),
          label: text('What the key is for.'),
          expires_at: text('Expiry, an ISO 8601 date or time.'),
        },
      },
      'API keys of the organisation.',
    ),
    certificates: list(
      {
        type: 'object',
        additionalProperties: false,
        required: ['fingerprint'],
        properties: {
          fingerprint: text('SHA-256 fingerprint of the client certificate (hex, colons allowed).'),
          subject: text('A note on whose certificate it is.'),
        },
      },
      'Client certificates mapped to the organisation.',
    ),
  },
};

const seedPartnership = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'title', 'kind'],
  properties: {
    path: text('API root path segment of the partnership.'),
    title: text('Title (the API root title).'),
    kind: { enum: ['bilateral', 'working_group', 'regional_operation'], description: 'Kind of agreement.' },
    description: text('Description.'),
    start_date: text('YYYY-MM-DD.'),
    end_date: text('YYYY-MM-DD; after it the partnership is read-only.'),
    status: { enum: ['active', 'closed'], default: 'active', description: 'A closed partnership is read-only.' },
    max_content_length: { type: 'integer', minimum: 1, description: 'Largest Add Objects body (default taxii.max_content_length).' },
    always_list_objects: { type: 'boolean', default: false, description: 'Empty envelopes carry "objects": [] (for Elastic).' },
    members: list(
      {
        type: 'object',
        additionalProperties: false,
        required: ['organisation', 'role'],
        properties: {
          organisation: text('Organisation id.'),
          role: { enum: ['consumer', 'publisher', 'steward'], description: 'Role in the partnership.' },
        },
      },
      'Member organisations.',
    ),
    collections: list(seedCollection, 'Collections of the partnership.'),
  },
};

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
          },
        },
        mongodb: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            uri: text('MongoDB connection string, e.g. mongodb://db1,db2,db3/?replicaSet=rs0 (a replica set: transactions are required).'),
            database: text('Database name.', { default: 'accord' }),
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
        max_content_length: int('Default largest Add Objects body of a partnership, in bytes.', 1, 104857600),
        status_retention_hours: int('How long status resources are kept (at least 24 h, TAXII 2.1 §4.3).', 24, 168),
      },
    },
    validation: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        profile: { enum: ['standard', 'strict'], default: 'standard', description: 'STIX validation profile.' },
        advice: { type: 'boolean', default: false, description: 'Add advisories (info) to status messages.' },
      },
    },
    seed: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Loaded into the store at first start only.',
      properties: {
        organisations: list(seedOrganisation, 'Organisations with their users, keys and certificates.'),
        partnerships: list(seedPartnership, 'Partnerships with their members and collections.'),
      },
    },
  },
} as const;
