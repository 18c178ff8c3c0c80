import { openDatabase, type Database } from '../../src/store/database';
import { migrate } from '../../src/store/migrate';
import { createTestDatabase, type TestDatabase } from './pg-test-db';

const TABLES = [
  'agents',
  'alert_instances',
  'decisions',
  'notifications',
  'pool_transitions',
  'rule_clocks',
  'swarm_state',
];

async function tableNames(database: Database): Promise<string[]> {
  const result = await database.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'pgmigrations' ORDER BY tablename",
  );
  return result.rows.map((row) => row.tablename);
}

async function expectAppendOnly(database: Database): Promise<void> {
  await database.query(
    "INSERT INTO decisions (swarm, at, rule, action, outcome, replica) VALUES ('s', now(), 'r', 'spawn', 'applied', 'x')",
  );
  // The driver's text is the StoreError's cause, as the log prints it.
  const appendOnly = {
    cause: expect.objectContaining({ message: expect.stringMatching(/append-only/) }),
  };
  await expect(database.query('DELETE FROM decisions')).rejects.toMatchObject(appendOnly);
  await expect(database.query("UPDATE decisions SET rule = 'other'")).rejects.toMatchObject(
    appendOnly,
  );
}

describe('migrate on PostgreSQL', () => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase('scaler_migrate');
    database = await openDatabase({ databaseUrl: testDb.url });
  });

  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  test('creates every table', async () => {
    await migrate(database);
    expect(await tableNames(database)).toEqual(TABLES);
  });

  test('second run is a no-op', async () => {
    await migrate(database);
    const applied = await database.query<{ name: string }>('SELECT name FROM pgmigrations');
    expect(applied.rows).toHaveLength(2);
  });

  test('concurrent runs both succeed', async () => {
    const other = await openDatabase({ databaseUrl: testDb.url });
    try {
      await Promise.all([migrate(database), migrate(other)]);
    } finally {
      await other.close();
    }
    expect(await tableNames(database)).toEqual(TABLES);
  });

  test('decision log rejects update and delete', async () => {
    await expectAppendOnly(database);
  });
});

describe('migrate on PGlite', () => {
  test('same migrations apply in memory', async () => {
    const database = await openDatabase({});
    try {
      await migrate(database);
      expect(await tableNames(database)).toEqual(TABLES);
      await expectAppendOnly(database);
    } finally {
      await database.close();
    }
  });
});
