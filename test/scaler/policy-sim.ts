/**
 * Applies policy plans to an in-memory pool the way the decision engine applies them to the
 * store, with every driver call acknowledged at once. Property tests drive it.
 */
import type { SwarmConfig } from '../../src/config/model';
import { decide } from '../../src/scaler/policy';
import {
  instanceKey,
  type AlertInstance,
  type Controls,
  type Plan,
  type PoolAgent,
  type RuleClocks,
} from '../../src/scaler/types';

export interface SimNotification {
  fingerprint: string;
  startsAt: number;
  status: 'firing' | 'resolved';
  rule: string;
  kind: AlertInstance['kind'];
  direction?: 'up' | 'down';
  labels?: Record<string, string>;
}

export class PolicySim {
  pool: PoolAgent[] = [];
  readonly alerts = new Map<string, AlertInstance>();
  readonly completed = new Set<string>();
  clocks: RuleClocks = {};
  plans: Plan[] = [];
  private nextId = 0;
  /** Instance keys that produced `alert` spawns, with the step index, to check "acts once". */
  readonly actions = new Map<string, number[]>();

  constructor(
    readonly config: SwarmConfig,
    public now: number,
    public controls: Controls = { paused: false, targetPin: null, frozen: false },
  ) {}

  deliver(notifications: SimNotification[]): void {
    const firingFirst = [...notifications].sort(
      (a, b) => Number(a.status === 'resolved') - Number(b.status === 'resolved'),
    );
    for (const n of firingFirst) {
      const key = instanceKey(n);
      const existing = this.alerts.get(key);
      if (existing) {
        if (n.status === 'resolved' && existing.status === 'firing') {
          existing.status = 'resolved';
          existing.resolvedAt = this.now;
        }
        continue;
      }
      if (this.completed.has(key)) continue;
      this.alerts.set(key, {
        fingerprint: n.fingerprint,
        startsAt: n.startsAt,
        rule: n.rule,
        kind: n.kind,
        direction: n.direction ?? 'up',
        labels: n.labels ?? {},
        annotations: {},
        status: n.status,
        resolvedAt: n.status === 'resolved' ? this.now : undefined,
        granted: [],
      });
    }
  }

  step(): Plan {
    const plan = decide(this.config, {
      now: this.now,
      pool: this.pool,
      alerts: [...this.alerts.values()],
      clocks: this.clocks,
      controls: this.controls,
    });
    const index = this.plans.length;
    this.plans.push(plan);
    for (const step of plan.retire)
      this.pool = this.pool.filter((agent) => agent.agentId !== step.agentId);
    for (const step of plan.spawn) {
      const owner = step.instanceKey ? this.alerts.get(step.instanceKey) : undefined;
      this.pool.push({
        agentId: `${step.role}-${(this.nextId += 1)}`,
        role: step.role,
        category: step.category,
        state: 'running',
        origin: step.origin,
        rule: step.origin === 'alert' ? step.rule : undefined,
        instanceKey: owner ? instanceKey(owner) : undefined,
        spawnedAt: this.now,
      });
      if (step.cause === 'alert' && step.instanceKey) {
        const steps = this.actions.get(step.instanceKey) ?? [];
        if (!steps.includes(index)) steps.push(index);
        this.actions.set(step.instanceKey, steps);
      }
    }
    for (const handover of plan.adopt) {
      const agent = this.pool.find((entry) => entry.agentId === handover.agentId);
      if (agent) agent.instanceKey = handover.instanceKey;
    }
    for (const update of plan.instances) {
      const alert = this.alerts.get(update.key);
      if (!alert) continue;
      if (update.actedAt !== undefined) alert.actedAt ??= update.actedAt;
      if (update.granted) alert.granted = update.granted;
      if (update.lastSkip !== undefined) alert.lastSkip = update.lastSkip;
      if (update.completed) {
        this.alerts.delete(update.key);
        this.completed.add(update.key);
      }
    }
    for (const key of plan.clockRules) this.clocks = { ...this.clocks, [key]: this.now };
    return plan;
  }

  /** Advances the clock in large steps and decides until the pool stops changing. */
  settle(stepMs = 10 * 60 * 1000, rounds = 8): void {
    for (let round = 0; round < rounds; round += 1) {
      this.now += stepMs;
      this.step();
    }
  }

  /** True when some step was skipped because a category or max_agents was full. */
  wasContended(): boolean {
    return this.plans.some((plan) =>
      plan.skipped.some((skip) => skip.reason === 'at_max' || skip.reason === 'category_full'),
    );
  }

  roleCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const agent of this.pool) counts[agent.role] = (counts[agent.role] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  }

  categoryCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const agent of this.pool)
      counts.set(agent.category, (counts.get(agent.category) ?? 0) + 1);
    return counts;
  }
}
