/** PostgreSQL through a `pg` connection pool. */
import { Pool, type PoolClient } from 'pg';

import type { Database, MigrationClient, Queryable, QueryResult } from './database';
import { toStoreError } from './errors';

/** A `pg` pool behind the Database interface; every error becomes a StoreError. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres';

  private constructor(private readonly pool: Pool) {}

  /** Creates the pool and checks that the server answers. */
  static async open(url: string, poolSize: number): Promise<PostgresDatabase> {
    const pool = new Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
    // An idle client that loses its connection emits 'error'; the next query reports it instead.
    pool.on('error', () => undefined);
    const database = new PostgresDatabase(pool);
    await database.query('SELECT 1');
    return database;
  }

  async query<R>(text: string, params: unknown[] = []): Promise<QueryResult<R>> {
    try {
      const result = await this.pool.query(text, params);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    } catch (err) {
      throw toStoreError(err, 'running a query');
    }
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toStoreError(err, 'connecting', true);
    }
    const tx = clientQueryable(client);
    let isBroken = false;
    try {
      await tx.query('BEGIN');
      const result = await work(tx);
      await tx.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        isBroken = true;
      });
      throw toStoreError(err, 'running a transaction');
    } finally {
      client.release(isBroken);
    }
  }

  async withMigrationClient<T>(work: (client: MigrationClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((err: unknown) => {
      throw toStoreError(err, 'connecting for migrations', true);
    });
    try {
      return await work(client as unknown as MigrationClient);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function clientQueryable(client: PoolClient): Queryable {
  return {
    async query<R>(text: string, params: unknown[] = []): Promise<QueryResult<R>> {
      const result = await client.query(text, params);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
  };
}
