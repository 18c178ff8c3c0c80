import { createServer } from 'node:net';

import { stdSerializers } from 'pino';

import type { Database } from '../../src/store/database';
import { StoreError } from '../../src/store/errors';
import { PgliteDatabase } from '../../src/store/pglite-database';
import { PostgresDatabase } from '../../src/store/postgres-database';
import { createTestDatabase, type TestDatabase } from './pg-test-db';

/** The message as the service log prints it: pino appends each cause's message. */
const loggedMessage = (err: unknown) => stdSerializers.err(err as Error).message;

const countOf = (text: string, part: string) => text.split(part).length - 1;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

describe('store error messages on PostgreSQL', () => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase('store_errors');
    database = await PostgresDatabase.open(testDb.url, 2);
  });

  afterAll(async () => {
    await database.close().catch(() => undefined);
    await testDb.drop();
  });

  test('NUL in a parameter is logged once', async () => {
    const error = await database.query('SELECT $1::text', ['a\u0000b']).catch((err) => err);
    expect(error).toBeInstanceOf(StoreError);
    expect(error.code).toBe('store_query_failed');
    const logged = loggedMessage(error);
    expect(countOf(logged, 'invalid byte sequence')).toBe(1);
    expect(logged).toContain('database statement failed while running a query');
  });

  test('query after close is logged once', async () => {
    const closed = await PostgresDatabase.open(testDb.url, 1);
    await closed.close();
    const error = await closed.query('SELECT 1').catch((err) => err);
    expect(error).toBeInstanceOf(StoreError);
    expect(error.retryable).toBe(true);
    expect(countOf(loggedMessage(error), 'Cannot use a pool after calling end')).toBe(1);
  });

  test('refused connection names DATABASE_URL and the address', async () => {
    const port = await freePort();
    const url = `postgres://postgres:hunter2@127.0.0.1:${port}/nowhere`;
    const error = await PostgresDatabase.open(url, 1).catch((err) => err);
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain(`127.0.0.1:${port}/nowhere`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toMatch(/Check that the server runs/);
    expect(error.message).not.toContain('hunter2');
  });
});

describe('store error messages on PGlite', () => {
  test('NUL in a parameter is logged once', async () => {
    const database = await PgliteDatabase.open();
    try {
      const error = await database.query('SELECT $1::text', ['a\u0000b']).catch((err) => err);
      expect(error).toBeInstanceOf(StoreError);
      expect(countOf(loggedMessage(error), 'invalid byte sequence')).toBe(1);
    } finally {
      await database.close();
    }
  });
});
