/** The configuration's type, derived from its schema (schema.ts). */

export type { Config } from './schema';
