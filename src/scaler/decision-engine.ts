/**
 * Runs decisions: in one transaction it locks the swarm row, applies a change (new notifications,
 * an operator action, lost agents), reads the state, gets a plan from the policy and writes the
 * plan and its decision log entries. Driver calls happen after the commit (see PlanExecutor).
 */
import { randomBytes } from 'node:crypto';

import type { SwarmConfig } from '../config/model';
import type { Logger } from '../log';
import type { PoolDriver } from '../pool/driver';
import type { Database, QueryResult, Statement, Transaction } from '../store/database';
import { writeDecisionStatement, type DecisionWrite } from '../store/decision-writes';
import {
  loadDecisionState,
  loadStateStatement,
  lockStatement,
  parseDecisionState,
  parseSwarmRow,
  type DecisionRow,
  type DecisionState,
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

/**
 * A change applied inside the decision's transaction after the swarm row is locked and the state
 * read, before the policy runs. `reload` reads the state again (the change altered it), `isNoop`
 * ends the transaction without a decision.
 */
export type Mutation = (
  tx: Transaction,
  swarm: SwarmRow,
) => Promise<{ swarm?: Partial<SwarmRow>; isNoop?: boolean; reload?: boolean } | void>;

/**
 * Work done before the swarm lock. `isNeeded: false` ends the transaction without a decision
 * (duplicate notifications); `afterLock` statements run right after the lock, before the load.
 */
export type Prepare = (tx: Transaction) => Promise<{
  isNeeded: boolean;
  afterLock?: Statement[];
  /** Receives the results of the `afterLock` statements. */
  onAfterLock?: (results: QueryResult<Record<string, unknown>>[]) => void;
}>;

const MAX_ATTEMPTS = 3;

/** True for deadlocks and serialization failures, which a new attempt of the transaction resolves. */
function isTransientConflict(err: unknown): boolean {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' && (cause.code === '40P01' || cause.code === '40001');
}

/** The result of a decision, for callers and tests. */
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
  /** Read for `isHealthy()`: while it returns false, the policy skips spawns with `driver_down`. */
  driver?: Pick<PoolDriver, 'kind' | 'isHealthy'>;
}

/** Serializes and records decisions for one swarm. */
export class DecisionEngine {
  private lastDryRunSignature = '';
  private readonly loggedSkips = new Set<string>();
  private isDriverDown = false;

  constructor(private readonly settings: EngineSettings) {}

  /**
   * Runs one decision; `mutate` changes the state first, inside the same transaction. `prepare`
   * runs before the swarm row is locked and may end the transaction early (`isNeeded: false`),
   * so work that needs no decision (duplicate notifications) does not wait for the lock.
   * Deadlocks and serialization failures are retried up to MAX_ATTEMPTS times.
   */
  async run(trigger: string, mutate?: Mutation, prepare?: Prepare): Promise<DecisionOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.runOnce(trigger, mutate, prepare);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !isTransientConflict(err)) throw err;
        this.settings.logger.debug({ err, attempt }, 'decision transaction conflicted; retrying');
      }
    }
  }

  private async runOnce(
    trigger: string,
    mutate?: Mutation,
    prepare?: Prepare,
  ): Promise<DecisionOutcome> {
    const { database, swarm } = this.settings;
    return database.transaction(async (tx) => {
      const prepared = prepare ? await prepare(tx) : { isNeeded: true };
      if (!prepared.isNeeded) return { work: { spawns: [], retires: [] } };
      const afterLock = prepared.afterLock ?? [];
      // Each statement of the batch reads with its own snapshot, so the load reads what the previous holder of the lock committed.
      const results = await tx.batch([
        lockStatement(swarm),
        ...afterLock,
        loadStateStatement(swarm),
      ]);
      prepared.onAfterLock?.(results.slice(1, 1 + afterLock.length));
      const locked = results[0];
      const loaded = results[results.length - 1];
      const row = parseSwarmRow(locked, swarm);
      const change = (await mutate?.(tx, row)) ?? {};
      if (change.isNoop) return { work: { spawns: [], retires: [] } };
      const state = change.reload ? await loadDecisionState(tx, swarm) : parseDecisionState(loaded);
      return this.decideLocked(tx, trigger, { ...row, ...change.swarm }, state);
    });
  }

  private async decideLocked(
    tx: Transaction,
    trigger: string,
    controls: SwarmRow,
    state: DecisionState,
  ): Promise<DecisionOutcome> {
    const { config, swarm, now: clock } = this.settings;
    const now = clock();
    const { pool, alerts, clocks } = state;
    const freeze = evaluateFreeze(
      alerts,
      controls.lastWatchdogAt,
      now,
      this.settings.watchdogWindowSeconds,
    );
    const plan = decide(config, {
      now,
      pool,
      alerts,
      clocks,
      controls: {
        paused: controls.paused,
        targetPin: controls.targetPin,
        frozen: freeze.frozen,
        driverDown: this.checkDriverDown(),
      },
    });
    const write: DecisionWrite = {
      at: now,
      agents: [],
      retiring: [],
      adopt: [],
      instances: [],
      clocks: [],
      transitions: [],
      decisions: this.freezeDecisions(controls, freeze, now),
      swarm: { ...controls, frozen: freeze.frozen },
    };
    const work = controls.dryRun
      ? this.recordDryRun(plan, now, write.decisions)
      : this.planWrites(plan, pool, alerts, write);
    await tx.batch([writeDecisionStatement(swarm, this.settings.replica, write)], { commit: true });
    this.countDecisions(write.decisions);
    this.settings.metrics.desiredAgents.set(plan.desired);
    this.settings.metrics.frozen.set(freeze.frozen ? 1 : 0);
    this.settings.metrics.paused.set(controls.paused ? 1 : 0);
    if (work.spawns.length + work.retires.length > 0) {
      this.settings.logger.info(
        { trigger, spawn: work.spawns.length, retire: work.retires.length, desired: plan.desired },
        'scaling decision',
      );
    }
    return { plan, freeze, work };
  }

  /** Reads the driver's health and logs one line when spawns freeze and one when they resume. */
  private checkDriverDown(): boolean {
    const { driver, logger } = this.settings;
    const isDown = driver?.isHealthy?.() === false;
    if (isDown !== this.isDriverDown) {
      // Skipped spawns are not queued: the reconcile loop plans them again after recovery.
      if (isDown) logger.warn({ driver: driver?.kind }, 'spawns frozen: the pool driver is down');
      else logger.info({ driver: driver?.kind }, 'spawns resumed: the pool driver recovered');
    }
    this.isDriverDown = isDown;
    return isDown;
  }

  private freezeDecisions(controls: SwarmRow, freeze: FreezeState, now: number): DecisionRow[] {
    if (controls.frozen === freeze.frozen) return [];
    this.settings.logger.warn(
      { frozen: freeze.frozen, reason: freeze.reason },
      'scale-down freeze changed',
    );
    return [
      {
        at: now,
        rule: 'pipeline',
        action: freeze.frozen ? 'freeze' : 'unfreeze',
        outcome: 'applied',
        reason: freeze.reason,
      },
    ];
  }

  private recordDryRun(plan: Plan, now: number, decisions: DecisionRow[]): CommittedWork {
    const entries: DecisionRow[] = [
      ...plan.spawn.map((step) => ({
        at: now,
        rule: step.rule,
        action: 'spawn',
        outcome: 'dry_run',
        reason: step.cause,
        role: step.role,
        category: step.category,
      })),
      ...plan.retire.map((step) => ({
        at: now,
        rule: step.rule,
        action: 'retire',
        outcome: 'dry_run',
        reason: step.cause,
        agentId: step.agentId,
        role: step.role,
        category: step.category,
      })),
    ];
    const signature = JSON.stringify(entries.map(({ at: _at, ...rest }) => rest));
    if (signature !== this.lastDryRunSignature) decisions.push(...entries);
    this.lastDryRunSignature = signature;
    return { spawns: [], retires: [] };
  }

  /** Fills `write` with the plan's changes and returns the driver calls to make after commit. */
  private planWrites(
    plan: Plan,
    pool: PoolAgent[],
    alerts: AlertInstance[],
    write: DecisionWrite,
  ): CommittedWork {
    const { swarm } = this.settings;
    const now = write.at;
    const byKey = new Map(alerts.map((alert) => [instanceKey(alert), alert]));
    let occupied = pool.length;

    const spawns = plan.spawn.map((step) => {
      const owner = step.instanceKey ? byKey.get(step.instanceKey) : undefined;
      const agentId = `${step.role}-${randomBytes(4).toString('hex')}`;
      occupied += 1;
      write.transitions.push({ agentId, from: null, to: 'spawning', poolSize: occupied });
      write.decisions.push({
        at: now,
        rule: step.rule,
        action: 'spawn',
        outcome: 'applied',
        reason: step.cause,
        agentId,
        role: step.role,
        category: step.category,
        fingerprint: owner?.fingerprint,
        startsAt: owner?.startsAt,
      });
      return {
        agentId,
        role: step.role,
        category: step.category,
        origin: step.origin,
        rule: step.origin === 'alert' ? step.rule : undefined,
        fingerprint: owner?.fingerprint,
        startsAt: owner?.startsAt,
        idempotencyKey: `${swarm}:${agentId}`,
        spawnedAt: now,
        spec: step.spec,
      };
    });
    write.agents.push(...spawns);

    for (const step of plan.retire) {
      const previous = pool.find((agent) => agent.agentId === step.agentId)?.state ?? 'running';
      const owner = step.instanceKey ? byKey.get(step.instanceKey) : undefined;
      write.retiring.push(step.agentId);
      write.transitions.push({
        agentId: step.agentId,
        from: previous,
        to: 'retiring',
        poolSize: occupied,
      });
      write.decisions.push({
        at: now,
        rule: step.rule,
        action: 'retire',
        outcome: 'applied',
        reason: step.cause,
        agentId: step.agentId,
        role: step.role,
        category: step.category,
        fingerprint: owner?.fingerprint,
        startsAt: owner?.startsAt,
      });
    }

    for (const handover of plan.adopt) {
      const owner = byKey.get(handover.instanceKey);
      if (!owner) continue;
      write.adopt.push({
        agentId: handover.agentId,
        fingerprint: owner.fingerprint,
        startsAt: owner.startsAt,
      });
      write.decisions.push({
        at: now,
        rule: owner.rule,
        action: 'adopt',
        outcome: 'applied',
        agentId: handover.agentId,
        fingerprint: owner.fingerprint,
        startsAt: owner.startsAt,
      });
    }

    this.planInstanceWrites(plan, byKey, write);
    write.clocks.push(...plan.clockRules);
    return {
      spawns,
      retires: plan.retire.map((step) => ({ agentId: step.agentId, rule: step.rule })),
    };
  }

  private planInstanceWrites(
    plan: Plan,
    byKey: Map<string, AlertInstance>,
    write: DecisionWrite,
  ): void {
    const now = write.at;
    type Change = Omit<InstanceChange, 'fingerprint' | 'startsAt'>;
    const changes = new Map<string, Change>();
    const merge = (key: string, change: Change) =>
      changes.set(key, { ...changes.get(key), ...change });
    for (const update of plan.instances) {
      merge(update.key, {
        ...(update.actedAt !== undefined ? { actedAt: update.actedAt } : {}),
        ...(update.granted ? { granted: update.granted } : {}),
        ...(update.completed ? { completedAt: now } : {}),
      });
    }
    for (const skip of plan.skipped) {
      const owner = skip.instanceKey ? byKey.get(skip.instanceKey) : undefined;
      const signature = owner
        ? `${skip.instanceKey}|${skip.reason}`
        : `${skip.rule}|${skip.role}|${skip.reason}`;
      const isRepeat = owner
        ? owner.lastSkip === skip.reason ||
          changes.get(skip.instanceKey ?? '')?.lastSkip === skip.reason
        : this.loggedSkips.has(signature);
      if (isRepeat) continue;
      if (owner) merge(instanceKey(owner), { lastSkip: skip.reason });
      else this.loggedSkips.add(signature);
      this.settings.metrics.skippedSteps.inc({ reason: skip.reason });
      write.decisions.push({
        at: now,
        rule: skip.rule,
        action: 'skip',
        outcome: 'skipped',
        reason: skip.reason,
        role: skip.role,
        fingerprint: owner?.fingerprint,
        startsAt: owner?.startsAt,
        dueAt: skip.dueAt,
      });
    }
    if (plan.skipped.length === 0) this.loggedSkips.clear();
    for (const [key, change] of changes) {
      const owner = byKey.get(key);
      if (owner)
        write.instances.push({
          fingerprint: owner.fingerprint,
          startsAt: owner.startsAt,
          ...change,
        });
    }
  }

  private countDecisions(decisions: DecisionRow[]): void {
    for (const row of decisions) {
      this.settings.metrics.decisions.inc({
        rule: row.rule,
        action: row.action,
        outcome: row.outcome,
      });
    }
  }
}
