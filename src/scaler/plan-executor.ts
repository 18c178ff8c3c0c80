/**
 * Carries out committed decisions on the pool driver: spawns, then retires. A spawn is retried by
 * the retry policy; one that still fails marks its agent `failed`, which keeps the slot, and the
 * reconcile loop starts it again with the same agent id and idempotency key. A retire that fails
 * leaves the agent `retiring`, and the reconcile loop calls retire again.
 */
import type { Logger } from '../log';
import { DriverError, type DriverFailureReason, type PoolDriver } from '../pool/driver';
import { isRetryableDriverError, type RetryPolicy } from '../pool/retry';
import type { Database } from '../store/database';
import { recordDriverResults } from '../store/decision-writes';
import {
  appendDecisions,
  countOccupied,
  markSpawnFailed,
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
  /** Immediate retries of a failed spawn; later retries are the reconcile loop's. */
  retry: RetryPolicy;
}

type SpawnWork = CommittedWork['spawns'][number];

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

  /** Spawns one agent, retrying by policy; returns its id once the driver acknowledged it. */
  private async spawn(spawn: SpawnWork): Promise<string | undefined> {
    const { metrics, now } = this.settings;
    try {
      await this.callSpawn(spawn);
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

  /**
   * Calls the driver, retrying retryable errors with the same request, so that a retry never adds
   * an agent. Retries stop early once the driver reports itself down.
   */
  private async callSpawn(spawn: SpawnWork): Promise<void> {
    const { driver, logger, retry } = this.settings;
    const request = {
      agentId: spawn.agentId,
      role: spawn.role,
      category: spawn.category,
      spec: spawn.spec,
      idempotencyKey: spawn.idempotencyKey,
    };
    await retry.run(() => driver.spawn(request), {
      isRetryable: (err) => isRetryableDriverError(err) && driver.isHealthy?.() !== false,
      onRetry: (err, attempt, delayMs) =>
        logger.debug({ err, agentId: spawn.agentId, attempt, delayMs }, 'retrying spawn'),
    });
  }

  /** Marks the agent `failed` (it keeps its slot), logs the decision and counts the reason. */
  private async recordSpawnFailure(spawn: SpawnWork, err: unknown): Promise<void> {
    const { database, swarm, replica, now, logger, metrics } = this.settings;
    // NOTE: errors other than DriverError come from a driver bug; they are counted as unreachable.
    const reason: DriverFailureReason = err instanceof DriverError ? err.reason : 'unreachable';
    logger.warn(
      { err, agentId: spawn.agentId, role: spawn.role, reason },
      'spawn failed; the reconcile loop retries it',
    );
    metrics.spawnFailures.inc({ reason });
    const rule = spawn.rule ?? spawn.origin;
    if (await markSpawnFailed(database, spawn.agentId, reason)) {
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
