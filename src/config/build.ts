/**
 * Builds the resolved swarm model from the validated YAML: quantities in base units, categories,
 * roles resolved, and documented defaults filled in.
 */
import { findMeasure } from '../catalog/measures';
import type { ConfigIssue } from './errors';
import type {
  AgentCategory,
  AgentSpec,
  Comparison,
  ConfigWarning,
  ResolvedRole,
  ScalerSettings,
  SourceRef,
  SpawnCondition,
  SwarmConfig,
} from './model';
import { parseDuration, parseNumber, parseRate, parseRatio, QuantityError } from './quantity';
import { RoleResolver } from './resolve';
import type { SwarmFile } from './schema';

/** Defaults used where the config is silent; docs/config.md lists them. */
export const DEFAULTS = {
  forSeconds: 30,
  cooldownSeconds: 60,
  scaleUpStabilizationSeconds: 0,
  scaleDownStabilizationSeconds: 60,
  heartbeatTtlSeconds: 30,
  reconcileSchedule: '*/10 * * * * *',
  startDelaySeconds: 1,
  driverTimeoutSeconds: 10,
} as const;

interface BuildContext {
  file: string;
  format: 'yaml' | 'markdown';
  strict: boolean;
  locate: (path: (string | number)[]) => SourceRef;
}

const RESERVED_KEYS = new Set(['swarm', 'scaling_rules', 'scaling_triggers', 'framework_metrics', 'scaler', 'driver']);
const KNOWN_AGENT_KEYS = new Set(['id', 'capabilities', 'auto_spawn_on', 'spawn_when']);

/** Builds the model; problems come back as issues rather than exceptions so all are reported. */
export function buildModel(
  data: SwarmFile,
  context: BuildContext,
): { config: SwarmConfig; warnings: ConfigWarning[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigWarning[] = [];
  const quantity = <T>(path: (string | number)[], parse: (value: unknown) => number, value: unknown, fallback: T): number | T => {
    if (value === undefined) return fallback;
    try {
      return parse(value);
    } catch (err) {
      if (!(err instanceof QuantityError)) throw err;
      issues.push({ message: err.message, source: context.locate(path) });
      return fallback;
    }
  };

  const categories = buildCategories(data, context, issues, quantity);
  const resolver = new RoleResolver(categories, context.strict);
  const resolveList = (names: string[], path: (string | number)[]): ResolvedRole[] => {
    const first = names.map((name) => resolver.resolve(name, ''));
    const anchor = first.find((role): role is ResolvedRole => typeof role !== 'string' && role.via !== 'created');
    return names.flatMap((name, index) => {
      const role = resolver.resolve(name, anchor?.category ?? '');
      if (typeof role === 'string') {
        issues.push({ message: `${role}: define it as an agent, or load without --strict`, source: context.locate([...path, index]) });
        return [];
      }
      if (role.via !== 'id') {
        warnings.push({
          message: `"${name}" resolved to role "${role.role}" in ${role.category} (${describe(role)})`,
          source: context.locate([...path, index]),
        });
      }
      return [role];
    });
  };

  const scaler = buildScaler(data, quantity);
  const durationOr = (path: (string | number)[], value: string | undefined, fallback: number) =>
    quantity(path, parseDuration, value, fallback);

  const scalingRules = Object.entries(data.scaling_rules).map(([name, rule]) => {
    const path = ['scaling_rules', name];
    checkMeasure(name, rule.query, path, context, issues);
    return {
      name,
      measure: { name, query: rule.query },
      threshold: quantity([...path, 'threshold'], thresholdParser(name), rule.threshold, 0),
      spawn: resolveList(rule.spawn_agents, [...path, 'spawn_agents']),
      forSeconds: durationOr([...path, 'for'], rule.for, scaler.defaultForSeconds),
      cooldownSeconds: durationOr([...path, 'cooldown'], rule.cooldown, scaler.defaultCooldownSeconds),
      source: context.locate(path),
    };
  });

  const raw = data.scaling_triggers;
  const triggers: SwarmConfig['triggers'] = { framework: [] };
  if (raw?.cpu_scaling) {
    const cpu = raw.cpu_scaling;
    const path = ['scaling_triggers', 'cpu_scaling'];
    triggers.cpu = {
      scaleUpThreshold: quantity([...path, 'scale_up_threshold'], parseRatio, cpu.scale_up_threshold, 0.7),
      scaleDownThreshold: quantity([...path, 'scale_down_threshold'], parseRatio, cpu.scale_down_threshold, 0.3),
      agentsPerTrigger: cpu.agents_per_trigger,
      cooldownSeconds: durationOr([...path, 'cooldown'], cpu.cooldown, scaler.defaultCooldownSeconds),
      forSeconds: durationOr([...path, 'for'], cpu.for, scaler.defaultForSeconds),
    };
  }
  if (raw?.queue_scaling) {
    const queue = raw.queue_scaling;
    const path = ['scaling_triggers', 'queue_scaling'];
    triggers.queue = {
      pendingTasksThreshold: quantity([...path, 'pending_tasks_threshold'], parseNumber, queue.pending_tasks_threshold, 0),
      scaleUpAgents: queue.scale_up_agents,
      priorityAware: queue.priority_aware,
      cooldownSeconds: durationOr([...path, 'cooldown'], queue.cooldown, scaler.defaultCooldownSeconds),
      forSeconds: durationOr([...path, 'for'], queue.for, scaler.defaultForSeconds),
    };
  }
  if (raw?.error_scaling) {
    const error = raw.error_scaling;
    const path = ['scaling_triggers', 'error_scaling'];
    triggers.error = {
      errorRateThreshold: quantity([...path, 'error_rate_threshold'], parseRatio, error.error_rate_threshold, 0.05),
      spawn: resolveList(error.spawn_specialists, [...path, 'spawn_specialists']),
      cooldownSeconds: durationOr([...path, 'cooldown'], error.cooldown, scaler.defaultCooldownSeconds),
      forSeconds: durationOr([...path, 'for'], error.for, scaler.defaultForSeconds),
    };
  }
  for (const [name, trigger] of Object.entries(raw?.framework_scaling ?? {})) {
    const path = ['scaling_triggers', 'framework_scaling', name];
    checkMeasure(name, trigger.query, path, context, issues);
    triggers.framework.push({
      name,
      measure: { name, query: trigger.query },
      threshold: quantity([...path, 'threshold'], thresholdParser(name), trigger.threshold, 0),
      spawn: resolveList(trigger.spawn, [...path, 'spawn']),
      cooldownSeconds: durationOr([...path, 'cooldown'], trigger.cooldown, scaler.defaultCooldownSeconds),
      forSeconds: durationOr([...path, 'for'], trigger.for, scaler.defaultForSeconds),
    });
  }

  const swarm = data.swarm;
  const autoScale = swarm.auto_scale ?? {
    enabled: true,
    min_agents: swarm.base_agents,
    max_agents: swarm.max_agents,
    strategy: 'framework-aware',
  };
  if (autoScale.min_agents > autoScale.max_agents) {
    issues.push({
      message: `min_agents ${autoScale.min_agents} is above max_agents ${autoScale.max_agents}: lower min_agents or raise max_agents`,
      source: context.locate(['swarm', 'auto_scale', 'min_agents']),
    });
  }

  const driver = data.driver;
  const config: SwarmConfig = {
    source: { file: context.file, format: context.format },
    swarm: { topology: swarm.topology, baseAgents: swarm.base_agents, maxAgents: swarm.max_agents },
    autoScale: {
      enabled: autoScale.enabled,
      minAgents: autoScale.min_agents,
      maxAgents: autoScale.max_agents,
      strategy: autoScale.strategy,
    },
    scalingRules,
    categories,
    triggers,
    dashboards: data.framework_metrics,
    scaler,
    driver: {
      kind: driver?.kind ?? 'in-process',
      startDelaySeconds: durationOr(['driver', 'start_delay'], driver?.start_delay, DEFAULTS.startDelaySeconds),
      timeoutSeconds: durationOr(['driver', 'timeout'], driver?.timeout, DEFAULTS.driverTimeoutSeconds),
      options: driver?.options ?? {},
    },
    roles: resolver.roles(),
  };
  return { config, warnings, issues };
}

function buildCategories(
  data: SwarmFile,
  context: BuildContext,
  issues: ConfigIssue[],
  quantity: <T>(path: (string | number)[], parse: (value: unknown) => number, value: unknown, fallback: T) => number | T,
): AgentCategory[] {
  const categories: AgentCategory[] = [];
  for (const [name, value] of Object.entries(data)) {
    if (RESERVED_KEYS.has(name)) continue;
    const parsed = value as Exclude<SwarmFile[string], undefined>;
    const list = Array.isArray(parsed) ? parsed : (parsed as { agents: unknown[] }).agents;
    const explicit = Array.isArray(parsed) ? undefined : (parsed as { capacity: number; dynamic?: boolean });
    const agents: AgentSpec[] = (list as Record<string, unknown>[]).map((agent, index) => {
      const spawnWhenText = agent.spawn_when as string | undefined;
      const knowledge: Record<string, unknown> = {};
      for (const [key, val] of Object.entries(agent)) if (!KNOWN_AGENT_KEYS.has(key)) knowledge[key] = val;
      const spec: AgentSpec = {
        id: agent.id as string,
        category: name,
        capabilities: (agent.capabilities as string[]) ?? [],
        autoSpawnOn: (agent.auto_spawn_on as string[]) ?? [],
        knowledge,
      };
      if (spawnWhenText !== undefined) {
        const path = [name, ...(explicit ? ['agents'] : []), index, 'spawn_when'];
        const condition = parseCondition(spawnWhenText, quantity, path, context, issues);
        if (condition) spec.spawnWhen = condition;
      }
      return spec;
    });
    const dynamic = explicit?.dynamic ?? agents.some((agent) => agent.spawnWhen !== undefined);
    categories.push({ name, capacity: explicit?.capacity ?? agents.length, dynamic, agents });
  }
  return categories;
}

function parseCondition(
  text: string,
  quantity: <T>(path: (string | number)[], parse: (value: unknown) => number, value: unknown, fallback: T) => number | T,
  path: (string | number)[],
  context: BuildContext,
  issues: ConfigIssue[],
): SpawnCondition | undefined {
  const match = /^\s*([a-z_][a-z0-9_]*)\s*(>=|<=|>|<)\s*(.+?)\s*$/.exec(text);
  if (!match) {
    issues.push({
      message: `invalid condition "${text}": expected "<measure> <op> <value>", such as "response_time > 100ms"`,
      source: context.locate(path),
    });
    return undefined;
  }
  const [, measure, op, value] = match;
  if (!findMeasure(measure)) {
    issues.push({ message: `unknown measure "${measure}" in "${text}"`, source: context.locate(path) });
    return undefined;
  }
  const threshold = quantity(path, thresholdParser(measure), value, undefined);
  if (threshold === undefined) return undefined;
  return { text, measure, op: op as Comparison, threshold };
}

/** Picks the parser for a threshold from the measure's unit. */
function thresholdParser(measureName: string): (value: unknown) => number {
  const unit = findMeasure(measureName)?.unit;
  if (unit === 'percentunit') return parseRatio;
  if (unit === 's') return parseDuration;
  if (unit === 'ops' || unit === 'reqps') return parseRate;
  return parseNumber;
}

function checkMeasure(
  name: string,
  query: string | undefined,
  path: (string | number)[],
  context: BuildContext,
  issues: ConfigIssue[],
): void {
  if (query === undefined && !findMeasure(name)) {
    issues.push({
      message: `"${name}" is not a measure of the catalogue: add a "query:" with the PromQL that measures it`,
      source: context.locate(path),
    });
  }
}

function buildScaler(
  data: SwarmFile,
  quantity: <T>(path: (string | number)[], parse: (value: unknown) => number, value: unknown, fallback: T) => number | T,
): ScalerSettings {
  const raw = data.scaler ?? {};
  const duration = (key: keyof typeof raw, fallback: number) => quantity(['scaler', key], parseDuration, raw[key], fallback);
  return {
    scaleUpStabilizationSeconds: duration('scale_up_stabilization', DEFAULTS.scaleUpStabilizationSeconds),
    scaleDownStabilizationSeconds: duration('scale_down_stabilization', DEFAULTS.scaleDownStabilizationSeconds),
    heartbeatTtlSeconds: duration('heartbeat_ttl', DEFAULTS.heartbeatTtlSeconds),
    reconcileSchedule: raw.reconcile_schedule ?? DEFAULTS.reconcileSchedule,
    defaultForSeconds: duration('default_for', DEFAULTS.forSeconds),
    defaultCooldownSeconds: duration('default_cooldown', DEFAULTS.cooldownSeconds),
  };
}

function describe(role: ResolvedRole): string {
  switch (role.via) {
    case 'capability':
      return `agent "${role.spec.id}" has capability "${role.requested}"`;
    case 'near':
      return `nearest agent id`;
    case 'created':
      return `no agent matches; created in the category of its first resolved sibling`;
    default:
      return 'agent id';
  }
}
