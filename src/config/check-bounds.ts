/**
 * Checks the agent counts of a built config against each other and against what the categories
 * can hold: errors where no pool could satisfy them, warnings where the pool never reaches a bound.
 */
import type { BuildContext } from './build-context';
import type { AgentCategory, SwarmConfig } from './model';
import type { SwarmFile } from './schema';

/** Checks base, minimum and maximum agent counts; `raw` is the swarm section as written. */
export function checkBounds(
  config: SwarmConfig,
  raw: SwarmFile['swarm'],
  context: BuildContext,
): void {
  const { swarm, autoScale } = config;
  const auto = ['swarm', 'auto_scale'];
  const isMinWritten = raw.auto_scale?.min_agents !== undefined;
  const isBaseAboveMax = swarm.baseAgents > swarm.maxAgents;
  if (isBaseAboveMax) {
    context.issue(
      'inconsistent',
      ['swarm', 'base_agents'],
      `base_agents ${swarm.baseAgents} is above max_agents ${swarm.maxAgents}: lower base_agents or raise max_agents`,
    );
  }
  if (autoScale.minAgents > autoScale.maxAgents && isMinWritten) {
    context.issue(
      'inconsistent',
      [...auto, 'min_agents'],
      `min_agents ${autoScale.minAgents} is above max_agents ${autoScale.maxAgents}: lower min_agents or raise max_agents`,
    );
  } else if (autoScale.minAgents > autoScale.maxAgents && !isBaseAboveMax) {
    context.issue(
      'inconsistent',
      [...auto, 'max_agents'],
      `auto_scale.max_agents ${autoScale.maxAgents} is below min_agents ${autoScale.minAgents}, which defaults to base_agents: raise auto_scale.max_agents, or set auto_scale.min_agents`,
    );
  }
  if (autoScale.maxAgents > swarm.maxAgents) {
    context.issue(
      'inconsistent',
      [...auto, 'max_agents'],
      `auto_scale.max_agents ${autoScale.maxAgents} is above swarm.max_agents ${swarm.maxAgents}, the hard limit of the pool: raise swarm.max_agents too, or lower auto_scale.max_agents`,
    );
  }
  if (swarm.baseAgents < autoScale.minAgents || swarm.baseAgents > autoScale.maxAgents) {
    context.warn(
      'bounds',
      ['swarm', 'base_agents'],
      `base_agents ${swarm.baseAgents} is outside auto_scale ${autoScale.minAgents}..${autoScale.maxAgents}, so the scaler moves the pool away from it at once`,
    );
  }
  checkBasePool(config, isMinWritten, context);
  checkCapacity(config.categories, autoScale.maxAgents, context);
}

/**
 * Returns the agents the base pool can place: the capacities of the non-dynamic categories that
 * have agent types, as the scaler's fill order (src/scaler/role-sequence.ts) walks only those.
 */
export function basePoolCapacity(categories: AgentCategory[]): number {
  return placeableCategories(categories).reduce((sum, category) => sum + category.capacity, 0);
}

function placeableCategories(categories: AgentCategory[]): AgentCategory[] {
  return categories.filter(
    (category) => !category.dynamic && category.agents.length > 0 && category.capacity > 0,
  );
}

/** Reports the base pool or an explicit minimum that exceeds what the categories can place. */
function checkBasePool(config: SwarmConfig, isMinWritten: boolean, context: BuildContext): void {
  const { swarm, autoScale, categories } = config;
  const capacity = basePoolCapacity(categories);
  const parts = placeableCategories(categories).map(({ name, capacity: n }) => `${name} ${n}`);
  const placeable =
    parts.length === 0
      ? 'no non-dynamic category has agents, so the scaler can place none'
      : `the non-dynamic categories hold only ${capacity} (${parts.join(', ')})`;
  const fix = (key: string) =>
    `raise the capacity of a non-dynamic category or add one with agents (dynamic categories are spawned on demand and do not count), or lower ${key}`;
  const base = Math.min(swarm.baseAgents, swarm.maxAgents);
  if (base > capacity) {
    const capped = base < swarm.baseAgents ? ` (capped at max_agents ${base})` : '';
    const minNote = isMinWritten ? '' : ', the default of auto_scale.min_agents,';
    context.issue(
      'inconsistent',
      ['swarm', 'base_agents'],
      `base_agents ${swarm.baseAgents}${minNote} starts ${base} agents${capped}, but ${placeable}: ${fix('base_agents')}`,
    );
  }
  if (isMinWritten && autoScale.minAgents > capacity) {
    context.issue(
      'inconsistent',
      ['swarm', 'auto_scale', 'min_agents'],
      `min_agents ${autoScale.minAgents} keeps at least ${autoScale.minAgents} agents, but ${placeable}: ${fix('min_agents')}`,
    );
  }
}

function checkCapacity(
  categories: AgentCategory[],
  maxAgents: number,
  context: BuildContext,
): void {
  const total = categories.reduce((sum, category) => sum + category.capacity, 0);
  if (categories.length > 0 && total < maxAgents) {
    context.warn(
      'capacity',
      ['swarm', 'auto_scale', 'max_agents'],
      `the categories hold ${total} agents in all, below max_agents ${maxAgents}, so the pool never reaches its maximum: raise category capacities`,
    );
  }
}
