/**
 * The swarm model: what the swarm YAML means once it is parsed, validated and resolved.
 *
 * Every quantity is in base units: seconds, ratios in 0..1, events per second, bytes and counts.
 * The exporter, the generator, the scaler and the pool drivers read only this model, never raw YAML.
 */

/** A comparison as written in a `spawn_when` condition. */
export type Comparison = '>' | '>=' | '<' | '<=';

/** Position of a value in the input, for error messages and generated-file headers. */
export interface SourceRef {
  file: string;
  line: number;
  column: number;
  /** Key path such as `scaling_rules.error_rate.threshold`. */
  path: string;
}

/** One agent type declared in a category. */
export interface AgentSpec {
  id: string;
  category: string;
  capabilities: string[];
  /** Events that make the scaler spawn this agent, such as `system initialization`. */
  autoSpawnOn: string[];
  /** Free-form knowledge passed to the agent runtime with a spawn (`config_knowledge` and friends). */
  knowledge: Record<string, unknown>;
  /** Present on dynamic specialists: the condition that spawns one. */
  spawnWhen?: SpawnCondition;
  /** Targets the agent works towards, parsed into base units; absent when the spec states none. */
  targets?: AgentTargets;
}

/**
 * Targets and lifetimes from an agent spec, in base units. The text as written stays in
 * `AgentSpec.knowledge`; these are the same values parsed once.
 */
export interface AgentTargets {
  /** `throughput_target` or `performance_targets.throughput`, in events per second. */
  throughputPerSecond?: number;
  /** `performance_targets.latency_pNN`, in seconds, keyed by quantile name such as `p99`. */
  latencySeconds?: Partial<Record<LatencyQuantile, number>>;
  /** `performance_targets.error_rate`, as a ratio in 0..1. */
  errorRate?: number;
  /** `consistency_window`, in seconds. */
  consistencyWindowSeconds?: number;
  /** `token_config`: token lifetimes in seconds. */
  tokenLifetimeSeconds?: { access?: number; refresh?: number };
  /** `retention_policy`: how long each storage tier keeps data, in seconds. */
  retentionSeconds?: { hot?: number; warm?: number; cold?: number };
}

/** Quantiles a `performance_targets` latency may name. */
export type LatencyQuantile = 'p50' | 'p90' | 'p95' | 'p99' | 'p999';

/** A parsed `spawn_when` such as `response_time > 100ms`. */
export interface SpawnCondition {
  /** The text as written. */
  text: string;
  /** Catalogue measure name, such as `response_time`. */
  measure: string;
  op: Comparison;
  /** Threshold in the measure's base unit. */
  threshold: number;
}

/** An agent category such as `core_architecture`. */
export interface AgentCategory {
  name: string;
  /** Maximum number of agents of this category in the pool at once. */
  capacity: number;
  /** True for categories whose agents only run while their `spawn_when` holds. */
  dynamic: boolean;
  agents: AgentSpec[];
}

/** Rule by which a name in a `spawn` list was resolved to a role. */
export type ResolutionKind = 'id' | 'capability' | 'near' | 'created';

/** A name from a `spawn` list, resolved to the role that the pool runs. */
export interface ResolvedRole {
  /** The name as written in the config. */
  requested: string;
  /** The role id the pool uses: an agent id, or the requested name for a created role. */
  role: string;
  category: string;
  via: ResolutionKind;
  /** The spec sent to the agent runtime on spawn. */
  spec: AgentSpec;
  /** Explanation of the match, for warnings and `swarm-scaler validate`. */
  reason?: string;
}

/** Quantity a trigger or rule watches: a catalogue measure, or a PromQL override. */
export interface Measure {
  /** Catalogue measure name, such as `actor_system_load`. */
  name: string;
  /** PromQL override from the config; when absent the catalogue's expression is used. */
  query?: string;
  /**
   * Unit of the threshold when the catalogue does not know the measure (a `query:` of its own),
   * inferred from how the threshold is written: `80%` is a ratio, `100ms` a duration.
   */
  thresholdKind?: 'count' | 'ratio' | 'rate' | 'duration' | 'bytes';
}

/** An entry of `scaling_rules`: spawn the listed specialists while the measure is above threshold. */
export interface ScalingRule {
  name: string;
  measure: Measure;
  threshold: number;
  spawn: ResolvedRole[];
  /** How long the condition must hold before the alert fires, in seconds. */
  forSeconds: number;
  /** Minimum time between two scale actions of this rule, in seconds. */
  cooldownSeconds: number;
  source?: SourceRef;
}

/** `scaling_triggers.cpu_scaling`. */
export interface CpuTrigger {
  /** PromQL override of the `cpu_utilization` measure. */
  query?: string;
  scaleUpThreshold: number;
  scaleDownThreshold: number;
  agentsPerTrigger: number;
  cooldownSeconds: number;
  forSeconds: number;
}

/** `scaling_triggers.queue_scaling`. */
export interface QueueTrigger {
  /** PromQL override of the `pending_tasks` measure. */
  query?: string;
  pendingTasksThreshold: number;
  scaleUpAgents: number;
  priorityAware: boolean;
  cooldownSeconds: number;
  forSeconds: number;
}

/** `scaling_triggers.error_scaling`. */
export interface ErrorTrigger {
  /** PromQL override of the `error_rate` measure. */
  query?: string;
  errorRateThreshold: number;
  spawn: ResolvedRole[];
  cooldownSeconds: number;
  forSeconds: number;
}

/** One entry of `scaling_triggers.framework_scaling`, such as `actor_count`. */
export interface FrameworkTrigger {
  name: string;
  measure: Measure;
  /** Threshold in base units; a percentage such as `80%` is stored as 0.8. */
  threshold: number;
  spawn: ResolvedRole[];
  cooldownSeconds: number;
  forSeconds: number;
  source?: SourceRef;
}

export interface ScalingTriggers {
  cpu?: CpuTrigger;
  queue?: QueueTrigger;
  error?: ErrorTrigger;
  framework: FrameworkTrigger[];
}

/** A panel query from `framework_metrics`. */
export interface DashboardQuery {
  name: string;
  query: string;
}

/** Scaler timing, with documented defaults where the example config is silent. */
export interface ScalerSettings {
  /** A scale-up is applied at most once per this many seconds for one rule or trigger. */
  scaleUpStabilizationSeconds: number;
  /** A resolved alert retires its agents only after this many seconds without a new firing. */
  scaleDownStabilizationSeconds: number;
  /** Agents whose last heartbeat is older than this are retired by the reconcile loop. */
  heartbeatTtlSeconds: number;
  /** Cron expression of the reconcile loop (node-cron syntax, seconds field allowed). */
  reconcileSchedule: string;
  /** Default `for:` of generated alerts when the config gives none. */
  defaultForSeconds: number;
  /** Default cooldown of rules and triggers when the config gives none. */
  defaultCooldownSeconds: number;
  /**
   * How often Alertmanager repeats the watchdog to the scaler: the generated watchdog route's
   * `repeat_interval` and `group_interval`, and the base of the scaler's scale-down freeze window.
   * The loader always sets it; readers of hand-built models fall back to 60.
   */
  watchdogIntervalSeconds?: number;
}

export type DriverKind = 'in-process' | 'nats' | 'exec' | 'http';

/** The `driver:` section: how the scaler reaches the agent runtime. */
export interface DriverConfig {
  kind: DriverKind;
  /** In-process: delay before a spawned agent reports ready, in seconds. */
  startDelaySeconds: number;
  /** Time allowed for a spawn or retire to be acknowledged, in seconds. */
  timeoutSeconds: number;
  /** Driver-specific settings (subjects, URLs, command templates), validated by the driver. */
  options: Record<string, unknown>;
}

/** The whole swarm, resolved. */
export interface SwarmConfig {
  source: { file: string; format: 'yaml' | 'markdown' };
  swarm: {
    topology: string;
    baseAgents: number;
    maxAgents: number;
  };
  autoScale: {
    enabled: boolean;
    minAgents: number;
    maxAgents: number;
    strategy: string;
  };
  scalingRules: ScalingRule[];
  categories: AgentCategory[];
  triggers: ScalingTriggers;
  dashboards: DashboardQuery[];
  scaler: ScalerSettings;
  driver: DriverConfig;
  /** Every name from every `spawn` list, resolved, in order of first appearance. */
  roles: ResolvedRole[];
}

/** A problem found while loading that does not stop the load. */
export interface ConfigWarning {
  message: string;
  source?: SourceRef;
  /** Stable warning class, such as `name-resolved` or `unknown-metric`; docs/config.md lists them. */
  code?: string;
}

/** The result of loading a config file. */
export interface LoadedConfig {
  config: SwarmConfig;
  warnings: ConfigWarning[];
}
