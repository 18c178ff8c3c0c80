/**
 * The fill order of the pool: which roles the base pool runs, and which roles CPU, queue and
 * manual scale-ups add.
 *
 * The sequence walks the non-dynamic categories ordered by capacity (largest first, config order
 * breaking ties). Its first part contains one of each agent type: the first agent of every category,
 * then the second of every category that has one, and so on. After that it takes each category's
 * next agent type in turn, cycling through its agents, until every category has as many entries
 * as its capacity. The base pool is the sequence's first `base_agents` entries.
 */
import type { AgentCategory, SwarmConfig } from '../config/model';
import type { RoleSlot } from './types';

/** Builds the fill order of the non-dynamic categories described in the file comment. */
export function fillSequence(config: SwarmConfig, categories?: AgentCategory[]): RoleSlot[] {
  const eligible = (categories ?? config.categories)
    .map((category, index) => ({ category, index }))
    .filter(
      ({ category }) => !category.dynamic && category.agents.length > 0 && category.capacity > 0,
    )
    .sort((a, b) => b.category.capacity - a.category.capacity || a.index - b.index)
    .map(({ category }) => category);
  const sequence: RoleSlot[] = [];
  const taken = new Map<string, number>();
  const add = (category: AgentCategory, agentIndex: number) => {
    const spec = category.agents[agentIndex % category.agents.length];
    sequence.push({ role: spec.id, category: category.name, spec });
    taken.set(category.name, (taken.get(category.name) ?? 0) + 1);
  };
  const longest = Math.max(0, ...eligible.map((category) => category.agents.length));
  for (let round = 0; round < longest; round += 1) {
    for (const category of eligible) {
      if (round < category.agents.length && (taken.get(category.name) ?? 0) < category.capacity)
        add(category, round);
    }
  }
  for (;;) {
    let isAdded = false;
    for (const category of eligible) {
      const count = taken.get(category.name) ?? 0;
      if (count >= category.capacity) continue;
      add(category, count);
      isAdded = true;
    }
    if (!isAdded) return sequence;
  }
}

/** Returns the base pool: the first `base_agents` entries of the fill sequence, capped by `max_agents`. */
export function baseComposition(config: SwarmConfig): RoleSlot[] {
  const size = Math.min(config.swarm.baseAgents, config.autoScale.maxAgents);
  return fillSequence(config).slice(0, size);
}

/**
 * Picks the next `count` roles of the fill sequence that the pool does not already run, skipping
 * categories without a free slot (reported through `onCategoryFull`). `roleCounts` and
 * `categoryFree` describe the pool and are not changed.
 */
export function pickFromSequence(
  sequence: RoleSlot[],
  count: number,
  roleCounts: ReadonlyMap<string, number>,
  categoryFree: ReadonlyMap<string, number>,
  onCategoryFull?: (category: string) => void,
): RoleSlot[] {
  const consumed = new Map(roleCounts);
  const free = new Map(categoryFree);
  const picks: RoleSlot[] = [];
  for (const slot of sequence) {
    if (picks.length >= count) break;
    const running = consumed.get(slot.role) ?? 0;
    if (running > 0) {
      consumed.set(slot.role, running - 1);
      continue;
    }
    const slotsLeft = free.get(slot.category) ?? 0;
    if (slotsLeft <= 0) {
      onCategoryFull?.(slot.category);
      continue;
    }
    free.set(slot.category, slotsLeft - 1);
    picks.push(slot);
  }
  return picks;
}
