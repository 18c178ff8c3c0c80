/**
 * Retry with exponential backoff, for drivers and for the scaler.
 *
 * A retry repeats the same operation: a spawn is retried with the same agent id and idempotency
 * key, so retrying never adds an agent to the pool.
 */
import { DriverError } from './driver';

/** Settings of a retry policy. */
export interface RetryPolicyOptions {
  /** Attempts in total, the first one included; 1 disables retries. */
  maxAttempts: number;
  /** Delay before the second attempt, in milliseconds. */
  initialDelayMs: number;
  /** Upper bound of any delay, in milliseconds. */
  maxDelayMs: number;
  /** Factor applied to the delay after each failed attempt. */
  multiplier: number;
  /** Fraction of each delay that is randomized (0 to 1), so that clients do not retry in step. */
  jitter: number;
}

/** Hooks of one `RetryPolicy.run` call. */
export interface RetryRunOptions {
  /** Stops retrying once aborted; the last error is raised. */
  signal?: AbortSignal;
  /** Decides whether an error is worth another attempt; default: a retryable `DriverError`. */
  isRetryable?: (err: unknown) => boolean;
  /** Called before each wait, with the failed attempt number (1-based) and the delay. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Defaults: 3 attempts, 200 ms, 400 ms between them, at most 5 s, 20% jitter. */
export const DEFAULT_RETRY: RetryPolicyOptions = {
  maxAttempts: 3,
  initialDelayMs: 200,
  maxDelayMs: 5000,
  multiplier: 2,
  jitter: 0.2,
};

/** Raised when retry settings are out of range. */
export class RetryPolicyError extends Error {
  override name = 'RetryPolicyError';
  readonly code = 'RETRY_POLICY_INVALID';
}

/** True when `err` is a `DriverError` marked retryable. */
export function isRetryableDriverError(err: unknown): boolean {
  return err instanceof DriverError && err.retryable;
}

/** A bounded number of attempts with exponential backoff between them. */
export class RetryPolicy {
  readonly options: RetryPolicyOptions;

  constructor(
    options: Partial<RetryPolicyOptions> = {},
    private readonly random = Math.random,
  ) {
    // Without an explicit maximum, a long initial delay raises the default maximum with it.
    const maxDelayMs =
      options.maxDelayMs ?? Math.max(DEFAULT_RETRY.maxDelayMs, options.initialDelayMs ?? 0);
    this.options = { ...DEFAULT_RETRY, ...options, maxDelayMs };
    validate(this.options);
  }

  /** Returns the delay in milliseconds after failed attempt `attempt` (1-based). */
  delayMs(attempt: number): number {
    const { initialDelayMs, maxDelayMs, multiplier, jitter } = this.options;
    const base = Math.min(maxDelayMs, initialDelayMs * multiplier ** (attempt - 1));
    const spread = base * jitter;
    return Math.max(0, Math.round(base - spread + 2 * spread * this.random()));
  }

  /** True when another attempt is allowed after failed attempt `attempt` ended with `err`. */
  shouldRetry(err: unknown, attempt: number, isRetryable = isRetryableDriverError): boolean {
    return attempt < this.options.maxAttempts && isRetryable(err);
  }

  /** Runs `operation` until it succeeds, fails for good, or the attempts run out. */
  async run<T>(
    operation: (attempt: number) => Promise<T>,
    hooks: RetryRunOptions = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await operation(attempt);
      } catch (err) {
        if (hooks.signal?.aborted || !this.shouldRetry(err, attempt, hooks.isRetryable)) throw err;
        const delayMs = this.delayMs(attempt);
        hooks.onRetry?.(err, attempt, delayMs);
        await sleep(delayMs, hooks.signal);
        if (hooks.signal?.aborted) throw err;
      }
    }
  }
}

function validate(options: RetryPolicyOptions): void {
  const checks: [keyof RetryPolicyOptions, boolean, string][] = [
    [
      'maxAttempts',
      Number.isInteger(options.maxAttempts) && options.maxAttempts >= 1,
      'an integer >= 1',
    ],
    ['initialDelayMs', options.initialDelayMs >= 0, 'a number >= 0'],
    ['maxDelayMs', options.maxDelayMs >= options.initialDelayMs, 'a number >= initialDelayMs'],
    ['multiplier', options.multiplier >= 1, 'a number >= 1'],
    ['jitter', options.jitter >= 0 && options.jitter <= 1, 'a number from 0 to 1'],
  ];
  for (const [key, isValid, expected] of checks) {
    if (!isValid) {
      throw new RetryPolicyError(
        `invalid retry setting ${key}=${String(options[key])}: expected ${expected}`,
      );
    }
  }
}

/** Waits `ms` milliseconds; resolves early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
