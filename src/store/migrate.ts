/**
 * Runs the versioned SQL migrations in `migrations/` with node-pg-migrate, on PostgreSQL and on
 * PGlite alike.
 */
import path from 'node:path';

import { runner } from 'node-pg-migrate';
import type { ClientBase } from 'pg';

import type { Database } from './database';
import { StoreError } from './errors';

/** Folder of the .sql migrations, found from both src/ and dist/src/. */
export function migrationsDir(): string {
  const candidates = [
    path.join(__dirname, '..', '..', 'migrations'),
    path.join(__dirname, '..', '..', '..', 'migrations'),
  ];
  const fs = require('node:fs') as typeof import('node:fs');
  return candidates.find((dir) => fs.existsSync(dir)) ?? candidates[0];
}

const LOCK_RETRIES = 50;
const LOCK_RETRY_MS = 100;

/**
 * Applies every pending migration. Replicas starting together race for node-pg-migrate's advisory
 * lock; the loser waits and retries, then finds nothing left to do.
 */
export async function migrate(
  database: Database,
  log: (message: string) => void = () => undefined,
): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await database.withMigrationClient((client) =>
        runner({
          dbClient: client as unknown as ClientBase,
          dir: migrationsDir(),
          direction: 'up',
          migrationsTable: 'pgmigrations',
          count: Infinity,
          checkOrder: true,
          log,
          logger: { debug: log, info: log, warn: log, error: log },
        }),
      );
      return;
    } catch (err) {
      const isLockBusy =
        err instanceof Error && /Another migration is already running/.test(err.message);
      if (isLockBusy && attempt < LOCK_RETRIES) {
        await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
        continue;
      }
      throw new StoreError(
        `database migrations failed: ${err instanceof Error ? err.message : String(err)}`,
        'store_migration_failed',
        isLockBusy,
        { cause: err },
      );
    }
  }
}
