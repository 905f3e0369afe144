/**
 * What the MongoDB store checks when it opens, decided over what the server said: why no
 * primary answered, and whether this Accord may use the database's schema. These messages go
 * to the operator at start-up (never to a TAXII client), so they may name hosts.
 */

import type { MongoClient, MongoServerSelectionError } from 'mongodb';

/** A server as the driver last saw it while waiting for a primary. */
export interface SeenServer {
  address: string;
  /** The driver's ServerType: RSPrimary, RSSecondary, RSGhost, Unknown, … */
  type: string;
  setName: string | null;
  error: string | null;
}

/** The `replicaSet` option of a connection string (option names are case-insensitive). */
export function replicaSetOf(uri: string): string | undefined {
  const query = uri.indexOf('?');
  if (query < 0) return undefined;
  for (const [key, value] of new URLSearchParams(uri.slice(query + 1))) {
    if (key.toLowerCase() === 'replicaset' && value !== '') return value;
  }
  return undefined;
}

export function serversSeenBy(error: MongoServerSelectionError): SeenServer[] {
  return [...(error.reason?.servers.values() ?? [])].map((server) => ({
    address: server.address,
    type: server.type,
    setName: server.setName,
    error: server.error?.message ?? null,
  }));
}

/**
 * Server selection timed out on a connection string naming a replica set: the driver waited for
 * a primary of that set and none came, which also happens when the set does not exist under that
 * name (a server of another set, or a standalone one, is dropped without a word).
 */
export function noPrimaryMessage(replicaSet: string, timeoutMs: number, servers: SeenServer[]): string {
  const seen = servers.length === 0 ? 'no server of that set was found' : `seen: ${servers.map((server) => describeServer(server, replicaSet)).join('; ')}`;
  return (
    `no member of replica set "${replicaSet}" answered as primary within ${timeoutMs / 1000} s (${seen}). Check that "${replicaSet}" is the set's name ` +
    '(rs.conf()._id, the name mongod was started with by --replSet), that the set was initiated (rs.initiate()) and has a primary (rs.status()), ' +
    'and that the host names its members advertise (rs.conf().members) resolve and can be reached from here; to reach a single-node set ' +
    'through another name (a container, a tunnel), add directConnection=true to the connection string.'
  );
}

function describeServer(server: SeenServer, replicaSet: string): string {
  if (server.type === 'RSGhost') return `${server.address} belongs to a replica set that is not initiated yet (run rs.initiate())`;
  if (server.type === 'Standalone') return `${server.address} is a standalone server (start it with --replSet ${replicaSet})`;
  if (server.setName !== null && server.setName !== replicaSet) return `${server.address} belongs to replica set "${server.setName}"`;
  if (server.type === 'RSSecondary' || server.type === 'RSArbiter') return `${server.address} is a ${server.type === 'RSSecondary' ? 'secondary' : 'arbiter'} (no primary is elected: is a majority of the members up?)`;
  return server.error === null ? `${server.address} (${server.type})` : `${server.address} could not be reached (${server.error})`;
}

export type SchemaStep = 'current' | 'upgrade' | 'newer';

/** The database's schema version against this code's; a database without one is being created now. */
export function schemaStepOf(stored: number | undefined, code: number): SchemaStep {
  if (stored === undefined || stored === code) return 'current';
  return stored < code ? 'upgrade' : 'newer';
}

export function newerSchemaMessage(database: string, stored: number, code: number): string {
  return (
    `the MongoDB database ${database} has schema version ${stored}, and this Accord knows version ${code} at most: a newer Accord has upgraded it. ` +
    'Upgrade this instance to the version the others run; an older one could misread what they write, or write what they would misread.'
  );
}

/**
 * Why the client cannot be used, when its connection string sets a read concern
 * (`readConcernLevel`): every collection inherits it, the driver then sends it in
 * place of a snapshot session's own, and a page's reads would each see their own
 * point in time (docs/deployment.md#errors-timeouts-and-bounds, Reads). Null when
 * none is set.
 */
export function inheritedReadConcernMessage(client: Pick<MongoClient, 'readConcern'>): string | null {
  const level = client.readConcern?.level;
  if (level === undefined) return null;
  return (
    `the connection string sets readConcernLevel=${level}, which would replace the snapshot reads pages rely on. ` +
    'Remove it: Accord chooses the read concern of each read itself (majority for entities, statuses and the audit trail, snapshots for pages).'
  );
}
