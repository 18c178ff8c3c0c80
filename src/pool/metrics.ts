/**
 * Metrics of pool drivers: operations, failures by reason, latency and health.
 *
 * Several drivers (and tests) may share one registry, so each metric is created once per registry
 * and looked up afterwards instead of being registered twice.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Operations a driver performs against its runtime. */
export type DriverOperation = 'spawn' | 'retire' | 'status';

/** Result label of `swarm_pool_driver_operations_total`. */
export type OperationOutcome = 'success' | 'failure';

/** The collectors a driver writes to. */
export interface DriverMetrics {
  operations: Counter<'driver' | 'operation' | 'outcome'>;
  failures: Counter<'driver' | 'operation' | 'reason'>;
  duration: Histogram<'driver' | 'operation'>;
  healthy: Gauge<'driver'>;
  /** Exit statuses of exec driver commands: the code, or the signal that ended the process. */
  execExits: Counter<'operation' | 'status'>;
}

/** Latency buckets in seconds: from a local call (ms) to a slow spawn near the default timeout. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Creates the driver metrics on `registry`, or returns the ones already registered there. */
export function registerDriverMetrics(registry: Registry): DriverMetrics {
  return {
    operations: reuse(
      registry,
      'swarm_pool_driver_operations_total',
      () =>
        new Counter({
          name: 'swarm_pool_driver_operations_total',
          help: 'Pool driver operations (spawn, retire, status), by driver and outcome.',
          labelNames: ['driver', 'operation', 'outcome'] as const,
          registers: [registry],
        }),
    ),
    failures: reuse(
      registry,
      'swarm_pool_driver_failures_total',
      () =>
        new Counter({
          name: 'swarm_pool_driver_failures_total',
          help: 'Failed pool driver operations, by driver, operation and failure reason.',
          labelNames: ['driver', 'operation', 'reason'] as const,
          registers: [registry],
        }),
    ),
    duration: reuse(
      registry,
      'swarm_pool_driver_operation_duration_seconds',
      () =>
        new Histogram({
          name: 'swarm_pool_driver_operation_duration_seconds',
          help: 'Time from a pool driver operation start to its acknowledgement or failure.',
          labelNames: ['driver', 'operation'] as const,
          buckets: DURATION_BUCKETS,
          registers: [registry],
        }),
    ),
    healthy: reuse(
      registry,
      'swarm_pool_driver_healthy',
      () =>
        new Gauge({
          name: 'swarm_pool_driver_healthy',
          help: '1 while the pool driver is healthy, 0 after consecutive failures marked it down.',
          labelNames: ['driver'] as const,
          registers: [registry],
        }),
    ),
    execExits: reuse(
      registry,
      'swarm_pool_exec_exits_total',
      () =>
        new Counter({
          name: 'swarm_pool_exec_exits_total',
          help: 'Commands run by the exec pool driver, by operation and exit status (code or signal).',
          labelNames: ['operation', 'status'] as const,
          registers: [registry],
        }),
    ),
  };
}

function reuse<T>(registry: Registry, name: string, create: () => T): T {
  const existing = registry.getSingleMetric(name);
  return existing ? (existing as unknown as T) : create();
}
