/**
 * The bounds on everything the MongoDB backend waits for (docs/deployment.md#errors-timeouts-and-bounds),
 * and the driver options made from them. The configuration's `store.mongodb.*` keys carry the same
 * defaults; they win over the same options written in the connection string.
 */

import type { MongoClientOptions, TransactionOptions, WriteConcernSettings } from 'mongodb';

export interface MongoLimits {
  /** How long an operation waits for a suitable server (a primary), and then for a free connection. */
  serverSelectionTimeoutMs: number;
  connectTimeoutMs: number;
  /** 0: none; a server that stops answering is still noticed by the driver's monitor. */
  socketTimeoutMs: number;
  maxPoolSize: number;
  /** wtimeout of the majority write concern, on plain writes and commits alike. */
  writeConcernTimeoutMs: number;
  /** maxCommitTimeMS of each commit. */
  commitTimeoutMs: number;
  /** After this, a transaction is no longer tried again and fails as unavailable (503). */
  transactionTimeoutMs: number;
  /** The health check's ping. */
  healthTimeoutMs: number;
  /** Writes waiting in this process's queue, all collections together; more are refused with 503. */
  maxQueuedWrites: number;
}

export const DEFAULT_MONGO_LIMITS: MongoLimits = {
  serverSelectionTimeoutMs: 5_000,
  connectTimeoutMs: 10_000,
  socketTimeoutMs: 0,
  maxPoolSize: 100,
  writeConcernTimeoutMs: 10_000,
  commitTimeoutMs: 10_000,
  transactionTimeoutMs: 10_000,
  healthTimeoutMs: 2_000,
  maxQueuedWrites: 1_000,
};

export function clientOptionsOf(limits: MongoLimits): MongoClientOptions {
  return {
    appName: 'accord',
    ignoreUndefined: true,
    serverSelectionTimeoutMS: limits.serverSelectionTimeoutMs,
    // Without it a request would wait for ever for a connection of a full pool.
    waitQueueTimeoutMS: limits.serverSelectionTimeoutMs,
    connectTimeoutMS: limits.connectTimeoutMs,
    socketTimeoutMS: limits.socketTimeoutMs,
    maxPoolSize: limits.maxPoolSize,
  };
}

/** Majority writes: a snapshot read (majority-committed data) then sees every acknowledged write; wtimeout so that a write never waits for ever for a majority. */
export function writeConcernOf(limits: MongoLimits): WriteConcernSettings {
  return { w: 'majority', wtimeoutMS: limits.writeConcernTimeoutMs };
}

/** Snapshot reads, majority commit: what a transaction read is what it commits against. */
export function transactionOptionsOf(limits: MongoLimits): TransactionOptions {
  return {
    readConcern: { level: 'snapshot' },
    writeConcern: writeConcernOf(limits),
    readPreference: 'primary',
    maxCommitTimeMS: limits.commitTimeoutMs,
  };
}
