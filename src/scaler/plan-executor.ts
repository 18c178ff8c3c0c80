/**
 * Carries out committed decisions on the pool driver: spawns, then retires. A spawn that fails
 * marks its agent `failed`, so the next decision replaces it. A retire that fails leaves the agent
 * `retiring`, and the reconcile loop calls retire again.
 */
import type { Logger } from '../log';
import { DriverError, type PoolDriver } from '../pool/driver';
import type { Database } from '../store/database';
import { recordDriverResults } from '../store/decision-writes';
import {
  appendDecisions,
  countOccupied,
  moveAgent,
  recordTransitions,
} from '../store/scaler-repository';
import type { CommittedWork } from './decision-engine';
import type { ScalerMetrics } from './metrics';

/** Settings of the executor. */
export interface ExecutorSettings {
  database: Database;
  driver: PoolDriver;
  logger: Logger;
  metrics: ScalerMetrics;
  swarm: string;
  replica: string;
  now: () => number;
}

/** Runs driver calls for committed work and tracks them so that `drain` can wait. */
export class PlanExecutor {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly settings: ExecutorSettings) {}

  /** Starts the driver calls of `work` without waiting for them. */
  submit(work: CommittedWork): void {
    if (work.spawns.length === 0 && work.retires.length === 0) return;
    const task = this.execute(work).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  /** Waits for every submitted call to settle. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Runs the driver calls of `work`, waits for them, and records the agents that started or stopped. */
  async execute(work: CommittedWork): Promise<void> {
    const started = (await Promise.all(work.spawns.map((spawn) => this.spawn(spawn)))).filter(
      (id): id is string => id !== undefined,
    );
    const stopped = (
      await Promise.all(work.retires.map((retire) => this.callRetire(retire.agentId, retire.rule)))
    ).filter((id): id is string => id !== undefined);
    const moves = [
      ...started.map((agentId) => ({ agentId, from: 'spawning' as const, to: 'running' as const })),
      ...stopped.map((agentId) => ({ agentId, from: 'retiring' as const, to: 'retired' as const })),
    ];
    await recordDriverResults(
      this.settings.database,
      this.settings.swarm,
      this.settings.now(),
      moves,
    ).catch((err: unknown) => {
      // The agents stay `spawning` or `retiring` in the store; a restart or the reconcile loop repeats the calls.
      this.settings.logger.warn({ err, agents: moves.length }, 'could not record driver results');
    });
  }

  /** Spawns one agent; returns its id once the driver acknowledged it. */
  private async spawn(spawn: CommittedWork['spawns'][number]): Promise<string | undefined> {
    const { driver, metrics, now } = this.settings;
    try {
      await driver.spawn({
        agentId: spawn.agentId,
        role: spawn.role,
        category: spawn.category,
        spec: spawn.spec,
        idempotencyKey: spawn.idempotencyKey,
      });
      if (spawn.startsAt !== undefined)
        metrics.alertToSpawn.observe(Math.max(0, now() - spawn.startsAt) / 1000);
      return spawn.agentId;
    } catch (err) {
      await this.recordSpawnFailure(spawn, err).catch((storeErr: unknown) => {
        this.settings.logger.error(
          { err: storeErr, agentId: spawn.agentId },
          'could not record failed spawn',
        );
      });
      return undefined;
    }
  }

  private async recordSpawnFailure(
    spawn: CommittedWork['spawns'][number],
    err: unknown,
  ): Promise<void> {
    const { database, swarm, replica, now, logger, metrics } = this.settings;
    const reason = err instanceof DriverError ? err.reason : 'unreachable';
    logger.warn({ err, agentId: spawn.agentId, role: spawn.role, reason }, 'spawn failed');
    const rule = spawn.rule ?? spawn.origin;
    if (await moveAgent(database, spawn.agentId, ['spawning'], 'failed', now())) {
      await recordTransitions(database, swarm, now(), [
        {
          agentId: spawn.agentId,
          from: 'spawning',
          to: 'failed',
          poolSize: await countOccupied(database, swarm),
        },
      ]);
    }
    await appendDecisions(database, swarm, replica, [
      {
        at: now(),
        rule,
        action: 'spawn',
        outcome: 'failed',
        reason,
        agentId: spawn.agentId,
        role: spawn.role,
        category: spawn.category,
      },
    ]);
    metrics.decisions.inc({ rule, action: 'spawn', outcome: 'failed' });
  }

  /** Retires one agent on the driver and records the result. */
  async retire(agentId: string, rule: string): Promise<void> {
    await this.execute({ spawns: [], retires: [{ agentId, rule }] });
  }

  private async callRetire(agentId: string, rule: string): Promise<string | undefined> {
    try {
      await this.settings.driver.retire(agentId);
      return agentId;
    } catch (err) {
      this.settings.logger.warn(
        { err, agentId, rule },
        'retire failed; the reconcile loop retries it',
      );
      return undefined;
    }
  }
}
