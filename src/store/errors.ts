/** Errors of the store: the database could not be reached, or a statement failed. */

/** Stable codes of StoreError. */
export type StoreErrorCode =
  | 'store_unavailable'
  | 'store_query_failed'
  | 'store_migration_failed'
  | 'store_locked';

/** Raised by the store. `retryable` is true when the same call can succeed later. */
export class StoreError extends Error {
  override name = 'StoreError';

  constructor(
    message: string,
    readonly code: StoreErrorCode,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

// SQLSTATE classes that mean the server or the connection is gone, not that the SQL is wrong:
// 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown),
// 40 transaction rollback (serialization failure, deadlock), 3D000 database does not exist.
const RETRYABLE_SQLSTATE = /^(08|53|57|40|3D000)/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/**
 * Wraps an error from `pg` or PGlite in a StoreError that marks whether a retry can help. The
 * message leaves out the driver's text because the error keeps it as `cause`, and pino's error
 * serializer appends each cause's message, so including it here would print it twice.
 */
export function toStoreError(err: unknown, operation: string, isConnecting = false): StoreError {
  if (err instanceof StoreError) return err;
  const code =
    typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const text = err instanceof Error ? err.message : String(err);
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const detail = sqlState ? ` (SQLSTATE ${sqlState})` : '';
  const isUnavailable =
    isConnecting ||
    (typeof code === 'string' && (NETWORK_CODES.has(code) || RETRYABLE_SQLSTATE.test(code))) ||
    /terminat|Connection terminated|not queryable|closed|timeout|after calling end/i.test(text);
  return isUnavailable
    ? new StoreError(
        `database unavailable while ${operation}${detail}`,
        'store_unavailable',
        true,
        { cause: err },
      )
    : new StoreError(
        `database statement failed while ${operation}${detail}`,
        'store_query_failed',
        false,
        { cause: err },
      );
}

/**
 * Builds the start-up error for a PostgreSQL server that did not accept a connection: it names
 * DATABASE_URL, the address without the password, the driver's reason and what to check.
 */
export function connectError(err: unknown, url: string): StoreError {
  const reason = err instanceof Error ? err.message : String(err);
  return new StoreError(
    `could not connect to PostgreSQL at ${redactUrl(url)} (DATABASE_URL): ${reason}. Check that the server runs and accepts connections at that address, and that DATABASE_URL names the right host, port, database and user`,
    'store_unavailable',
    true,
    { cause: err },
  );
}

/** Returns `url` with any password replaced by `***`; a value that is not a URL is hidden. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(DATABASE_URL is not a valid URL)';
  }
}
