/**
 * The catalogue of framework signals: every metric the exporter publishes, described once.
 *
 * The exporter registers its collectors from this list, the generator builds rule expressions and
 * dashboard panels from it, and the docs list it. Label sets are closed so that no id can create a
 * series: values outside `values` are folded into `other` by the exporter.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Unit of a metric or measure, as Grafana names it where one exists. */
export type Unit = 'short' | 'percentunit' | 's' | 'ops' | 'bytes' | 'reqps';

export interface LabelSpec {
  name: string;
  /** Allowed values; anything else is exported as `other`. Absent means free but bounded by `maxValues`. */
  values?: readonly string[];
  /** For labels without a fixed list: the number of distinct values kept before folding into `other`. */
  maxValues?: number;
}

/** Source of a signal's values in the exporter. */
export type SignalSource = 'event' | 'snapshot' | 'probe' | 'pool';

export interface Signal {
  /** Metric name as exported, without the `_bucket`/`_sum`/`_count` suffixes of histograms. */
  metric: string;
  type: MetricType;
  help: string;
  unit: Unit;
  labels: readonly LabelSpec[];
  source: SignalSource;
  /** Framework layer, used to group dashboard rows. */
  layer: Layer;
  /** Histogram bucket bounds in the metric's base unit. */
  buckets?: readonly number[];
}

export type Layer = 'systemcore' | 'actors' | 'eventbus' | 'data' | 'transport' | 'runtime' | 'pool';

export const ACTOR_TYPES = ['supervisor', 'worker', 'router', 'system', 'agent'] as const;
export const SUPERVISION_STRATEGIES = ['one_for_one', 'one_for_all', 'rest_for_one', 'escalate'] as const;
export const ERROR_KINDS = [
  'system',
  'actor',
  'transport',
  'database',
  'timeout',
  'validation',
  'resource',
] as const;
export const TASK_PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;
export const PG_POOLS = ['primary', 'replica', 'background'] as const;
export const KV_BUCKETS = ['session', 'agent_state', 'cache'] as const;
export const KV_OPERATIONS = ['get', 'put', 'delete'] as const;
export const LIFECYCLE_EVENTS = ['system_initialization', 'component_registration'] as const;
export const EVENTBUS_KINDS = ['domain', 'system', 'lifecycle', 'other'] as const;

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const INIT_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10];

const label = (name: string, values: readonly string[]): LabelSpec => ({ name, values });

/** Every signal the exporter publishes, in dashboard order. */
export const SIGNALS: readonly Signal[] = [
  {
    metric: 'systemcore_components_active',
    type: 'gauge',
    help: 'SystemCore components currently registered and running.',
    unit: 'short',
    labels: [],
    source: 'snapshot',
    layer: 'systemcore',
  },
  {
    metric: 'systemcore_operations_in_flight',
    type: 'gauge',
    help: 'SystemCore operations currently executing.',
    unit: 'short',
    labels: [],
    source: 'snapshot',
    layer: 'systemcore',
  },
  {
    metric: 'systemcore_init_duration_seconds',
    type: 'histogram',
    help: 'Time SystemCore took to initialise, per initialisation.',
    unit: 's',
    labels: [],
    source: 'event',
    layer: 'systemcore',
    buckets: INIT_BUCKETS,
  },
  {
    metric: 'systemcore_lifecycle_events_total',
    type: 'counter',
    help: 'SystemCore lifecycle events, such as initialisation and component registration.',
    unit: 'short',
    labels: [label('event', LIFECYCLE_EVENTS)],
    source: 'event',
    layer: 'systemcore',
  },
  {
    metric: 'actors_active',
    type: 'gauge',
    help: 'Actors currently alive, by actor type.',
    unit: 'short',
    labels: [label('actor_type', ACTOR_TYPES)],
    source: 'snapshot',
    layer: 'actors',
  },
  {
    metric: 'actor_mailbox_depth',
    type: 'gauge',
    help: 'Messages waiting in actor mailboxes, summed by actor type.',
    unit: 'short',
    labels: [label('actor_type', ACTOR_TYPES)],
    source: 'snapshot',
    layer: 'actors',
  },
  {
    metric: 'actor_message_routing_duration_seconds',
    type: 'histogram',
    help: 'Time from sending a message to its delivery into an actor mailbox.',
    unit: 's',
    labels: [],
    source: 'event',
    layer: 'actors',
    buckets: LATENCY_BUCKETS,
  },
  {
    metric: 'supervision_restarts_total',
    type: 'counter',
    help: 'Actor restarts performed by supervisors, by restart strategy.',
    unit: 'short',
    labels: [label('strategy', SUPERVISION_STRATEGIES)],
    source: 'event',
    layer: 'actors',
  },
  {
    metric: 'eventbus_events_total',
    type: 'counter',
    help: 'Events published on the event bus, by event kind.',
    unit: 'short',
    labels: [label('kind', EVENTBUS_KINDS)],
    source: 'event',
    layer: 'eventbus',
  },
  {
    metric: 'eventbus_dead_letters_total',
    type: 'counter',
    help: 'Events moved to the dead-letter queue.',
    unit: 'short',
    labels: [],
    source: 'event',
    layer: 'eventbus',
  },
  {
    metric: 'framework_requests_total',
    type: 'counter',
    help: 'Requests handled by the framework, the denominator of the error rate.',
    unit: 'short',
    labels: [],
    source: 'event',
    layer: 'eventbus',
  },
  {
    metric: 'framework_request_duration_seconds',
    type: 'histogram',
    help: 'Request handling latency.',
    unit: 's',
    labels: [],
    source: 'event',
    layer: 'eventbus',
    buckets: LATENCY_BUCKETS,
  },
  {
    metric: 'framework_errors_total',
    type: 'counter',
    help: 'Errors raised in the framework, by error kind.',
    unit: 'short',
    labels: [label('kind', ERROR_KINDS)],
    source: 'event',
    layer: 'eventbus',
  },
  {
    metric: 'error_recovery_attempts_total',
    type: 'counter',
    help: 'Recovery attempts after an error, by error kind.',
    unit: 'short',
    labels: [label('kind', ERROR_KINDS)],
    source: 'event',
    layer: 'eventbus',
  },
  {
    metric: 'error_recovery_successes_total',
    type: 'counter',
    help: 'Recovery attempts that succeeded, by error kind.',
    unit: 'short',
    labels: [label('kind', ERROR_KINDS)],
    source: 'event',
    layer: 'eventbus',
  },
  {
    metric: 'task_queue_depth',
    type: 'gauge',
    help: 'Tasks waiting in the task queues, by priority.',
    unit: 'short',
    labels: [label('priority', TASK_PRIORITIES)],
    source: 'snapshot',
    layer: 'runtime',
  },
  {
    metric: 'framework_cpu_utilization_ratio',
    type: 'gauge',
    help: 'CPU utilisation of the framework runtime, 0 to 1.',
    unit: 'percentunit',
    labels: [],
    source: 'snapshot',
    layer: 'runtime',
  },
  {
    metric: 'framework_memory_utilization_ratio',
    type: 'gauge',
    help: 'Memory utilisation of the framework runtime against its limit, 0 to 1.',
    unit: 'percentunit',
    labels: [],
    source: 'snapshot',
    layer: 'runtime',
  },
  {
    metric: 'pg_queries_total',
    type: 'counter',
    help: 'PostgreSQL queries executed by the framework, by connection pool.',
    unit: 'short',
    labels: [label('pool', PG_POOLS)],
    source: 'event',
    layer: 'data',
  },
  {
    metric: 'pg_query_duration_seconds',
    type: 'histogram',
    help: 'PostgreSQL query latency, by connection pool.',
    unit: 's',
    labels: [label('pool', PG_POOLS)],
    source: 'event',
    layer: 'data',
    buckets: LATENCY_BUCKETS,
  },
  {
    metric: 'pg_pool_active_connections',
    type: 'gauge',
    help: 'Connections of a pool currently running a query.',
    unit: 'short',
    labels: [label('pool', PG_POOLS)],
    source: 'snapshot',
    layer: 'data',
  },
  {
    metric: 'pg_pool_idle_connections',
    type: 'gauge',
    help: 'Open connections of a pool that are idle.',
    unit: 'short',
    labels: [label('pool', PG_POOLS)],
    source: 'snapshot',
    layer: 'data',
  },
  {
    metric: 'pg_pool_waiting_clients',
    type: 'gauge',
    help: 'Clients waiting for a connection from a pool.',
    unit: 'short',
    labels: [label('pool', PG_POOLS)],
    source: 'snapshot',
    layer: 'data',
  },
  {
    metric: 'pg_pool_max_connections',
    type: 'gauge',
    help: 'Configured maximum size of a pool.',
    unit: 'short',
    labels: [label('pool', PG_POOLS)],
    source: 'snapshot',
    layer: 'data',
  },
  {
    metric: 'jetstream_kv_operations_total',
    type: 'counter',
    help: 'JetStream KV operations, by bucket and operation.',
    unit: 'short',
    labels: [label('bucket', KV_BUCKETS), label('operation', KV_OPERATIONS)],
    source: 'event',
    layer: 'data',
  },
  {
    metric: 'jetstream_kv_hits_total',
    type: 'counter',
    help: 'JetStream KV reads that found a value, by bucket.',
    unit: 'short',
    labels: [label('bucket', KV_BUCKETS)],
    source: 'event',
    layer: 'data',
  },
  {
    metric: 'jetstream_kv_misses_total',
    type: 'counter',
    help: 'JetStream KV reads that found no value, by bucket.',
    unit: 'short',
    labels: [label('bucket', KV_BUCKETS)],
    source: 'event',
    layer: 'data',
  },
  {
    metric: 'nats_messages_processed_total',
    type: 'counter',
    help: 'NATS messages processed by the framework.',
    unit: 'short',
    labels: [],
    source: 'event',
    layer: 'transport',
  },
  {
    metric: 'swarm_agents',
    type: 'gauge',
    help: 'Agents in the pool, by category, role and state.',
    unit: 'short',
    labels: [
      { name: 'category', maxValues: 64 },
      { name: 'role', maxValues: 256 },
      label('state', ['starting', 'running', 'retiring', 'failed']),
    ],
    source: 'pool',
    layer: 'pool',
  },
];

/** Returns the catalogue entry for a metric name, or undefined. */
export function findSignal(metric: string): Signal | undefined {
  return SIGNALS.find((signal) => signal.metric === metric);
}
