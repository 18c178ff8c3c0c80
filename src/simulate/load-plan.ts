/**
 * The simulator's load for each phase, derived from the config's thresholds so that no alert
 * fires in `steady` and `calm`, and in `surge` only the actor-load rule fires: `actors_active`
 * rises strictly between the `actor_system_load` and `actor_count` thresholds.
 */
import { ACTOR_TYPES, PG_POOLS, TASK_PRIORITIES, findSignal } from '../catalog/signals';
import type { SwarmConfig } from '../config/model';
import { configuredPoolSizes } from '../exporter/config-facts';
import { collectThresholds, type ThresholdMap } from './thresholds';

export type Phase = 'steady' | 'surge' | 'calm';

/** Share of a threshold the load sits at, per phase. */
const PHASE_FRACTION: Record<Phase, number> = { steady: 0.4, surge: 0.4, calm: 0.2 };

/** Gauge values and event rates of one phase. */
export interface LoadPlan {
  phase: Phase;
  /** Snapshot gauges by metric: a number, or numbers by label value. */
  gauges: Record<string, number | Record<string, number>>;
  /** Events per second by kind (before `--rate` scaling of the unconstrained kinds). */
  rates: {
    pgQueries: number;
    natsMessages: number;
    requests: number;
    errorsPerRequest: number;
  };
  /** Maximum request and query latency to draw, in seconds. */
  maxLatencySeconds: number;
}

/** Raised when the config leaves no load that satisfies the simulator's promises. */
export class LoadPlanError extends Error {
  override name = 'LoadPlanError';
  readonly code = 'SIMULATE_NO_LOAD';
}

/** Returns the integer total below `threshold` at `fraction` of it: at least 1 while 1 fits. */
function countBelow(threshold: number | undefined, fraction: number, fallback: number): number {
  if (threshold === undefined) return fallback;
  const ceiling = Math.ceil(threshold) - 1;
  return Math.max(Math.min(1, ceiling), Math.min(ceiling, Math.floor(threshold * fraction)));
}

/** Spreads `total` over `keys` as evenly as integers allow, earlier keys first. */
export function spread(keys: readonly string[], total: number): Record<string, number> {
  const result: Record<string, number> = {};
  keys.forEach((key, index) => {
    result[key] = Math.floor(total / keys.length) + (index < total % keys.length ? 1 : 0);
  });
  return result;
}

/** Returns the number of actors the surge holds: the middle of the open actor-load band. */
export function surgeActors(thresholds: ThresholdMap): number {
  const low = thresholds.upper.get('actor_system_load');
  const high = thresholds.upper.get('actor_count');
  if (low === undefined || high === undefined) {
    throw new LoadPlanError(
      'the surge needs both an actor_system_load rule and an actor_count trigger in the config; ' +
        'add them or run another --shape',
    );
  }
  const middle = Math.floor((low + high) / 2);
  if (!(middle > low && middle < high)) {
    throw new LoadPlanError(
      `no whole number of actors lies strictly between actor_system_load (${low}) and ` +
        `actor_count (${high}); raise actor_count or lower actor_system_load`,
    );
  }
  return middle;
}

/** Returns the largest request latency bucket bound not above `limitSeconds`. */
function latencyBelow(limitSeconds: number | undefined): number {
  const buckets = findSignal('framework_request_duration_seconds')?.buckets ?? [0.01];
  if (limitSeconds === undefined) return buckets[Math.floor(buckets.length / 2)];
  const fitting = buckets.filter((bound) => bound <= limitSeconds * 0.5);
  return fitting.length > 0 ? fitting[fitting.length - 1] : limitSeconds * 0.25;
}

/** Plans the load of `phase` for `config`. */
export function planLoad(config: SwarmConfig, phase: Phase): LoadPlan {
  const thresholds = collectThresholds(config);
  const limit = (measure: string): number | undefined => thresholds.upper.get(measure);
  const fraction = PHASE_FRACTION[phase];
  const lowest = (...measures: string[]): number | undefined => {
    const values = measures.map(limit).filter((v): v is number => v !== undefined);
    return values.length > 0 ? Math.min(...values) : undefined;
  };

  const actorLimit = lowest('actor_system_load', 'actor_count');
  const actors = phase === 'surge' ? surgeActors(thresholds) : countBelow(actorLimit, fraction, 5);
  const poolSizes = configuredPoolSizes(config);
  const maxConnections = Object.fromEntries(
    PG_POOLS.map((pool) => [pool, poolSizes.get(pool) ?? 10]),
  );
  const totalMax = Object.values(maxConnections).reduce((a, b) => a + b, 0);
  const activeConnections = countBelow(
    totalMax * (limit('database_connections') ?? 1),
    fraction,
    3,
  );
  const cpuHigh = limit('cpu_utilization') ?? 1;
  const cpuLow = thresholds.cpuScaleDown ?? 0;

  return {
    phase,
    gauges: {
      systemcore_components_active: 8,
      systemcore_operations_in_flight: countBelow(limit('systemcore_operations'), fraction, 2),
      actors_active: spread(ACTOR_TYPES, actors),
      actor_mailbox_depth: spread(
        ACTOR_TYPES,
        countBelow(limit('actor_queue_depth'), fraction * 0.1, 10),
      ),
      task_queue_depth: spread(TASK_PRIORITIES, countBelow(limit('pending_tasks'), fraction, 8)),
      framework_cpu_utilization_ratio: cpuLow + (cpuHigh - cpuLow) * (phase === 'calm' ? 0.4 : 0.5),
      framework_memory_utilization_ratio: (limit('memory_usage') ?? 1) * fraction,
      pg_pool_active_connections: spread(PG_POOLS, activeConnections),
      pg_pool_idle_connections: spread(PG_POOLS, PG_POOLS.length * 2),
      pg_pool_waiting_clients: spread(PG_POOLS, 1),
      pg_pool_max_connections: maxConnections,
    },
    rates: {
      pgQueries: (lowest('database_operations') ?? 100) * fraction,
      natsMessages: (lowest('transport_throughput', 'nats_throughput') ?? 1000) * fraction,
      requests: 20,
      errorsPerRequest: (limit('error_rate') ?? 0.05) * fraction,
    },
    maxLatencySeconds: latencyBelow(limit('response_time')),
  };
}
