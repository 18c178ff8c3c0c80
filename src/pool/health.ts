/**
 * Health of a pool driver, as a simple circuit: after `failureThreshold` consecutive failed
 * operations the driver is down, and the first success brings it back up.
 *
 * The scaler reads `isHealthy()` and freezes spawns while the driver is down, so that decisions do
 * not pile up against a runtime that cannot take them.
 */
import type { Logger } from '../log';
import type { DriverError } from './driver';
import type { DriverMetrics } from './metrics';

/** Failures in a row that mark a driver down, unless `driver.options.failure_threshold` is set. */
export const DEFAULT_FAILURE_THRESHOLD = 3;

/** Tracks consecutive failures and logs one line on each transition between up and down. */
export class DriverHealth {
  private consecutiveFailures = 0;
  private isDown = false;

  constructor(
    private readonly driverKind: string,
    private readonly logger: Logger,
    private readonly metrics: DriverMetrics,
    private readonly failureThreshold = DEFAULT_FAILURE_THRESHOLD,
  ) {
    this.metrics.healthy.set({ driver: driverKind }, 1);
  }

  /** True unless the last `failureThreshold` operations all failed. */
  isHealthy(): boolean {
    return !this.isDown;
  }

  /** Records an operation that reached the runtime and got a response. */
  recordSuccess(): void {
    this.consecutiveFailures = 0;
    if (!this.isDown) return;
    this.isDown = false;
    this.metrics.healthy.set({ driver: this.driverKind }, 1);
    this.logger.info({ driver: this.driverKind }, 'pool driver recovered');
  }

  /** Records a failed operation. The threshold-th failure in a row marks the driver down. */
  recordFailure(err: DriverError): void {
    this.consecutiveFailures += 1;
    if (this.isDown || this.consecutiveFailures < this.failureThreshold) return;
    this.isDown = true;
    this.metrics.healthy.set({ driver: this.driverKind }, 0);
    this.logger.error(
      {
        driver: this.driverKind,
        consecutiveFailures: this.consecutiveFailures,
        reason: err.reason,
        err,
      },
      'pool driver down',
    );
  }
}
