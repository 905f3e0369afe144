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
  { key: 'log.level', env: 'ACCORD_LOG_LEVEL', kind: 'string' },
];

const text = (description: string, extra: object = {}) => ({ type: 'string', minLength: 1, description, ...extra });
const int = (description: string, minimum: number, fallback: number, maximum?: number) => ({
  type: 'integer',
  minimum,
  ...(maximum !== undefined ? { maximum } : {}),
  default: fallback,
  description,
});

const collection = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title'],
  properties: {
    id: text('UUIDv4 of the collection (TAXII 2.1 §5.2).'),
    title: text('Human-readable title.'),
    description: text('Optional description.'),
    alias: text('Optional alias, unique in the API root, usable in place of the id in URLs.'),
    readers: { type: 'array', items: { type: 'string' }, default: [], description: 'Usernames that may read.' },
    writers: { type: 'array', items: { type: 'string' }, default: [], description: 'Usernames that may add objects.' },
    validation_profile: { enum: ['standard', 'strict'], description: 'Overrides validation.profile for this collection.' },
  },
};

export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['api_roots'],
  properties: {
    server: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: text('Interface to listen on.', { default: '127.0.0.1' }),
        port: int('TCP port to listen on.', 0, 8000, 65535),
        public_base_url: text('Scheme, host and port clients use to reach the server, e.g. https://taxii.example.org; builds the absolute api_roots URLs. Default: taken from each request.'),
        trust_proxy: { type: 'boolean', default: false, description: 'Trust X-Forwarded-Proto/-Host from a reverse proxy.' },
        shutdown_timeout_seconds: int('How long SIGTERM waits for in-flight requests.', 1, 10),
      },
    },
    store: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        backend: { enum: ['sqlite'], default: 'sqlite', description: 'Storage backend.' },
        data_dir: text('Directory for the database file, relative to the working directory.', { default: 'data' }),
        sqlite: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            file: text('Database file name inside data_dir.', { default: 'accord.db' }),
            synchronous: { enum: ['FULL', 'NORMAL'], default: 'FULL', description: 'FULL: acknowledged writes survive power loss.' },
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
        default_page_size: int('Objects per page when a request has no limit.', 1, 100),
        max_page_size: int('Largest page served; larger limits are capped.', 1, 1000, 100000),
        status_retention_hours: int('How long status resources are kept (at least 24 h, TAXII 2.1 §4.3).', 24, 168),
      },
    },
    validation: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { profile: { enum: ['standard', 'strict'], default: 'standard', description: 'STIX validation profile.' } },
    },
    api_roots: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'title'],
        properties: {
          path: text('URL segment of the API root, e.g. "intel" for /intel/.'),
          title: text('API root title.'),
          description: text('API root description.'),
          max_content_length: int('Largest Add Objects body in bytes.', 1, 104857600),
          collections: { type: 'array', items: collection, default: [] },
        },
      },
    },
    users: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password_hash'],
        properties: {
          username: text('Login name for HTTP Basic.'),
          password_hash: text('scrypt hash from `accord hash-password`.'),
        },
      },
    },
  },
} as const;
