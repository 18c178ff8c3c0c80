/**
 * Measures: the named quantities that scaling rules, triggers and `spawn_when` conditions compare
 * against a threshold, each with the PromQL that computes it from catalogue signals.
 *
 * A rule or trigger in the swarm YAML names a measure by its key (`actor_system_load`,
 * `nats_throughput`, `response_time`). A name not listed here needs a `query:` in the config.
 */
import type { Unit } from './signals';

export interface MeasureSpec {
  name: string;
  /** PromQL that yields one series, in `unit`. */
  expr: string;
  unit: Unit;
  description: string;
  /** Catalogue metrics the expression reads, for the "every query returns data" check. */
  metrics: readonly string[];
}

// Snapshot gauges reach every exporter replica, so each replica exports the whole value: they are
// deduplicated with `max without (instance)` before summing. Event counters are split between
// replicas by the NATS queue group, so their rates are summed directly.
//
// Rates use a fixed 1m window: rule expressions are evaluated by Prometheus, where Grafana's
// $__rate_interval does not exist. One minute covers four scrapes at the default 15s interval.
const RATE_WINDOW = '1m';

const MEASURES: readonly MeasureSpec[] = [
  {
    name: 'systemcore_operations',
    expr: 'sum(max without (instance) (systemcore_operations_in_flight))',
    unit: 'short',
    description: 'SystemCore operations in flight',
    metrics: ['systemcore_operations_in_flight'],
  },
  {
    name: 'actor_system_load',
    expr: 'sum(max without (instance) (actors_active))',
    unit: 'short',
    description: 'active actors',
    metrics: ['actors_active'],
  },
  {
    name: 'actor_count',
    expr: 'sum(max without (instance) (actors_active))',
    unit: 'short',
    description: 'active actors',
    metrics: ['actors_active'],
  },
  {
    name: 'database_operations',
    expr: `sum(rate(pg_queries_total[${RATE_WINDOW}]))`,
    unit: 'reqps',
    description: 'PostgreSQL queries per second',
    metrics: ['pg_queries_total'],
  },
  {
    name: 'transport_throughput',
    expr: `sum(rate(nats_messages_processed_total[${RATE_WINDOW}]))`,
    unit: 'ops',
    description: 'NATS messages processed per second',
    metrics: ['nats_messages_processed_total'],
  },
  {
    name: 'nats_throughput',
    expr: `sum(rate(nats_messages_processed_total[${RATE_WINDOW}]))`,
    unit: 'ops',
    description: 'NATS messages processed per second',
    metrics: ['nats_messages_processed_total'],
  },
  {
    name: 'error_rate',
    expr:
      `sum(rate(framework_errors_total[${RATE_WINDOW}]))` +
      ` / clamp_min(sum(rate(framework_requests_total[${RATE_WINDOW}])), 1e-9)`,
    unit: 'percentunit',
    description: 'errors per request',
    metrics: ['framework_errors_total', 'framework_requests_total'],
  },
  {
    name: 'database_connections',
    expr:
      'sum(max without (instance) (pg_pool_active_connections))' +
      ' / clamp_min(sum(max without (instance) (pg_pool_max_connections)), 1)',
    unit: 'percentunit',
    description: 'share of the PostgreSQL pools in use',
    metrics: ['pg_pool_active_connections', 'pg_pool_max_connections'],
  },
  {
    name: 'cpu_utilization',
    expr: 'max(framework_cpu_utilization_ratio)',
    unit: 'percentunit',
    description: 'CPU utilisation',
    metrics: ['framework_cpu_utilization_ratio'],
  },
  {
    name: 'memory_usage',
    expr: 'max(framework_memory_utilization_ratio)',
    unit: 'percentunit',
    description: 'memory utilisation',
    metrics: ['framework_memory_utilization_ratio'],
  },
  {
    name: 'pending_tasks',
    expr: 'sum(max without (instance) (task_queue_depth))',
    unit: 'short',
    description: 'tasks waiting in the queues',
    metrics: ['task_queue_depth'],
  },
  {
    name: 'response_time',
    expr:
      'histogram_quantile(0.99, sum by (le) ' +
      `(rate(framework_request_duration_seconds_bucket[${RATE_WINDOW}])))`,
    unit: 's',
    description: '99th percentile request latency',
    metrics: ['framework_request_duration_seconds'],
  },
  {
    name: 'actor_queue_depth',
    expr: 'max(actor_mailbox_depth)',
    unit: 'short',
    description: 'deepest actor mailbox, by actor type',
    metrics: ['actor_mailbox_depth'],
  },
];

/** Returns the measure with that name, or undefined when the catalogue does not know it. */
export function findMeasure(name: string): MeasureSpec | undefined {
  return MEASURES.find((measure) => measure.name === name);
}

/** Lists every measure name, for error messages that suggest the nearest one. */
export function measureNames(): string[] {
  return MEASURES.map((measure) => measure.name);
}

export { MEASURES };
