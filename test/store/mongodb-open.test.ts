/**
 * What the MongoDB store decides when it opens and how it reads (issue 19 item 8), without a
 * server: the message when no primary of the named replica set answers, the refusal of a
 * database upgraded by a newer Accord, and the majority read concern of entities, statuses,
 * the audit trail and `meta` (read off the driver's collection objects, which need no connection).
 */

import { MongoClient, MongoNetworkError, MongoServerSelectionError, type TopologyDescription } from 'mongodb';
import { DEFAULT_MONGO_LIMITS } from '../../src/store/mongodb/client-settings';
import { entityCollectionsOf, MongoStore } from '../../src/store/mongodb/mongo-store';
import { inheritedReadConcernMessage, newerSchemaMessage, noPrimaryMessage, replicaSetOf, schemaStepOf, serversSeenBy, type SeenServer } from '../../src/store/mongodb/open-checks';
import { COLLECTIONS } from '../../src/store/mongodb/schema';

describe('no primary in the named replica set', () => {
  test('when a connection string names a replica set, then its name is found whatever the case of the option', () => {
    expect(replicaSetOf('mongodb://db1,db2/?replicaSet=rs0')).toBe('rs0');
    expect(replicaSetOf('mongodb://u:p@db1/accord?w=majority&replicaset=prod')).toBe('prod');
    expect(replicaSetOf('mongodb://db1/accord')).toBeUndefined();
    expect(replicaSetOf('mongodb://db1/?replicaSet=')).toBeUndefined();
  });

  test('when server selection timed out, then the servers the driver saw are read from its topology description', () => {
    const servers = new Map([
      ['db1:27017', { address: 'db1:27017', type: 'Unknown', setName: null, error: new MongoNetworkError('connect ECONNREFUSED 10.0.0.1:27017') }],
      ['db2:27017', { address: 'db2:27017', type: 'RSGhost', setName: null, error: null }],
    ]);
    const error = new MongoServerSelectionError('Server selection timed out after 5000 ms', { servers } as unknown as TopologyDescription);
    expect(serversSeenBy(error)).toEqual([
      { address: 'db1:27017', type: 'Unknown', setName: null, error: 'connect ECONNREFUSED 10.0.0.1:27017' },
      { address: 'db2:27017', type: 'RSGhost', setName: null, error: null },
    ]);
  });

  test('when no server of the set was found, then the message names the set and the wait, and says what to check', () => {
    const message = noPrimaryMessage('rs0', 5000, []);
    expect(message).toContain('no member of replica set "rs0" answered as primary within 5 s (no server of that set was found)');
    for (const hint of ["rs.conf()._id", '--replSet', 'rs.initiate()', 'rs.status()', 'directConnection=true']) expect(message).toContain(hint);
  });

  test('when the servers were seen, then each one says what it was', () => {
    const seen: SeenServer[] = [
      { address: 'db1:27017', type: 'RSGhost', setName: null, error: null },
      { address: 'db2:27017', type: 'Unknown', setName: null, error: 'getaddrinfo ENOTFOUND db2' },
      { address: 'db3:27017', type: 'RSSecondary', setName: 'rs0', error: null },
      { address: 'db4:27017', type: 'RSPrimary', setName: 'other', error: null },
    ];
    const message = noPrimaryMessage('rs0', 30_000, seen);
    expect(message).toContain('within 30 s');
    expect(message).toContain('db1:27017 belongs to a replica set that is not initiated yet (run rs.initiate())');
    expect(message).toContain('db2:27017 could not be reached (getaddrinfo ENOTFOUND db2)');
    expect(message).toContain('db3:27017 is a secondary (no primary is elected');
    expect(message).toContain('db4:27017 belongs to replica set "other"');
  });
});

describe('schema version', () => {
  test('when the database has no version, the same one or an older one, then it is used (an older one upgraded); a newer one is refused', () => {
    expect(schemaStepOf(undefined, 2)).toBe('current');
    expect(schemaStepOf(2, 2)).toBe('current');
    expect(schemaStepOf(1, 2)).toBe('upgrade');
    expect(schemaStepOf(3, 2)).toBe('newer');
  });

  test('when the database is newer, then the message says this instance is older and must be upgraded', () => {
    expect(newerSchemaMessage('accord', 3, 2)).toBe(
      'the MongoDB database accord has schema version 3, and this Accord knows version 2 at most: a newer Accord has upgraded it. ' +
        'Upgrade this instance to the version the others run; an older one could misread what they write, or write what they would misread.',
    );
  });
});

describe('read concerns', () => {
  test('when entities, statuses, the audit trail and meta are read, then it is with majority read concern; records keep the default for their snapshot sessions', async () => {
    const client = new MongoClient('mongodb://127.0.0.1:1/?replicaSet=rs0');
    const db = client.db('accord');
    const c = entityCollectionsOf(client, db);
    for (const collection of [c.entities, c.statuses, c.audit, c.counters, c.secrets]) expect(collection.readConcern?.level).toBe('majority');
    expect([c.entities, c.statuses, c.audit, c.counters].map((collection) => collection.collectionName)).toEqual([
      COLLECTIONS.entities,
      COLLECTIONS.statuses,
      COLLECTIONS.audit,
      COLLECTIONS.meta,
    ]);
    expect(db.collection(COLLECTIONS.records).readConcern).toBeUndefined();
    await client.close();
  });

  test('when the connection string sets a read concern, then the store refuses to open before connecting, naming the option; without one it has nothing to say', async () => {
    const uri = 'mongodb://127.0.0.1:1/?replicaSet=rs0&readConcernLevel=majority';
    expect(inheritedReadConcernMessage(new MongoClient(uri))).toContain('readConcernLevel=majority');
    expect(inheritedReadConcernMessage(new MongoClient('mongodb://127.0.0.1:1/?replicaSet=rs0'))).toBeNull();
    const opening = MongoStore.open({ uri, database: 'accord', limits: { ...DEFAULT_MONGO_LIMITS, serverSelectionTimeoutMs: 100 } });
    await expect(opening).rejects.toMatchObject({ code: 'store_unavailable', message: expect.stringContaining('readConcernLevel=majority') as unknown });
  });
});
