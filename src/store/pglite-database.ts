/** The embedded PGlite database: PostgreSQL compiled to WebAssembly, in memory or on disk. */
import type { PGlite, Transaction as PgliteTransaction } from '@electric-sql/pglite';

import {
  closedError,
  type Database,
  type MigrationClient,
  type QueryResult,
  type Transaction,
} from './database';
import type { Logger } from '../log';
import { lockDataDir, type DataDirLock } from './data-dir-lock';
import { toStoreError } from './errors';

/** PGlite behind the Database interface. PGlite has one session, so transactions run one at a time. */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite';
  private isClosed = false;

  private constructor(
    private readonly db: PGlite,
    private readonly lock?: DataDirLock,
  ) {}

  /**
   * Opens PGlite; PGlite ships as an ES module, so it is imported dynamically. A data folder is
   * locked first (see lockDataDir), so a second process on the same folder fails to open.
   */
  static async open(dataDir?: string, logger?: Logger): Promise<PgliteDatabase> {
    const lock = dataDir === undefined ? undefined : lockDataDir(dataDir, logger);
    try {
      const { PGlite } = await import('@electric-sql/pglite');
      const db = (await PGlite.create(dataDir)) as unknown as PGlite;
      return new PgliteDatabase(db, lock);
    } catch (err) {
      lock?.release();
      throw toStoreError(err, 'opening the PGlite data folder', true);
    }
  }

  async query<R>(text: string, params: unknown[] = []): Promise<QueryResult<R>> {
    if (this.isClosed) throw closedError(this.kind);
    try {
      const result = await this.db.query<R>(text, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    } catch (err) {
      throw toStoreError(err, 'running a query');
    }
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.isClosed) throw closedError(this.kind);
    try {
      return await this.db.transaction((tx) => work(transactionQueryable(tx)));
    } catch (err) {
      throw toStoreError(err, 'running a transaction');
    }
  }

  /**
   * Adapts PGlite to node-pg-migrate. A call without parameters may hold several statements (a
   * whole .sql migration), which PGlite's extended-protocol `query` rejects, so it goes to `exec`.
   */
  async withMigrationClient<T>(work: (client: MigrationClient) => Promise<T>): Promise<T> {
    const db = this.db;
    const client: MigrationClient = {
      async query(textOrConfig, values) {
        const text = typeof textOrConfig === 'string' ? textOrConfig : textOrConfig.text;
        const params =
          values ?? (typeof textOrConfig === 'string' ? undefined : textOrConfig.values);
        if (params && params.length > 0) {
          const result = await db.query(text, params);
          return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
        }
        const results = await db.exec(text);
        const last = results[results.length - 1];
        return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? 0 };
      },
    };
    return work(client);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    try {
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}

/** PGlite runs in-process, so a batch is simply its statements in order; PGlite commits when `work` returns. */
function transactionQueryable(tx: PgliteTransaction): Transaction {
  const query = async <R>(text: string, params: unknown[] = []): Promise<QueryResult<R>> => {
    const result = await tx.query<R>(text, params);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  };
  return {
    query,
    async batch(statements) {
      const results: QueryResult<Record<string, unknown>>[] = [];
      for (const statement of statements)
        results.push(await query<Record<string, unknown>>(statement.text, statement.params));
      return results;
    },
  };
}
