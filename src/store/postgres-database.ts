/** PostgreSQL through a `pg` connection pool. */
import { escapeLiteral, Pool, type PoolClient, type QueryResult as PgResult } from 'pg';

import type { Database, MigrationClient, QueryResult, Statement, Transaction } from './database';
import { connectError, toStoreError } from './errors';

/** A `pg` pool behind the Database interface; every error becomes a StoreError. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres';

  private constructor(private readonly pool: Pool) {}

  /** Creates the pool and checks that the server accepts a query. */
  static async open(url: string, poolSize: number): Promise<PostgresDatabase> {
    const pool = new Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
    // An idle client that loses its connection emits 'error'; the next query reports it instead.
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw connectError(err, url);
    }
    return new PostgresDatabase(pool);
  }

  async query<R>(text: string, params: unknown[] = []): Promise<QueryResult<R>> {
    try {
      const result = await this.pool.query(text, params);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    } catch (err) {
      throw toStoreError(err, 'running a query');
    }
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toStoreError(err, 'connecting', true);
    }
    const tx = new PostgresTransaction(client);
    let isBroken = false;
    try {
      const result = await work(tx);
      await tx.finish();
      return result;
    } catch (err) {
      if (tx.isOpen) {
        await client.query('ROLLBACK').catch(() => {
          isBroken = true;
        });
      }
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

/**
 * A transaction on one pooled client. BEGIN is sent with the first statement rather than on its
 * own, and a batch runs as one simple-protocol query, so a decision needs few round trips.
 */
class PostgresTransaction implements Transaction {
  private hasBegun = false;
  private isDone = false;

  constructor(private readonly client: PoolClient) {}

  /** True while BEGIN was sent and neither COMMIT nor ROLLBACK. */
  get isOpen(): boolean {
    return this.hasBegun && !this.isDone;
  }

  async query<R>(text: string, params: unknown[] = []): Promise<QueryResult<R>> {
    if (!this.hasBegun) {
      this.hasBegun = true;
      await this.client.query('BEGIN');
    }
    const result = await this.client.query(text, params);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async batch(
    statements: Statement[],
    options: { commit?: boolean } = {},
  ): Promise<QueryResult<Record<string, unknown>>[]> {
    const parts = statements.map((statement) =>
      inlineParams(statement.text, statement.params ?? []),
    );
    const leading = this.hasBegun ? 0 : 1;
    if (!this.hasBegun) parts.unshift('BEGIN');
    this.hasBegun = true;
    if (options.commit) parts.push('COMMIT');
    const raw = (await this.client.query(parts.join(';\n'))) as unknown as PgResult | PgResult[];
    if (options.commit) this.isDone = true;
    const results = Array.isArray(raw) ? raw : [raw];
    return results
      .slice(leading, leading + statements.length)
      .map((result) => ({ rows: result.rows, rowCount: result.rowCount ?? 0 }));
  }

  /** Commits unless a batch already did; a transaction that ran nothing sends nothing. */
  async finish(): Promise<void> {
    if (!this.isOpen) return;
    this.isDone = true;
    await this.client.query('COMMIT');
  }
}

/** Replaces `$n` placeholders with escaped SQL literals, for the simple query protocol. */
function inlineParams(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_match, index: string) => toLiteral(params[Number(index) - 1]));
}

function toLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new TypeError(`cannot inline the number ${value} as a SQL literal`);
    return String(value);
  }
  if (Array.isArray(value))
    return value.length === 0 ? "'{}'" : `ARRAY[${value.map(toLiteral).join(', ')}]`;
  if (value instanceof Date) return escapeLiteral(value.toISOString());
  if (typeof value === 'string') return escapeLiteral(value);
  return escapeLiteral(JSON.stringify(value));
}
