/**
 * The parts every driver shares: a child logger, the operation tracker (deadline, metrics,
 * health) and the heartbeat listeners.
 */
import type { Registry } from 'prom-client';

import type { Logger } from '../log';
import { DEFAULT_FAILURE_THRESHOLD, DriverHealth } from './health';
import { HeartbeatHub } from './heartbeat-hub';
import { registerDriverMetrics, type DriverMetrics } from './metrics';
import { OperationTracker } from './operation-tracker';

/** Settings common to every driver. */
export interface DriverRuntimeOptions {
  logger: Logger;
  registry: Registry;
  /** Deadline of each spawn or retire, in milliseconds. */
  timeoutMs: number;
  /** Consecutive failures that mark the driver down. */
  failureThreshold?: number;
}

/** The shared parts of one driver instance. */
export interface DriverRuntime {
  logger: Logger;
  metrics: DriverMetrics;
  tracker: OperationTracker;
  health: DriverHealth;
  heartbeats: HeartbeatHub;
}

/** Creates the shared parts for a driver of kind `driverKind`. */
export function createDriverRuntime(
  driverKind: string,
  options: DriverRuntimeOptions,
): DriverRuntime {
  const logger = options.logger.child({ component: 'pool-driver', driver: driverKind });
  const metrics = registerDriverMetrics(options.registry);
  const threshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
  const health = new DriverHealth(driverKind, logger, metrics, threshold);
  const tracker = new OperationTracker({
    driverKind,
    logger,
    metrics,
    health,
    timeoutMs: options.timeoutMs,
  });
  return { logger, metrics, tracker, health, heartbeats: new HeartbeatHub(logger) };
}
