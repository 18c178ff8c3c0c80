/**
 * The store's view of a database: PostgreSQL through `pg` when a URL is given, an embedded PGlite
 * otherwise. Both run the same SQL and the same migrations.
 */
import type { Logger } from '../log';
import { StoreError } from './errors';
import { PgliteDatabase } from './pglite-database';
import { PostgresDatabase } from './postgres-database';

/** A result row set. */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Something that runs one parameterized statement: the database or an open transaction. */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
}

/** One SQL statement with its parameters. */
export interface Statement {
  text: string;
  params?: unknown[];
}

/** An open transaction. */
export interface Transaction extends Queryable {
  /**
   * Runs several statements in one round trip where the database allows it (PostgreSQL's simple
   * query protocol, with parameters inlined as escaped literals), and returns each one's rows.
   * With `commit`, the transaction ends in the same round trip.
   */
  batch(
    statements: Statement[],
    options?: { commit?: boolean },
  ): Promise<QueryResult<Record<string, unknown>>[]>;
}

/** The client shape node-pg-migrate drives: `query` with or without parameters. */
export interface MigrationClient {
  query(
    text: string | { text: string; values?: unknown[] },
    values?: unknown[],
  ): Promise<QueryResult<unknown>>;
}

/** An open database. */
export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Lends a single-session client for migrations, which take a session-level advisory lock. */
  withMigrationClient<T>(work: (client: MigrationClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Location of the store. */
export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent an embedded PGlite database is used. */
  databaseUrl?: string;
  /** PGlite data directory; undefined keeps the database in memory. */
  dataDir?: string;
  /** Maximum connections of the `pg` pool. */
  poolSize?: number;
  /** Receives the warning when a stale PGlite folder lock is taken over. */
  logger?: Logger;
}

/** Opens the database named by the options. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    return PostgresDatabase.open(options.databaseUrl, options.poolSize ?? 10);
  }
  return PgliteDatabase.open(options.dataDir, options.logger);
}

/** Rejects a call on a database that was closed. */
export function closedError(kind: string): StoreError {
  return new StoreError(
    `the ${kind} database is closed: start the scaler again`,
    'store_unavailable',
    true,
  );
}
