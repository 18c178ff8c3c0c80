/**
 * Running counts of the pool while a plan is built: slots occupied overall and per category, and
 * live agents. A slot is occupied from the spawn decision until the retire is acknowledged, so
 * the bounds hold for the runtime too while calls are in flight.
 */
import type { SwarmConfig } from '../config/model';
import type { PoolShape } from './instance-roles';
import type { PoolAgent } from './types';

/** Counts kept in step with the plan under construction. */
export class PoolTally {
  private occupiedTotal = 0;
  private liveTotal = 0;
  private readonly occupiedByCategory = new Map<string, number>();
  /** Live base and manual agents per role: what a fill-order pick counts as already running. */
  private readonly filledByRole = new Map<string, number>();
  private readonly capacity = new Map<string, number>();

  constructor(
    private readonly config: SwarmConfig,
    pool: PoolAgent[],
  ) {
    for (const category of config.categories) this.capacity.set(category.name, category.capacity);
    for (const agent of pool) {
      this.addOccupied(agent.category);
      if (agent.state !== 'retiring') this.addLive(agent.role, isFilled(agent.origin, agent.rule));
    }
  }

  /** Agents that are alive and not being retired. */
  get live(): number {
    return this.liveTotal;
  }

  /** Returns why one more agent of `category` does not fit, or undefined when it fits. */
  blockReason(category: string): 'at_max' | 'category_full' | undefined {
    if (this.occupiedTotal >= this.config.autoScale.maxAgents) return 'at_max';
    const capacity = this.capacity.get(category) ?? Number.POSITIVE_INFINITY;
    if ((this.occupiedByCategory.get(category) ?? 0) >= capacity) return 'category_full';
    return undefined;
  }

  /** True when one more retirement keeps the live pool at or above `min_agents`. */
  canRetire(): boolean {
    return this.liveTotal - 1 >= this.config.autoScale.minAgents;
  }

  /** Records a planned spawn. */
  spawn(role: string, category: string, origin: PoolAgent['origin'], rule?: string): void {
    this.addOccupied(category);
    this.addLive(role, isFilled(origin, rule));
  }

  /** Records a planned retirement; the slot stays occupied until the runtime acknowledges it. */
  retire(agent: Pick<PoolAgent, 'role' | 'origin' | 'rule'>): void {
    this.liveTotal -= 1;
    if (isFilled(agent.origin, agent.rule))
      this.filledByRole.set(agent.role, (this.filledByRole.get(agent.role) ?? 1) - 1);
  }

  /** Running roles and free slots, for picking roles from the fill sequence. */
  shape(): PoolShape {
    const categoryFree = new Map<string, number>();
    const globalFree = Math.max(0, this.config.autoScale.maxAgents - this.occupiedTotal);
    for (const [name, capacity] of this.capacity) {
      const free = Math.max(0, capacity - (this.occupiedByCategory.get(name) ?? 0));
      categoryFree.set(name, Math.min(free, globalFree));
    }
    return { roleCounts: new Map(this.filledByRole), categoryFree };
  }

  private addOccupied(category: string): void {
    this.occupiedTotal += 1;
    this.occupiedByCategory.set(category, (this.occupiedByCategory.get(category) ?? 0) + 1);
  }

  private addLive(role: string, isFromFillOrder: boolean): void {
    this.liveTotal += 1;
    if (isFromFillOrder) this.filledByRole.set(role, (this.filledByRole.get(role) ?? 0) + 1);
  }
}

/**
 * True for base and manual agents. Agents added by alerts are left out, so the roles a CPU or
 * queue scale-up picks depend only on the base pool, never on which other alerts acted first.
 */
function isFilled(origin: PoolAgent['origin'], _rule: string | undefined): boolean {
  return origin !== 'alert';
}
