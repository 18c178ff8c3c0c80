/**
 * Carries out committed decisions on the pool driver: spawns, then retires. A spawn that fails
 * marks its agent `failed`, so the next decision replaces it; a retire that fails leaves the agent
 * `retiring`, and the reconcile loop calls retire again.
 */
import type { Logger } from '../log';
import { DriverError, type PoolDriver } from '../pool/driver';
import type { Database } from '../store/database';
import { appendDecisions, countOccupied, moveAgent, recordTransitions } from '../store/scaler-repository';
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

  /** Runs the driver calls of `work` and waits for them. */
  async execute(work: CommittedWork): Promise<void> {
    await Promise.all([
      ...work.spawns.map((spawn) => this.spawn(spawn)),
      ...work.retires.map((retire) => this.retire(retire.agentId, retire.rule)),
    ]);
  }

  private async spawn(spawn: CommittedWork['spawns'][number]): Promise<void> {
    const { driver, database, metrics, now } = this.settings;
    try {
      await driver.spawn({ agentId: spawn.agentId, role: spawn.role, category: spawn.category, spec: spawn.spec, idempotencyKey: spawn.idempotencyKey });
      if (spawn.startsAt !== undefined) metrics.alertToSpawn.observe(Math.max(0, now() - spawn.startsAt) / 1000);
      await moveAgent(database, spawn.agentId, ['spawning'], 'running', now());
    } catch (err) {
      await this.recordSpawnFailure(spawn, err).catch((storeErr: unknown) => {
        this.settings.logger.error({ err: storeErr, agentId: spawn.agentId }, 'could not record failed spawn');
      });
    }
  }

  private async recordSpawnFailure(spawn: CommittedWork['spawns'][number], err: unknown): Promise<void> {
    const { database, swarm, replica, now, logger, metrics } = this.settings;
    const reason = err instanceof DriverError ? err.reason : 'unreachable';
    logger.warn({ err, agentId: spawn.agentId, role: spawn.role, reason }, 'spawn failed');
    const rule = spawn.rule ?? spawn.origin;
    if (await moveAgent(database, spawn.agentId, ['spawning'], 'failed', now())) {
      await recordTransitions(database, swarm, now(), [{ agentId: spawn.agentId, from: 'spawning', to: 'failed', poolSize: await countOccupied(database, swarm) }]);
    }
    await appendDecisions(database, swarm, replica, [{ at: now(), rule, action: 'spawn', outcome: 'failed', reason, agentId: spawn.agentId, role: spawn.role, category: spawn.category }]);
    metrics.decisions.inc({ rule, action: 'spawn', outcome: 'failed' });
  }

  /** Retires one agent on the driver and records the result. */
  async retire(agentId: string, rule: string): Promise<void> {
    const { driver, database, swarm, now, logger } = this.settings;
    try {
      await driver.retire(agentId);
      if (await moveAgent(database, agentId, ['retiring'], 'retired', now())) {
        await recordTransitions(database, swarm, now(), [{ agentId, from: 'retiring', to: 'retired', poolSize: await countOccupied(database, swarm) }]);
      }
    } catch (err) {
      logger.warn({ err, agentId, rule }, 'retire failed; the reconcile loop retries it');
    }
  }
}
