/**
 * The zod schema of the swarm YAML as written: keys, shapes and quantities before resolution.
 */
import { z } from 'zod';

const quantity = z.union([z.number(), z.string()]);
const nameList = z.array(z.string().min(1));

export const agentSpecSchema = z
  .object({
    id: z.string().min(1),
    capabilities: nameList.default([]),
    auto_spawn_on: nameList.default([]),
    spawn_when: z.string().optional(),
    config_knowledge: z.record(z.string(), z.unknown()).optional(),
  })
  .catchall(z.unknown());

export const categorySchema = z.union([
  z.array(agentSpecSchema),
  z.strictObject({
    capacity: z.number().int().positive(),
    dynamic: z.boolean().optional(),
    agents: z.array(agentSpecSchema),
  }),
]);

export const scalingRuleSchema = z.strictObject({
  threshold: quantity,
  spawn_agents: nameList.min(1),
  query: z.string().optional(),
  for: z.string().optional(),
  cooldown: z.string().optional(),
});

export const frameworkTriggerSchema = z.strictObject({
  threshold: quantity,
  spawn: nameList.min(1),
  query: z.string().optional(),
  for: z.string().optional(),
  cooldown: z.string().optional(),
});

export const scalingTriggersSchema = z.strictObject({
  cpu_scaling: z
    .strictObject({
      scale_up_threshold: quantity,
      scale_down_threshold: quantity,
      agents_per_trigger: z.number().int().positive(),
      cooldown: z.string(),
      for: z.string().optional(),
    })
    .optional(),
  queue_scaling: z
    .strictObject({
      pending_tasks_threshold: quantity,
      scale_up_agents: z.number().int().positive(),
      priority_aware: z.boolean().default(false),
      cooldown: z.string().optional(),
      for: z.string().optional(),
    })
    .optional(),
  error_scaling: z
    .strictObject({
      error_rate_threshold: quantity,
      spawn_specialists: nameList.min(1),
      cooldown: z.string().optional(),
      for: z.string().optional(),
    })
    .optional(),
  framework_scaling: z.record(z.string(), frameworkTriggerSchema).default({}),
});

export const scalerSchema = z.strictObject({
  scale_up_stabilization: z.string().optional(),
  scale_down_stabilization: z.string().optional(),
  heartbeat_ttl: z.string().optional(),
  reconcile_schedule: z.string().optional(),
  default_for: z.string().optional(),
  default_cooldown: z.string().optional(),
});

export const driverSchema = z.strictObject({
  kind: z.enum(['in-process', 'nats', 'exec', 'http']).default('in-process'),
  start_delay: z.string().optional(),
  timeout: z.string().optional(),
  options: z.record(z.string(), z.unknown()).default({}),
});

export const swarmFileSchema = z
  .object({
    swarm: z.strictObject({
      topology: z.string().default('hierarchical'),
      base_agents: z.number().int().nonnegative(),
      max_agents: z.number().int().positive(),
      auto_scale: z
        .strictObject({
          enabled: z.boolean().default(true),
          min_agents: z.number().int().nonnegative(),
          max_agents: z.number().int().positive(),
          strategy: z.string().default('framework-aware'),
        })
        .optional(),
    }),
    scaling_rules: z.record(z.string(), scalingRuleSchema).default({}),
    scaling_triggers: scalingTriggersSchema.optional(),
    framework_metrics: z.array(z.strictObject({ name: z.string(), query: z.string() })).default([]),
    scaler: scalerSchema.optional(),
    driver: driverSchema.optional(),
  })
  .catchall(categorySchema);

export type SwarmFile = z.infer<typeof swarmFileSchema>;
