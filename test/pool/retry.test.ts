import { DriverError } from '../../src/pool/driver';
import { RetryPolicy, RetryPolicyError } from '../../src/pool/retry';

const retryable = () => new DriverError('runtime busy', 'unreachable', true);
const permanent = () => new DriverError('bad request', 'rejected', false);

describe('RetryPolicy', () => {
  test('delays grow exponentially up to the maximum', () => {
    const policy = new RetryPolicy({
      initialDelayMs: 100,
      multiplier: 2,
      maxDelayMs: 500,
      jitter: 0,
    });

    expect([1, 2, 3, 4, 5].map((attempt) => policy.delayMs(attempt))).toEqual([
      100, 200, 400, 500, 500,
    ]);
  });

  test('jitter stays within its fraction', () => {
    const low = new RetryPolicy({ initialDelayMs: 1000, jitter: 0.2 }, () => 0);
    const high = new RetryPolicy({ initialDelayMs: 1000, jitter: 0.2 }, () => 1);

    expect(low.delayMs(1)).toBe(800);
    expect(high.delayMs(1)).toBe(1200);
  });

  test('retryable errors are retried until success', async () => {
    const policy = new RetryPolicy({ maxAttempts: 3, initialDelayMs: 1 });
    const attempts: number[] = [];

    const result = await policy.run(async (attempt) => {
      attempts.push(attempt);
      if (attempt < 3) throw retryable();
      return 'spawned';
    });
    expect(result).toBe('spawned');
    expect(attempts).toEqual([1, 2, 3]);
  });

  test('attempts are bounded', async () => {
    const policy = new RetryPolicy({ maxAttempts: 2, initialDelayMs: 1 });
    let calls = 0;

    await expect(
      policy.run(async () => {
        calls += 1;
        throw retryable();
      }),
    ).rejects.toThrow('runtime busy');
    expect(calls).toBe(2);
  });

  test('non-retryable errors fail at once', async () => {
    const policy = new RetryPolicy({ maxAttempts: 5, initialDelayMs: 1 });
    let calls = 0;

    await expect(
      policy.run(async () => {
        calls += 1;
        throw permanent();
      }),
    ).rejects.toBeInstanceOf(DriverError);
    expect(calls).toBe(1);
  });

  test('plain errors are not retried by default', async () => {
    const policy = new RetryPolicy({ maxAttempts: 3, initialDelayMs: 1 });
    let calls = 0;

    await expect(
      policy.run(async () => {
        calls += 1;
        throw new Error('bug');
      }),
    ).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });

  test('abort stops the wait and raises the last error', async () => {
    const policy = new RetryPolicy({ maxAttempts: 5, initialDelayMs: 10_000, jitter: 0 });
    const controller = new AbortController();
    let calls = 0;

    const started = Date.now();
    const run = policy.run(
      async () => {
        calls += 1;
        throw retryable();
      },
      { signal: controller.signal, onRetry: () => setTimeout(() => controller.abort(), 10) },
    );
    await expect(run).rejects.toThrow('runtime busy');
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('onRetry sees each failed attempt', async () => {
    const policy = new RetryPolicy({ maxAttempts: 3, initialDelayMs: 1, jitter: 0 });
    const seen: [number, number][] = [];

    await policy
      .run(
        async () => {
          throw retryable();
        },
        { onRetry: (_err, attempt, delayMs) => seen.push([attempt, delayMs]) },
      )
      .catch(() => undefined);
    expect(seen).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  test.each([
    ['zero attempts', { maxAttempts: 0 }, /maxAttempts=0/],
    ['fractional attempts', { maxAttempts: 1.5 }, /maxAttempts=1.5/],
    ['negative delay', { initialDelayMs: -1 }, /initialDelayMs=-1/],
    ['maximum below initial', { initialDelayMs: 100, maxDelayMs: 50 }, /maxDelayMs=50/],
    ['shrinking multiplier', { multiplier: 0.5 }, /multiplier=0.5/],
    ['jitter above one', { jitter: 2 }, /jitter=2/],
  ])('invalid setting: %s', (_name, options, message) => {
    expect(() => new RetryPolicy(options)).toThrow(RetryPolicyError);
    expect(() => new RetryPolicy(options)).toThrow(message);
  });
});
