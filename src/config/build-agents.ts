/**
 * Builds agent categories and agent specs: capacities, parsed targets and `spawn_when`
 * conditions, and the checks between them (duplicate ids, capacity against agent types).
 */
import { LIFECYCLE_EVENTS } from '../catalog/signals';
import type { BuildContext, Path } from './build-context';
import { isConditionProblem, parseCondition } from './condition';
import type { AgentCategory, AgentSpec, AgentTargets, LatencyQuantile } from './model';
import type { AgentSpecFile, CategoryFile } from './schema';
import { didYouMean } from './suggest';

// Keys with their own model field; every other key of a spec travels in `knowledge` as written.
const MODELLED_KEYS = new Set(['id', 'capabilities', 'auto_spawn_on', 'spawn_when']);
const QUANTILES: LatencyQuantile[] = ['p50', 'p90', 'p95', 'p99', 'p999'];

/** Builds every category, in file order. */
export function buildCategories(
  entries: [string, CategoryFile][],
  context: BuildContext,
): AgentCategory[] {
  const categories = entries.map(([name, raw]) => buildCategory(name, raw, context));
  checkDuplicateIds(categories, entries, context);
  return categories;
}

function buildCategory(name: string, raw: CategoryFile, context: BuildContext): AgentCategory {
  const isList = Array.isArray(raw);
  const list = isList ? raw : raw.agents;
  const agentsPath = (index: number): Path => (isList ? [name, index] : [name, 'agents', index]);
  const agents = list.map((agent, index) => buildAgent(name, agent, agentsPath(index), context));
  const capacity = isList ? agents.length : raw.capacity;
  if (capacity < agents.length) {
    context.warn(
      'capacity',
      isList ? [name] : [name, 'capacity'],
      `capacity ${capacity} is below the ${agents.length} agent types listed, so not every type can run at once: raise capacity to ${agents.length} or more`,
    );
  }
  const dynamic =
    (isList ? undefined : raw.dynamic) ?? agents.some((agent) => agent.spawnWhen !== undefined);
  return { name, capacity, dynamic, agents };
}

function buildAgent(
  category: string,
  raw: AgentSpecFile,
  path: Path,
  context: BuildContext,
): AgentSpec {
  const knowledge: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!MODELLED_KEYS.has(key) && value !== undefined) knowledge[key] = value;
  }
  const spec: AgentSpec = {
    id: raw.id,
    category,
    capabilities: raw.capabilities,
    autoSpawnOn: raw.auto_spawn_on,
    knowledge,
  };
  checkEvents(raw.auto_spawn_on, [...path, 'auto_spawn_on'], context);
  if (raw.spawn_when !== undefined) {
    const condition = parseCondition(raw.spawn_when);
    if (isConditionProblem(condition))
      context.issue(condition.code, [...path, 'spawn_when'], condition.message);
    else spec.spawnWhen = condition;
  }
  const targets = buildTargets(raw, path, context);
  if (Object.keys(targets).length > 0) spec.targets = targets;
  return spec;
}

function buildTargets(raw: AgentSpecFile, path: Path, context: BuildContext): AgentTargets {
  const targets: AgentTargets = performanceTargets(raw, path, context);

  const window = context.quantity(
    [...path, 'consistency_window'],
    'duration',
    raw.consistency_window,
  );
  if (window !== undefined) targets.consistencyWindowSeconds = window;

  if (raw.token_config) {
    const tokens = [...path, 'token_config'];
    targets.tokenLifetimeSeconds = defined({
      access: context.quantity(
        [...tokens, 'access_duration'],
        'duration',
        raw.token_config.access_duration,
      ),
      refresh: context.quantity(
        [...tokens, 'refresh_duration'],
        'duration',
        raw.token_config.refresh_duration,
      ),
    });
  }

  if (raw.retention_policy) {
    const tiers = [...path, 'retention_policy'];
    const policy = raw.retention_policy;
    targets.retentionSeconds = defined({
      hot: context.quantity([...tiers, 'hot'], 'duration', policy.hot),
      warm: context.quantity([...tiers, 'warm'], 'duration', policy.warm),
      cold: context.quantity([...tiers, 'cold'], 'duration', policy.cold),
    });
  }
  return targets;
}

/** Reads `throughput_target` and `performance_targets`; `throughput_target` wins when both are set. */
function performanceTargets(raw: AgentSpecFile, path: Path, context: BuildContext): AgentTargets {
  const targets: AgentTargets = {};
  const perf = raw.performance_targets;
  const perfPath = [...path, 'performance_targets'];
  const throughput =
    context.quantity([...path, 'throughput_target'], 'rate', raw.throughput_target) ??
    context.quantity([...perfPath, 'throughput'], 'rate', perf?.throughput);
  if (throughput !== undefined) targets.throughputPerSecond = throughput;

  const latency: AgentTargets['latencySeconds'] = {};
  for (const quantile of QUANTILES) {
    const key = `latency_${quantile}` as const;
    const seconds = context.quantity([...perfPath, key], 'duration', perf?.[key]);
    if (seconds !== undefined) latency[quantile] = seconds;
  }
  if (Object.keys(latency).length > 0) targets.latencySeconds = latency;

  const errorRate = context.quantity([...perfPath, 'error_rate'], 'ratio', perf?.error_rate);
  if (errorRate !== undefined) targets.errorRate = errorRate;
  return targets;
}

/** Warns on `auto_spawn_on` events that the exporter does not report. */
function checkEvents(events: string[], path: Path, context: BuildContext): void {
  const known: readonly string[] = LIFECYCLE_EVENTS;
  events.forEach((event, index) => {
    const name = event
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
    if (!known.includes(name)) {
      context.warn(
        'unknown-event',
        [...path, index],
        `event "${event}"${didYouMean(name, known)} is not a lifecycle event the exporter reports, so it never spawns this agent: use one of ${known.map((e) => `"${e.replace(/_/g, ' ')}"`).join(', ')}`,
      );
    }
  });
}

function checkDuplicateIds(
  categories: AgentCategory[],
  entries: [string, CategoryFile][],
  context: BuildContext,
): void {
  const seen = new Map<string, string>();
  categories.forEach((category, c) => {
    const isList = Array.isArray(entries[c][1]);
    category.agents.forEach((agent, index) => {
      const first = seen.get(agent.id);
      const path = isList ? [category.name, index, 'id'] : [category.name, 'agents', index, 'id'];
      if (first !== undefined) {
        context.issue(
          'duplicate-id',
          path,
          `agent id "${agent.id}" is already defined in ${first}: give each agent type its own id`,
        );
      } else {
        seen.set(agent.id, category.name);
      }
    });
  });
}

function defined<T extends Record<string, number | undefined>>(
  values: T,
): { [K in keyof T]?: number } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: number;
  };
}
