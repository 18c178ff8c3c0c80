/**
 * The scaling policy: a pure function from pool, open alert instances, config, clock and history
 * to a plan. It performs no I/O, so the same input always gives the same plan.
 *
 * Order of steps: base pool, then (unless an operator pinned a target) scale-ups of firing
 * instances in (startsAt, fingerprint) order, replacement of lost agents, scale-down of resolved
 * instances and of firing `down` alerts, and retirement of agents that no instance or pin requests.
 */
import type { SwarmConfig } from '../config/model';
import { cooldownSeconds } from './alert-target';
import { requestedRoles } from './instance-roles';
import { PoolTally } from './pool-tally';
import { baseComposition, fillSequence, pickFromSequence } from './role-sequence';
import {
  instanceKey,
  type AlertInstance,
  type Plan,
  type PolicyInput,
  type PoolAgent,
  type RetireCause,
  type RoleSlot,
  type SkipReason,
} from './types';

const ACTING_KINDS = new Set(['rule', 'cpu', 'queue', 'error', 'framework', 'dynamic', 'event']);

/** Clock key of a rule and direction. */
export function clockKey(rule: string, direction: 'up' | 'down'): string {
  return `${rule}|${direction}`;
}

/** Computes the plan for one decision; see the file comment for the order of steps. */
export function decide(config: SwarmConfig, input: PolicyInput): Plan {
  const builder = new PlanBuilder(config, input);
  return builder.build();
}

class PlanBuilder {
  private readonly plan: Plan = {
    spawn: [],
    retire: [],
    skipped: [],
    instances: [],
    clockRules: [],
    adopt: [],
    desired: 0,
  };
  private readonly tally: PoolTally;
  private readonly sequence: RoleSlot[];
  /** Live agents (not retiring) per alert instance key, kept in step with the plan. */
  private readonly owned = new Map<string, PoolAgent[]>();
  private readonly open: AlertInstance[];
  /** Grants changed by this plan, by instance key; the input is never modified. */
  private readonly grants = new Map<string, RoleSlot[]>();

  constructor(
    private readonly config: SwarmConfig,
    private readonly input: PolicyInput,
  ) {
    this.tally = new PoolTally(config, input.pool);
    this.sequence = fillSequence(config);
    this.open = [...input.alerts].sort(
      (a, b) => a.startsAt - b.startsAt || a.fingerprint.localeCompare(b.fingerprint),
    );
    for (const agent of input.pool) {
      if (agent.state === 'retiring' || !agent.instanceKey) continue;
      const list = this.owned.get(agent.instanceKey) ?? [];
      list.push(agent);
      this.owned.set(agent.instanceKey, list);
    }
  }

  build(): Plan {
    const { paused, targetPin } = this.input.controls;
    this.completeIdleInstances();
    if (paused) {
      this.skipActionable('paused');
    } else if (targetPin !== null) {
      this.convergeOnPin(targetPin);
      this.skipActionable('pinned');
    } else {
      this.convergeBase();
      this.scaleUp();
      this.respawnGranted();
      this.scaleDownResolved();
      this.scaleDownFiring();
      this.retireUnowned();
    }
    this.plan.desired = this.desiredSize();
    return this.plan;
  }

  /** Resolved instances that never acted, and pipeline alerts once resolved, need nothing more. */
  private completeIdleInstances(): void {
    for (const alert of this.open) {
      const isIdle =
        alert.status === 'resolved' && (!ACTING_KINDS.has(alert.kind) || !alert.actedAt);
      if (isIdle) this.plan.instances.push({ key: instanceKey(alert), completed: true });
    }
  }

  private actionable(): AlertInstance[] {
    return this.open.filter(
      (alert) => alert.status === 'firing' && !alert.actedAt && ACTING_KINDS.has(alert.kind),
    );
  }

  private skipActionable(reason: SkipReason): void {
    for (const alert of this.actionable()) this.skip(alert.rule, reason, alert);
  }

  private convergeBase(): void {
    const wanted = new Map<string, RoleSlot[]>();
    for (const slot of baseComposition(this.config))
      wanted.set(slot.role, [...(wanted.get(slot.role) ?? []), slot]);
    const baseAgents = this.input.pool.filter(
      (agent) => agent.origin === 'base' && agent.state !== 'retiring',
    );
    for (const [role, slots] of wanted) {
      const running = baseAgents.filter((agent) => agent.role === role).length;
      for (const slot of slots.slice(running)) this.trySpawn(slot, 'base', 'base', 'base');
    }
    const surplus = new Map([...wanted].map(([role, slots]) => [role, slots.length]));
    for (const agent of newestFirst(baseAgents)) {
      const left = surplus.get(agent.role) ?? 0;
      if (left > 0) surplus.set(agent.role, left - 1);
      else this.retire(agent, 'base', 'surplus');
    }
  }

  private scaleUp(): void {
    for (const alert of this.actionable()) {
      if (alert.direction !== 'up') continue;
      const wait = this.upWait(alert);
      if (wait) {
        this.skip(alert.rule, wait.reason, alert, undefined, wait.dueAt);
        continue;
      }
      this.act(alert);
    }
  }

  private act(alert: AlertInstance): void {
    const key = instanceKey(alert);
    let isCategoryFull = false;
    const shape = { ...this.tally.shape(), onCategoryFull: () => (isCategoryFull = true) };
    const roles = requestedRoles(alert, this.config, this.sequence, shape);
    // A fill-order pick that passed over a full category is logged, since its roles then depend on
    // what else occupies the pool.
    if (isCategoryFull && roles.length > 0) this.skip(alert.rule, 'category_full', alert);
    if (roles.length === 0) {
      const isGeneral = alert.kind === 'cpu' || alert.kind === 'queue';
      this.skip(alert.rule, isGeneral ? 'category_full' : 'no_roles', alert);
      if (!isGeneral) this.plan.instances.push({ key, actedAt: this.input.now, granted: [] });
      return;
    }
    const granted: RoleSlot[] = [];
    let spawned = 0;
    let firstBlock: SkipReason | undefined;
    for (const slot of roles) {
      if (this.adopt(alert, slot)) {
        granted.push(slot);
        continue;
      }
      const block = this.trySpawn(slot, 'alert', 'alert', alert.rule, key);
      if (block) {
        firstBlock ??= block;
        this.skip(alert.rule, block, alert, slot.role);
      } else {
        granted.push(slot);
        spawned += 1;
      }
    }
    if (granted.length === 0) return;
    this.plan.instances.push({ key, actedAt: this.input.now, granted, lastSkip: firstBlock });
    if (spawned > 0) this.plan.clockRules.push(clockKey(alert.rule, 'up'));
  }

  /** Hands an agent of a resolved instance of the same rule to `alert`, so no agent churns. */
  private adopt(alert: AlertInstance, slot: RoleSlot): boolean {
    for (const previous of this.open) {
      if (previous.rule !== alert.rule || previous.status !== 'resolved' || !previous.actedAt)
        continue;
      const agents = this.owned.get(instanceKey(previous)) ?? [];
      const index = agents.findIndex((agent) => agent.role === slot.role);
      if (index < 0) continue;
      const [agent] = agents.splice(index, 1);
      const key = instanceKey(alert);
      this.owned.set(key, [...(this.owned.get(key) ?? []), agent]);
      this.plan.adopt.push({ agentId: agent.agentId, instanceKey: key });
      if (agents.length === 0)
        this.plan.instances.push({ key: instanceKey(previous), completed: true });
      return true;
    }
    return false;
  }

  private respawnGranted(): void {
    for (const alert of this.open) {
      if (alert.status !== 'firing' || !alert.actedAt) continue;
      const key = instanceKey(alert);
      const missing = [...alert.granted];
      for (const agent of this.owned.get(key) ?? []) {
        const index = missing.findIndex((slot) => slot.role === agent.role);
        if (index >= 0) missing.splice(index, 1);
      }
      for (const slot of missing) {
        const block = this.trySpawn(slot, 'alert', 'respawn', alert.rule, key);
        if (block) this.skip(alert.rule, block, undefined, slot.role);
      }
    }
  }

  private scaleDownResolved(): void {
    const stabilizationMs = this.config.scaler.scaleDownStabilizationSeconds * 1000;
    for (const alert of this.open) {
      if (alert.status !== 'resolved' || !alert.actedAt || !ACTING_KINDS.has(alert.kind)) continue;
      const key = instanceKey(alert);
      const agents = this.owned.get(key) ?? [];
      if (agents.length === 0) {
        if (!this.plan.instances.some((update) => update.key === key && update.completed)) {
          this.plan.instances.push({ key, completed: true });
        }
        continue;
      }
      const stableAt = (alert.resolvedAt ?? this.input.now) + stabilizationMs;
      const coolAt = this.lastAction(alert.rule) + cooldownSeconds(alert, this.config) * 1000;
      if (this.input.now < Math.max(stableAt, coolAt)) {
        this.skip(
          alert.rule,
          stableAt >= coolAt ? 'stabilization' : 'cooldown',
          alert,
          undefined,
          Math.max(stableAt, coolAt),
        );
        continue;
      }
      if (this.input.controls.frozen) {
        this.skip(alert.rule, 'frozen', alert);
        continue;
      }
      const retired = this.retireAll(agents, alert.rule, 'resolved', alert);
      if (retired > 0) this.plan.clockRules.push(clockKey(alert.rule, 'down'));
      if (retired === agents.length) this.plan.instances.push({ key, completed: true });
    }
  }

  /** Retires agents of the CPU trigger while its `down` alert (CPU below the scale-down threshold) fires. */
  private scaleDownFiring(): void {
    const stabilizationMs = this.config.scaler.scaleDownStabilizationSeconds * 1000;
    for (const alert of this.actionable()) {
      if (alert.direction !== 'down') continue;
      const stableAt = alert.startsAt + stabilizationMs;
      const coolAt = this.lastAction(alert.rule) + cooldownSeconds(alert, this.config) * 1000;
      if (this.input.now < Math.max(stableAt, coolAt)) {
        this.skip(
          alert.rule,
          stableAt >= coolAt ? 'stabilization' : 'cooldown',
          alert,
          undefined,
          Math.max(stableAt, coolAt),
        );
        continue;
      }
      if (this.input.controls.frozen) {
        this.skip(alert.rule, 'frozen', alert);
        continue;
      }
      const candidates = newestFirst(
        this.input.pool.filter(
          (agent) =>
            agent.rule === alert.rule && agent.origin === 'alert' && agent.state !== 'retiring',
        ),
      ).slice(0, this.config.triggers.cpu?.agentsPerTrigger ?? 0);
      const retired = this.retireAll(candidates, alert.rule, 'scale_down', alert);
      this.shrinkGrants(candidates.slice(0, retired));
      this.plan.instances.push({ key: instanceKey(alert), actedAt: this.input.now, granted: [] });
      if (retired > 0) this.plan.clockRules.push(clockKey(alert.rule, 'down'));
    }
  }

  /** Removes retired agents from their instances' grants, so they are not replaced. */
  private shrinkGrants(retired: PoolAgent[]): void {
    for (const agent of retired) {
      const owner = this.open.find((alert) => agent.instanceKey === instanceKey(alert));
      if (!owner) continue;
      const key = instanceKey(owner);
      const current = this.grants.get(key) ?? owner.granted;
      const index = current.findIndex((slot) => slot.role === agent.role);
      const granted = current.filter((_, position) => position !== index);
      this.grants.set(key, granted);
      this.plan.instances.push({ key, granted });
    }
  }

  /** Retires manual agents without a pin and alert agents whose instance is gone. */
  private retireUnowned(): void {
    const openKeys = new Set(this.open.map(instanceKey));
    for (const agent of newestFirst(this.input.pool)) {
      if (agent.state === 'retiring') continue;
      if (agent.origin === 'manual') this.retire(agent, 'manual', 'surplus');
      const isOrphan =
        agent.origin === 'alert' && (!agent.instanceKey || !openKeys.has(agent.instanceKey));
      if (isOrphan && !this.input.controls.frozen)
        this.retire(agent, agent.rule ?? 'unknown', 'surplus');
    }
  }

  private convergeOnPin(pin: number): void {
    const { minAgents, maxAgents } = this.config.autoScale;
    const target = Math.min(maxAgents, Math.max(minAgents, pin));
    if (this.tally.live < target) {
      const picks = pickFromSequence(
        this.sequence,
        target - this.tally.live,
        this.tally.shape().roleCounts,
        this.tally.shape().categoryFree,
      );
      for (const slot of picks) this.trySpawn(slot, 'manual', 'pin', 'manual');
      if (picks.length < target - this.tally.live) this.skip('manual', 'at_max');
      return;
    }
    const live = this.input.pool.filter((agent) => agent.state !== 'retiring');
    const order = [
      ...newestFirst(live.filter((a) => a.origin === 'manual')),
      ...newestFirst(live.filter((a) => a.origin === 'alert')),
      ...newestFirst(live.filter((a) => a.origin === 'base')),
    ];
    for (const agent of order) {
      if (this.tally.live <= target) break;
      this.retire(agent, 'manual', 'pin');
    }
  }

  private trySpawn(
    slot: RoleSlot,
    origin: PoolAgent['origin'],
    cause: Plan['spawn'][number]['cause'],
    rule: string,
    key?: string,
  ): SkipReason | undefined {
    const block = this.input.controls.driverDown
      ? 'driver_down'
      : this.tally.blockReason(slot.category);
    if (block) {
      if (origin !== 'alert') this.skip(rule, block, undefined, slot.role);
      return block;
    }
    this.tally.spawn(slot.role, slot.category, origin, origin === 'alert' ? rule : undefined);
    this.plan.spawn.push({ ...slot, origin, cause, rule, instanceKey: key });
    return undefined;
  }

  private retireAll(
    agents: PoolAgent[],
    rule: string,
    cause: RetireCause,
    alert: AlertInstance,
  ): number {
    let retired = 0;
    for (const agent of agents) {
      if (!this.tally.canRetire()) {
        this.skip(rule, 'at_min', alert, agent.role);
        break;
      }
      this.retire(agent, rule, cause);
      retired += 1;
    }
    return retired;
  }

  private retire(agent: PoolAgent, rule: string, cause: RetireCause): void {
    if (!this.tally.canRetire() || this.plan.retire.some((step) => step.agentId === agent.agentId))
      return;
    this.tally.retire(agent);
    this.plan.retire.push({
      agentId: agent.agentId,
      role: agent.role,
      category: agent.category,
      rule,
      cause,
      instanceKey: agent.instanceKey,
    });
  }

  private upWait(alert: AlertInstance): { reason: SkipReason; dueAt: number } | undefined {
    const coolAt = this.lastAction(alert.rule) + cooldownSeconds(alert, this.config) * 1000;
    const stableAt =
      (this.input.clocks[clockKey(alert.rule, 'up')] ?? -Infinity) +
      this.config.scaler.scaleUpStabilizationSeconds * 1000;
    if (this.input.now >= Math.max(coolAt, stableAt)) return undefined;
    return {
      reason: coolAt >= stableAt ? 'cooldown' : 'stabilization',
      dueAt: Math.max(coolAt, stableAt),
    };
  }

  private lastAction(rule: string): number {
    const { clocks } = this.input;
    return Math.max(
      clocks[clockKey(rule, 'up')] ?? -Infinity,
      clocks[clockKey(rule, 'down')] ?? -Infinity,
    );
  }

  private skip(
    rule: string,
    reason: SkipReason,
    alert?: AlertInstance,
    role?: string,
    dueAt?: number,
  ): void {
    this.plan.skipped.push({
      rule,
      reason,
      instanceKey: alert ? instanceKey(alert) : undefined,
      role,
      dueAt,
    });
    if (dueAt !== undefined) this.plan.nextDueAt = Math.min(this.plan.nextDueAt ?? Infinity, dueAt);
  }

  private desiredSize(): number {
    const { minAgents, maxAgents } = this.config.autoScale;
    const { targetPin } = this.input.controls;
    const acted = new Map(
      this.plan.instances.filter((u) => u.granted).map((u) => [u.key, u.granted?.length ?? 0]),
    );
    for (const [key, granted] of this.grants) acted.set(key, granted.length);
    let desired = targetPin ?? baseComposition(this.config).length;
    if (targetPin === null) {
      for (const alert of this.open) {
        if (alert.status !== 'firing') continue;
        desired += acted.get(instanceKey(alert)) ?? (alert.actedAt ? alert.granted.length : 0);
      }
    }
    return Math.min(maxAgents, Math.max(minAgents, desired));
  }
}

/** Orders retirement candidates: failed agents first, since they do no work, then newest first. */
function newestFirst(agents: PoolAgent[]): PoolAgent[] {
  const isFailed = (agent: PoolAgent) => (agent.state === 'failed' ? 0 : 1);
  return [...agents].sort(
    (a, b) =>
      isFailed(a) - isFailed(b) ||
      b.spawnedAt - a.spawnedAt ||
      b.agentId.localeCompare(a.agentId),
  );
}
