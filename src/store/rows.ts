/** Small helpers shared by the repositories: multi-row inserts and timestamp conversion. */
import type { Queryable } from './database';

/** Inserts `rows` in one statement; `suffix` may add `ON CONFLICT ... RETURNING ...`. */
export async function insertRows<R = Record<string, unknown>>(
  db: Queryable,
  table: string,
  columns: string[],
  rows: unknown[][],
  suffix = '',
): Promise<R[]> {
  if (rows.length === 0) return [];
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const placeholders = row.map((value) => {
      params.push(value);
      return `$${params.length}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ${suffix}`;
  const result = await db.query<R>(sql, params);
  return result.rows;
}

/** Milliseconds since the epoch to an ISO string for a timestamptz parameter. */
export function toTimestamp(ms: number | undefined | null): string | null {
  return ms === undefined || ms === null ? null : new Date(ms).toISOString();
}

/** Converts a timestamptz column value (Date from `pg` and PGlite, or text) to milliseconds. */
export function fromTimestamp(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.getTime();
  const parsed = Date.parse(String(value));
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** A jsonb column value, which `pg` returns parsed and some paths return as text. */
export function fromJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value === 'string') return JSON.parse(value) as T;
  return value as T;
}
