/**
 * Runs one driver operation under a deadline and records its outcome: operation and failure
 * counters, the latency histogram and the driver's health.
 *
 * Every driver calls spawn and retire through `track`, so each one times out, counts and fails in
 * the same way. Errors that are not `DriverError`s are wrapped as `invalid_response`.
 */
import type { Logger } from '../log';
import { DriverError, type DriverFailureReason } from './driver';
import type { DriverHealth } from './health';
import type { DriverMetrics, DriverOperation } from './metrics';

/** Failure reasons that mean the runtime responded, so they do not count against driver health. */
const ANSWERED_REASONS: ReadonlySet<DriverFailureReason> = new Set(['rejected']);

/**
 * Operations that decide driver health. Status polls run another command or endpoint than a
 * spawn, so their success does not show whether spawns can succeed.
 */
const HEALTH_OPERATIONS: ReadonlySet<DriverOperation> = new Set(['spawn', 'retire']);

/** Settings of an operation tracker. */
export interface OperationTrackerOptions {
  driverKind: string;
  logger: Logger;
  metrics: DriverMetrics;
  health: DriverHealth;
  /** Deadline of each operation, in milliseconds. */
  timeoutMs: number;
}

/** Times, bounds and counts driver operations. */
export class OperationTracker {
  constructor(private readonly options: OperationTrackerOptions) {}

  /** Deadline of each operation, in milliseconds. */
  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /**
   * Runs `operation` with an abort signal that fires at the deadline; rejects with a `timeout`
   * `DriverError` if the operation has not settled by then.
   */
  async track<T>(
    operation: DriverOperation,
    agentId: string,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { driverKind, metrics } = this.options;
    const stopTimer = metrics.duration.startTimer({ driver: driverKind, operation });
    const controller = new AbortController();
    try {
      const result = await this.withDeadline(operation, agentId, controller, run);
      this.recordSuccess(operation);
      return result;
    } catch (err) {
      const failure = toDriverError(err, operation, agentId);
      this.recordFailure(operation, agentId, failure);
      throw failure;
    } finally {
      controller.abort();
      stopTimer();
    }
  }

  private withDeadline<T>(
    operation: DriverOperation,
    agentId: string,
    controller: AbortController,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { timeoutMs } = this.options;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const message = `${operation} of agent ${agentId} timed out after ${timeoutMs} ms: check that the agent runtime is running, or raise driver.timeout`;
        const error = new DriverError(message, 'timeout', true);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
      run(controller.signal)
        .then(resolve, reject)
        .finally(() => clearTimeout(timer));
    });
  }

  private recordSuccess(operation: DriverOperation): void {
    const { driverKind, metrics, health } = this.options;
    metrics.operations.inc({ driver: driverKind, operation, outcome: 'success' });
    if (HEALTH_OPERATIONS.has(operation)) health.recordSuccess();
  }

  private recordFailure(operation: DriverOperation, agentId: string, err: DriverError): void {
    const { driverKind, metrics, health, logger } = this.options;
    metrics.operations.inc({ driver: driverKind, operation, outcome: 'failure' });
    metrics.failures.inc({ driver: driverKind, operation, reason: err.reason });
    // The caller handles (and logs) the error; this line only adds driver-side detail.
    logger.debug(
      { driver: driverKind, operation, agentId, reason: err.reason },
      'driver operation failed',
    );
    if (!HEALTH_OPERATIONS.has(operation)) return;
    if (ANSWERED_REASONS.has(err.reason)) health.recordSuccess();
    else health.recordFailure(err);
  }
}

function toDriverError(err: unknown, operation: DriverOperation, agentId: string): DriverError {
  if (err instanceof DriverError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new DriverError(
    `${operation} of agent ${agentId} failed unexpectedly: ${detail}`,
    'invalid_response',
    false,
    { cause: err },
  );
}
