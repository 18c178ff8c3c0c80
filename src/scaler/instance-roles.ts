/**
 * The roles an alert instance requests, read from the config entry its labels name.
 *
 * Queue scaling with `priority_aware: true` reads the pending tasks' priority from the alert's
 * `priority` label or annotation (`critical`/`p0`/`0`, `high`/`p1`/`1`, `normal`/`medium`/`p2`/`2`,
 * `low`/`p3`/`3`) and an optional `task_type` label or annotation:
 * - a `task_type` that names an agent id or capability puts that agent type first;
 * - `critical` and `high` fill from the first non-dynamic category of the config (the framework's
 *   core in the example) before spilling to the others in fill order;
 * - `normal`, `low` or no priority use the plain fill order, as CPU scaling does.
 * The count is always `scale_up_agents`.
 */
import type { ResolvedRole, SwarmConfig } from '../config/model';
import { normalizeEvent } from './alert-target';
import { pickFromSequence } from './role-sequence';
import type { AlertInstance, RoleSlot } from './types';

/** Pool occupancy: running roles and free slots per category. */
export interface PoolShape {
  roleCounts: ReadonlyMap<string, number>;
  categoryFree: ReadonlyMap<string, number>;
  /** Called when a pick passes over a category without a free slot. */
  onCategoryFull?: (category: string) => void;
}

/** Priority classes of pending tasks. */
export type TaskPriority = 'critical' | 'high' | 'normal' | 'low';

const PRIORITY_ALIASES: Record<string, TaskPriority> = {
  critical: 'critical',
  p0: 'critical',
  '0': 'critical',
  high: 'high',
  p1: 'high',
  '1': 'high',
  normal: 'normal',
  medium: 'normal',
  p2: 'normal',
  '2': 'normal',
  low: 'low',
  p3: 'low',
  '3': 'low',
};

/** Reads the priority of an alert's pending tasks; unknown or absent values are `normal`. */
export function taskPriority(
  instance: Pick<AlertInstance, 'labels' | 'annotations'>,
): TaskPriority {
  const raw = instance.labels.priority ?? instance.annotations.priority ?? '';
  return PRIORITY_ALIASES[raw.trim().toLowerCase()] ?? 'normal';
}

/** Lists the roles an instance requests. An empty list means the config entry spawns nothing. */
export function requestedRoles(
  instance: AlertInstance,
  config: SwarmConfig,
  sequence: RoleSlot[],
  shape: PoolShape,
): RoleSlot[] {
  switch (instance.kind) {
    case 'rule':
      return fromResolved(config.scalingRules.find((entry) => entry.name === instance.rule)?.spawn);
    case 'error':
      return fromResolved(config.triggers.error?.spawn);
    case 'framework':
      return fromResolved(
        config.triggers.framework.find((entry) => entry.name === instance.rule)?.spawn,
      );
    case 'dynamic':
      return dynamicRole(instance.rule, config);
    case 'event':
      return eventRoles(instance.rule, config);
    case 'cpu':
      return pickFromSequence(
        sequence,
        config.triggers.cpu?.agentsPerTrigger ?? 0,
        shape.roleCounts,
        shape.categoryFree,
        shape.onCategoryFull,
      );
    case 'queue':
      return queueRoles(instance, config, sequence, shape);
    default:
      return [];
  }
}

/** Maps each entry of a spawn list to one agent, even where two names resolved to the same role. */
function fromResolved(roles: ResolvedRole[] | undefined): RoleSlot[] {
  return (roles ?? []).map((entry) => ({
    role: entry.role,
    category: entry.category,
    spec: entry.spec,
  }));
}

function dynamicRole(agentId: string, config: SwarmConfig): RoleSlot[] {
  for (const category of config.categories) {
    const spec = category.agents.find((agent) => agent.id === agentId && agent.spawnWhen);
    if (spec) return [{ role: spec.id, category: category.name, spec }];
  }
  return [];
}

function eventRoles(event: string, config: SwarmConfig): RoleSlot[] {
  const wanted = normalizeEvent(event);
  return config.categories.flatMap((category) =>
    category.agents
      .filter((agent) => agent.autoSpawnOn.some((text) => normalizeEvent(text) === wanted))
      .map((spec) => ({ role: spec.id, category: category.name, spec })),
  );
}

function queueRoles(
  instance: AlertInstance,
  config: SwarmConfig,
  sequence: RoleSlot[],
  shape: PoolShape,
): RoleSlot[] {
  const queue = config.triggers.queue;
  if (!queue) return [];
  if (!queue.priorityAware)
    return pickFromSequence(
      sequence,
      queue.scaleUpAgents,
      shape.roleCounts,
      shape.categoryFree,
      shape.onCategoryFull,
    );
  const preferred = taskTypeSlots(instance, sequence);
  const firstCategory = config.categories.find((category) => !category.dynamic)?.name;
  const isUrgent = ['critical', 'high'].includes(taskPriority(instance));
  const ordered = isUrgent
    ? [
        ...sequence.filter((slot) => slot.category === firstCategory),
        ...sequence.filter((slot) => slot.category !== firstCategory),
      ]
    : sequence;
  const free = new Map(shape.categoryFree);
  const picks: RoleSlot[] = [];
  for (let index = 0; preferred.length > 0 && picks.length < queue.scaleUpAgents; index += 1) {
    const slot = preferred[index % preferred.length];
    const slotsLeft = free.get(slot.category) ?? 0;
    if (slotsLeft <= 0) {
      shape.onCategoryFull?.(slot.category);
      break;
    }
    free.set(slot.category, slotsLeft - 1);
    picks.push(slot);
  }
  const rest = pickFromSequence(
    ordered,
    queue.scaleUpAgents - picks.length,
    shape.roleCounts,
    free,
    shape.onCategoryFull,
  );
  return [...picks, ...rest];
}

function taskTypeSlots(instance: AlertInstance, sequence: RoleSlot[]): RoleSlot[] {
  const taskType = (instance.labels.task_type ?? instance.annotations.task_type ?? '')
    .trim()
    .toLowerCase();
  if (!taskType) return [];
  const matches = new Map<string, RoleSlot>();
  for (const slot of sequence) {
    const isMatch =
      slot.role === taskType ||
      slot.spec.capabilities.some((cap) => cap.toLowerCase() === taskType);
    if (isMatch && !matches.has(slot.role)) matches.set(slot.role, slot);
  }
  return [...matches.values()];
}
