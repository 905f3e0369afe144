/**
 * The start-up checks of the MongoDB store against a real replica set (issue 19 item 8), when
 * MONGODB_URI is set: a database upgraded by a newer Accord is refused, and a connection string
 * naming a replica set that does not exist says so. Without MONGODB_URI one skipped test says so.
 */

import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { DEFAULT_MONGO_LIMITS } from '../../src/store/mongodb/client-settings';
import { MongoStore } from '../../src/store/mongodb/mongo-store';
import { COLLECTIONS, META_SCHEMA_VERSION, SCHEMA_VERSION, type CounterDoc } from '../../src/store/mongodb/schema';

const uri = process.env.MONGODB_URI;

/** The same connection string naming another replica set. */
function withReplicaSet(text: string, name: string): string {
  const [base, query = ''] = text.split('?') as [string, string?];
  const params = new URLSearchParams(query);
  for (const key of [...params.keys()]) if (key.toLowerCase() === 'replicaset') params.delete(key);
  params.set('replicaSet', name);
  // Options need a path before them: mongodb://host/?replicaSet=…
  return `${/^mongodb(\+srv)?:\/\/[^/]*$/.test(base) ? `${base}/` : base}?${params.toString()}`;
}

if (uri === undefined || uri === '') {
  process.stderr.write('MongoDB start-up checks NOT RUN: MONGODB_URI is not set.\n');
  test.skip('MongoDB start-up checks: not run, MONGODB_URI is not set', () => undefined);
} else {
  const database = `accord_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const client = new MongoClient(uri);

  afterAll(async () => {
    await client.db(database).dropDatabase();
    await client.close();
  });

  test('when the database was upgraded by a newer Accord, then this one refuses to open it and says to upgrade', async () => {
    await (await MongoStore.open({ uri, database })).close();
    await client.db(database).collection<CounterDoc>(COLLECTIONS.meta).updateOne({ _id: META_SCHEMA_VERSION }, { $set: { value: SCHEMA_VERSION + 1 } });
    await expect(MongoStore.open({ uri, database })).rejects.toMatchObject({
      code: 'store_unavailable',
      message: expect.stringContaining(`has schema version ${SCHEMA_VERSION + 1}, and this Accord knows version ${SCHEMA_VERSION} at most`),
    });
  });

  test('when the connection string names a replica set that does not exist, then opening says no member of it answered as primary', async () => {
    const limits = { ...DEFAULT_MONGO_LIMITS, serverSelectionTimeoutMs: 1000 };
    await expect(MongoStore.open({ uri: withReplicaSet(uri, 'accord_no_such_set'), database, limits })).rejects.toMatchObject({
      code: 'store_unavailable',
      message: expect.stringContaining('no member of replica set "accord_no_such_set" answered as primary within 1 s'),
    });
  });
}
