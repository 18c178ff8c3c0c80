/**
 * Runs decisions: in one transaction it locks the swarm row, applies a change (new notifications,
 * an operator action, lost agents), reads the state, asks the policy for a plan and writes the
 * plan and its decision log entries. Driver calls happen after the commit (see PlanExecutor).
 */
import { randomBytes } from 'node:crypto';

import type { SwarmConfig } from '../config/model';
import type { Logger } from '../log';
import type { Database, Queryable } from '../store/database';
import {
  appendDecisions,
  insertAgents,
  loadDecisionState,
  lockSwarm,
  moveAgents,
  reassignAgent,
  recordTransitions,
  touchClocks,
  updateInstances,
  updateSwarm,
  type DecisionRow,
  type InstanceChange,
  type NewAgentRow,
  type SwarmRow,
} from '../store/scaler-repository';
import { evaluateFreeze, type FreezeState } from './freeze';
import type { ScalerMetrics } from './metrics';
import { decide } from './policy';
import { instanceKey, type AlertInstance, type Plan, type PoolAgent } from './types';

/** Work to run on the driver once a decision is committed. */
export interface CommittedWork {
  spawns: (NewAgentRow & { spec: Plan['spawn'][number]['spec'] })[];
  retires: { agentId: string; rule: string }[];
}

/** A change applied inside the decision's transaction, before the policy runs. */
export type Mutation = (tx: Queryable, swarm: SwarmRow) => Promise<{ swarm?: Partial<SwarmRow>; isNoop?: boolean } | void>;

/** What a decision produced, for callers and tests. */
export interface DecisionOutcome {
  plan?: Plan;
  freeze?: FreezeState;
  work: CommittedWork;
}

/** Settings of the engine. */
export interface EngineSettings {
  database: Database;
  config: SwarmConfig;
  logger: Logger;
  metrics: ScalerMetrics;
  swarm: string;
  replica: string;
  now: () => number;
  watchdogWindowSeconds: number;
}

/** Serializes and records decisions for one swarm. */
export class DecisionEngine {
  private lastDryRunSignature = '';
  private readonly loggedSkips = new Set<string>();

  constructor(private readonly settings: EngineSettings) {}

  /** Runs one decision; `mutate` changes the state first, inside the same transaction. */
  async run(trigger: string, mutate?: Mutation): Promise<DecisionOutcome> {
    const { database, swarm } = this.settings;
    return database.transaction(async (tx) => {
      const row = await lockSwarm(tx, swarm);
      const change = (await mutate?.(tx, row)) ?? {};
      const controls: SwarmRow = { ...row, ...change.swarm };
      if (change.isNoop) return { work: { spawns: [], retires: [] } };
      return this.decideLocked(tx, trigger, controls);
    });
  }

  private async decideLocked(tx: Queryable, trigger: string, controls: SwarmRow): Promise<DecisionOutcome> {
    const { config, swarm, now: clock } = this.settings;
    const now = clock();
    const { pool, alerts, clocks } = await loadDecisionState(tx, swarm);
    const freeze = evaluateFreeze(alerts, controls.lastWatchdogAt, now, this.settings.watchdogWindowSeconds);
    const plan = decide(config, {
      now,
      pool,
      alerts,
      clocks,
      controls: { paused: controls.paused, targetPin: controls.targetPin, frozen: freeze.frozen },
    });
    const decisions: DecisionRow[] = this.freezeDecisions(controls, freeze, now);
    const work = controls.dryRun
      ? this.recordDryRun(plan, now, decisions)
      : await this.persistPlan(tx, plan, pool, alerts, now, decisions);
    await appendDecisions(tx, swarm, this.settings.replica, decisions);
    await updateSwarm(tx, swarm, { ...controls, frozen: freeze.frozen });
    this.countDecisions(decisions);
    this.settings.metrics.desiredAgents.set(plan.desired);
    this.settings.metrics.frozen.set(freeze.frozen ? 1 : 0);
    this.settings.metrics.paused.set(controls.paused ? 1 : 0);
    if (work.spawns.length + work.retires.length > 0) {
      this.settings.logger.info({ trigger, spawn: work.spawns.length, retire: work.retires.length, desired: plan.desired }, 'scaling decision');
    }
    return { plan, freeze, work };
  }

  private freezeDecisions(controls: SwarmRow, freeze: FreezeState, now: number): DecisionRow[] {
    if (controls.frozen === freeze.frozen) return [];
    this.settings.logger.warn({ frozen: freeze.frozen, reason: freeze.reason }, 'scale-down freeze changed');
    return [{ at: now, rule: 'pipeline', action: freeze.frozen ? 'freeze' : 'unfreeze', outcome: 'applied', reason: freeze.reason }];
  }

  private recordDryRun(plan: Plan, now: number, decisions: DecisionRow[]): CommittedWork {
    const entries: DecisionRow[] = [
      ...plan.spawn.map((step) => ({ at: now, rule: step.rule, action: 'spawn', outcome: 'dry_run', reason: step.cause, role: step.role, category: step.category })),
      ...plan.retire.map((step) => ({ at: now, rule: step.rule, action: 'retire', outcome: 'dry_run', reason: step.cause, agentId: step.agentId, role: step.role, category: step.category })),
    ];
    const signature = JSON.stringify(entries.map(({ at: _at, ...rest }) => rest));
    if (signature !== this.lastDryRunSignature) decisions.push(...entries);
    this.lastDryRunSignature = signature;
    return { spawns: [], retires: [] };
  }

  private async persistPlan(
    tx: Queryable,
    plan: Plan,
    pool: PoolAgent[],
    alerts: AlertInstance[],
    now: number,
    decisions: DecisionRow[],
  ): Promise<CommittedWork> {
    const { swarm } = this.settings;
    const byKey = new Map(alerts.map((alert) => [instanceKey(alert), alert]));
    let occupied = pool.length;
    const transitions: Parameters<typeof recordTransitions>[3] = [];

    const spawns = plan.spawn.map((step) => {
      const owner = step.instanceKey ? byKey.get(step.instanceKey) : undefined;
      const agentId = `${step.role}-${randomBytes(4).toString('hex')}`;
      occupied += 1;
      transitions.push({ agentId, from: null, to: 'spawning', poolSize: occupied });
      decisions.push({ at: now, rule: step.rule, action: 'spawn', outcome: 'applied', reason: step.cause, agentId, role: step.role, category: step.category, fingerprint: owner?.fingerprint, startsAt: owner?.startsAt });
      return {
        agentId, role: step.role, category: step.category, origin: step.origin, rule: step.origin === 'alert' ? step.rule : undefined,
        fingerprint: owner?.fingerprint, startsAt: owner?.startsAt, idempotencyKey: `${swarm}:${agentId}`, spawnedAt: now, spec: step.spec,
      };
    });
    await insertAgents(tx, swarm, spawns);

    await moveAgents(tx, plan.retire.map((step) => step.agentId), ['spawning', 'running'], 'retiring');
    for (const step of plan.retire) {
      const previous = pool.find((agent) => agent.agentId === step.agentId)?.state ?? 'running';
      transitions.push({ agentId: step.agentId, from: previous, to: 'retiring', poolSize: occupied });
      const owner = step.instanceKey ? byKey.get(step.instanceKey) : undefined;
      decisions.push({ at: now, rule: step.rule, action: 'retire', outcome: 'applied', reason: step.cause, agentId: step.agentId, role: step.role, category: step.category, fingerprint: owner?.fingerprint, startsAt: owner?.startsAt });
    }

    for (const handover of plan.adopt) {
      const owner = byKey.get(handover.instanceKey);
      if (!owner) continue;
      await reassignAgent(tx, handover.agentId, owner);
      decisions.push({ at: now, rule: owner.rule, action: 'adopt', outcome: 'applied', agentId: handover.agentId, fingerprint: owner.fingerprint, startsAt: owner.startsAt });
    }

    await this.persistInstances(tx, plan, byKey, now, decisions);
    await touchClocks(tx, swarm, plan.clockRules, now);
    await recordTransitions(tx, swarm, now, transitions);
    return { spawns, retires: plan.retire.map((step) => ({ agentId: step.agentId, rule: step.rule })) };
  }

  private async persistInstances(
    tx: Queryable,
    plan: Plan,
    byKey: Map<string, AlertInstance>,
    now: number,
    decisions: DecisionRow[],
  ): Promise<void> {
    type Change = Omit<InstanceChange, 'fingerprint' | 'startsAt'>;
    const changes = new Map<string, Change>();
    const merge = (key: string, change: Change) => changes.set(key, { ...changes.get(key), ...change });
    for (const update of plan.instances) {
      merge(update.key, {
        ...(update.actedAt !== undefined ? { actedAt: update.actedAt } : {}),
        ...(update.granted ? { granted: update.granted } : {}),
        ...(update.completed ? { completedAt: now } : {}),
      });
    }
    for (const skip of plan.skipped) {
      const owner = skip.instanceKey ? byKey.get(skip.instanceKey) : undefined;
      const signature = owner ? `${skip.instanceKey}|${skip.reason}` : `${skip.rule}|${skip.role}|${skip.reason}`;
      const isRepeat = owner ? owner.lastSkip === skip.reason || changes.get(skip.instanceKey ?? '')?.lastSkip === skip.reason : this.loggedSkips.has(signature);
      if (isRepeat) continue;
      if (owner) merge(instanceKey(owner), { lastSkip: skip.reason });
      else this.loggedSkips.add(signature);
      this.settings.metrics.skippedSteps.inc({ reason: skip.reason });
      decisions.push({ at: now, rule: skip.rule, action: 'skip', outcome: 'skipped', reason: skip.reason, role: skip.role, fingerprint: owner?.fingerprint, startsAt: owner?.startsAt, dueAt: skip.dueAt });
    }
    if (plan.skipped.length === 0) this.loggedSkips.clear();
    const updates: InstanceChange[] = [];
    for (const [key, change] of changes) {
      const owner = byKey.get(key);
      if (owner) updates.push({ fingerprint: owner.fingerprint, startsAt: owner.startsAt, ...change });
    }
    await updateInstances(tx, this.settings.swarm, updates);
  }

  private countDecisions(decisions: DecisionRow[]): void {
    for (const row of decisions) {
      this.settings.metrics.decisions.inc({ rule: row.rule, action: row.action, outcome: row.outcome });
    }
  }
}
