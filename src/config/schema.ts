/**
 * The zod schema of the swarm YAML as written: keys, shapes and descriptions before resolution.
 *
 * Quantities stay as written here, as a number or a string such as `70%` or `60s`. Each is also
 * parsed here to report unreadable values, and build.ts parses it again into base units. The
 * JSON Schema for editors is generated from this file (`swarm-scaler schema`).
 */
import { z } from 'zod';

import { isConditionProblem, parseCondition } from './condition';
import { parserFor, QuantityError, type QuantityKind } from './quantity';

const PATTERNS: Record<QuantityKind, string> = {
  count: String.raw`^\s*[\d_]+(\.\d+)?\s*[kKMG]?\s*$`,
  ratio: String.raw`^\s*(<=?|>=?)?\s*\d+(\.\d+)?\s*%\s*$`,
  rate: String.raw`^\s*(<=?|>=?)?\s*[\d_]+(\.\d+)?\s*[kKMG]?[\s_]*[A-Za-z_-]*\s*(/\s*[A-Za-z]+)?\s*$`,
  duration: String.raw`^\s*(<=?|>=?)?\s*(\d+(\.\d+)?(ms|s|m|h|d|w))+\s*$`,
  bytes: String.raw`^\s*[\d_]+(\.\d+)?\s*([kKMG]i?B|B)?\s*$`,
};

const EXAMPLES: Record<QuantityKind, (string | number)[]> = {
  count: [20, '1_048_576', '100k'],
  ratio: ['70%', 0.05],
  rate: [1000, '100k_msgs/sec', '3M msgs/sec'],
  duration: ['60s', '30m', '24h', '7d'],
  bytes: ['1_048_576', '1MiB'],
};

/**
 * Builds the schema of a quantity as written. `kind` documents its base unit and feeds the JSON
 * Schema pattern. The value is parsed here too, so that every unreadable quantity is reported
 * with the shape errors.
 */
export function quantity(kind: QuantityKind, description: string) {
  const text = z.string().meta({ pattern: PATTERNS[kind] });
  return z
    .union([z.number(), text])
    .superRefine((value, ctx) => {
      try {
        parserFor(kind)(value);
      } catch (err) {
        if (!(err instanceof QuantityError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.message, params: { issueCode: err.code } });
      }
    })
    .meta({ description, examples: EXAMPLES[kind] });
}

/** Schema of a `spawn_when` condition, checked against the catalogue as it is read. */
const condition = z.string().superRefine((text, ctx) => {
  const result = parseCondition(text);
  if (isConditionProblem(result))
    ctx.addIssue({ code: 'custom', message: result.message, params: { issueCode: result.code } });
});

const duration = (description: string) => quantity('duration', description).optional();

// Role names become label values and agent ids, so they keep to a conservative character set.
const roleName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'expected letters, digits, ".", "_" or "-", such as "saga-coordinator"',
  );
const nameList = z.array(roleName);
const textList = z.array(z.string().min(1));
const promql = z
  .string()
  .min(1)
  .meta({ description: 'PromQL expression, checked when the config loads' });

/** Rule and trigger names become alert names, so they follow Prometheus's name syntax. */
export const ENTRY_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const entryName = z.string().regex(ENTRY_NAME, 'expected a name such as "actor_count"');

/** `performance_targets` of an agent spec. */
export const performanceTargetsSchema = z.strictObject({
  throughput: quantity('rate', 'Target throughput, per second').optional(),
  latency_p50: duration('Median latency target'),
  latency_p90: duration('90th percentile latency target'),
  latency_p95: duration('95th percentile latency target'),
  latency_p99: duration('99th percentile latency target, such as "< 1ms"'),
  latency_p999: duration('99.9th percentile latency target'),
  error_rate: quantity('ratio', 'Highest acceptable error ratio').optional(),
});

/** One agent spec of a category. */
export const agentSpecSchema = z.strictObject({
  id: roleName.meta({
    description: 'Role id of this agent type; names in spawn lists refer to it',
  }),
  capabilities: nameList
    .default([])
    .meta({ description: 'What the agent can do; spawn lists may name these' }),
  auto_spawn_on: textList
    .default([])
    .meta({ description: 'Framework events that spawn this agent' }),
  spawn_when: condition.optional().meta({
    description:
      'Condition "<measure> <op> <value>" that spawns this agent, such as "response_time > 100ms"',
  }),
  config_knowledge: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({ description: 'Free-form settings passed to the agent on spawn' }),
  pattern_knowledge: textList
    .optional()
    .meta({ description: 'Patterns the agent knows, passed on spawn' }),
  supported_protocols: textList
    .optional()
    .meta({ description: 'Protocols the agent bridges, passed on spawn' }),
  throughput_target: quantity('rate', 'Throughput the agent works towards, per second').optional(),
  performance_targets: performanceTargetsSchema.optional(),
  consistency_window: duration('Longest time the data stores may disagree'),
  token_config: z
    .strictObject({
      access_duration: duration('Lifetime of an access token'),
      refresh_duration: duration('Lifetime of a refresh token'),
    })
    .optional(),
  retention_policy: z
    .strictObject({
      hot: duration('How long the hot tier keeps data'),
      warm: duration('How long the warm tier keeps data'),
      cold: duration('How long the cold tier keeps data'),
    })
    .optional(),
});

/** An agent category: a plain list of specs, or `{capacity, dynamic, agents}`. */
export const categorySchema = z.union([
  z
    .array(agentSpecSchema)
    .meta({ description: 'Agent types of this category; its capacity is their count' }),
  z.strictObject({
    capacity: z
      .number()
      .int()
      .positive()
      .meta({ description: 'Most agents of this category in the pool at once' }),
    dynamic: z.boolean().optional().meta({
      description:
        'Whether agents run only while their spawn_when holds. Default: true when any agent has spawn_when',
    }),
    agents: z.array(agentSpecSchema),
  }),
]);

const measured = {
  measure: z
    .string()
    .optional()
    .meta({ description: 'Catalogue measure to watch; default: the entry name' }),
  query: promql.optional().meta({ description: 'PromQL that replaces the measure expression' }),
  for: duration('How long the condition must hold before it fires'),
  cooldown: duration('Least time between two scale actions of this entry'),
};

/** One entry of `scaling_rules`. */
export const scalingRuleSchema = z.strictObject({
  threshold: z
    .union([z.number(), z.string()])
    .meta({ description: "Threshold in the measure's unit: a count, ratio, rate or duration" }),
  spawn_agents: nameList
    .min(1)
    .meta({ description: 'Agent ids, capabilities or new role names to spawn, one agent each' }),
  ...measured,
});

/** One entry of `scaling_triggers.framework_scaling`. */
export const frameworkTriggerSchema = z.strictObject({
  threshold: z.union([z.number(), z.string()]).meta({
    description: 'Threshold in the measure\'s unit, such as 50, "80%" or "100k_msgs/sec"',
  }),
  spawn: nameList
    .min(1)
    .meta({ description: 'Agent ids, capabilities or new role names to spawn, one agent each' }),
  ...measured,
});

const timing = { cooldown: measured.cooldown, for: measured.for, query: measured.query };

/** The `scaling_triggers` section. */
export const scalingTriggersSchema = z.strictObject({
  cpu_scaling: z
    .strictObject({
      scale_up_threshold: quantity('ratio', 'CPU utilisation that adds agents'),
      scale_down_threshold: quantity('ratio', 'CPU utilisation that retires agents'),
      agents_per_trigger: z.number().int().positive(),
      ...timing,
    })
    .optional(),
  queue_scaling: z
    .strictObject({
      pending_tasks_threshold: quantity('count', 'Pending tasks that add agents'),
      scale_up_agents: z.number().int().positive(),
      priority_aware: z
        .boolean()
        .default(false)
        .meta({ description: 'Serve critical and high priority queues first' }),
      ...timing,
    })
    .optional(),
  error_scaling: z
    .strictObject({
      error_rate_threshold: quantity('ratio', 'Error ratio that spawns the specialists'),
      spawn_specialists: nameList.min(1),
      ...timing,
    })
    .optional(),
  framework_scaling: z.record(entryName, frameworkTriggerSchema).default({}),
});

/** The `scaler` section: swarm-scaler's own timing settings. */
export const scalerSchema = z.strictObject({
  scale_up_stabilization: duration('Least time between two scale-ups of one rule'),
  scale_down_stabilization: duration(
    'Time a resolved alert must stay resolved before agents retire',
  ),
  heartbeat_ttl: duration('Agents silent for longer are retired'),
  reconcile_schedule: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'node-cron expression of the reconcile loop' }),
  default_for: duration('"for" of rules and triggers that set none'),
  default_cooldown: duration('Cooldown of rules and triggers that set none'),
  watchdog_interval: duration(
    'How often Alertmanager repeats the watchdog; the scaler freezes scale-down after two misses',
  ),
});

/** The `driver` section: how the scaler reaches the agent runtime. */
export const driverSchema = z.strictObject({
  kind: z.enum(['in-process', 'nats', 'exec', 'http']).default('in-process'),
  start_delay: duration('In-process driver: delay before a spawned agent is ready'),
  timeout: duration('Time allowed for a spawn or retire to be acknowledged'),
  options: z
    .record(z.string(), z.unknown())
    .default({})
    .meta({ description: 'Driver-specific settings' }),
});

/** The `swarm` section with `auto_scale`. */
export const swarmSectionSchema = z.strictObject({
  topology: z.enum(['hierarchical', 'mesh', 'ring', 'star']).default('hierarchical'),
  base_agents: z.number().int().nonnegative().meta({ description: 'Agents always running' }),
  max_agents: z.number().int().positive().meta({ description: 'Hard limit of the pool' }),
  auto_scale: z
    .strictObject({
      enabled: z.boolean().default(true),
      min_agents: z
        .number()
        .int()
        .nonnegative()
        .optional()
        .meta({ description: 'Default: swarm.base_agents' }),
      max_agents: z
        .number()
        .int()
        .positive()
        .optional()
        .meta({ description: 'Default: swarm.max_agents' }),
      strategy: z.enum(['framework-aware']).default('framework-aware'),
    })
    .optional(),
});

/** One panel of `framework_metrics`. */
export const dashboardQuerySchema = z.strictObject({
  name: z.string().min(1),
  query: promql,
});

/** Top-level sections other than agent categories. */
export const SECTION_KEYS = [
  'swarm',
  'scaling_rules',
  'scaling_triggers',
  'framework_metrics',
  'scaler',
  'driver',
] as const;

/** The whole file: known sections, and every other top-level key is an agent category. */
export const swarmFileSchema = z
  .object({
    swarm: swarmSectionSchema,
    scaling_rules: z.record(entryName, scalingRuleSchema).default({}),
    scaling_triggers: scalingTriggersSchema.optional(),
    framework_metrics: z.array(dashboardQuerySchema).default([]),
    scaler: scalerSchema.optional(),
    driver: driverSchema.optional(),
  })
  .catchall(categorySchema)
  .meta({
    title: 'swarm-scaler swarm config',
    description: 'Agent swarm, scaling rules and triggers',
  });

/** The validated file, before quantities are parsed and names resolved. */
export type SwarmFile = z.infer<typeof swarmFileSchema>;
/** One validated agent spec. */
export type AgentSpecFile = z.infer<typeof agentSpecSchema>;
/** One validated agent category. */
export type CategoryFile = z.infer<typeof categorySchema>;
