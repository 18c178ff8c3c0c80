/** Errors of the store: the database could not be reached, or a statement failed. */

/** Stable codes of StoreError. */
export type StoreErrorCode = 'store_unavailable' | 'store_query_failed' | 'store_migration_failed';

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

/** Wraps an error from `pg` or PGlite in a StoreError that marks whether a retry can help. */
export function toStoreError(err: unknown, operation: string, isConnecting = false): StoreError {
  if (err instanceof StoreError) return err;
  if (isConnecting) {
    const text = err instanceof Error ? err.message : String(err);
    return new StoreError(
      `database unavailable while ${operation}: ${text}`,
      'store_unavailable',
      true,
      { cause: err },
    );
  }
  const code =
    typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const text = err instanceof Error ? err.message : String(err);
  const isUnavailable =
    (typeof code === 'string' && (NETWORK_CODES.has(code) || RETRYABLE_SQLSTATE.test(code))) ||
    /terminat|Connection terminated|not queryable|closed|timeout/i.test(text);
  return isUnavailable
    ? new StoreError(
        `database unavailable while ${operation}: ${text}`,
        'store_unavailable',
        true,
        { cause: err },
      )
    : new StoreError(
        `database statement failed while ${operation}: ${text}`,
        'store_query_failed',
        false,
        {
          cause: err,
        },
      );
}
