/**
 * The scaler without HTTP: ingests alerts, applies operator controls, reconciles, and keeps the
 * timers that run deferred decisions and flush heartbeats.
 */
import cron, { type ScheduledTask } from 'node-cron';

import type { AgentSpec, SwarmConfig } from '../config/model';
import type { Logger } from '../log';
import type { PoolDriver } from '../pool/driver';
import type { RetryPolicy } from '../pool/retry';
import type { Database } from '../store/database';
import {
  freshNotifications,
  insertAndMergeStatement,
  insertNotificationsStatement,
  mergeInstancesStatement,
} from '../store/decision-writes';
import {
  appendDecisions,
  claimFailedAgent,
  countOccupied,
  ensureSwarm,
  loadAgentsByState,
  loadOpenAlerts,
  moveAgent,
  readSwarm,
  recordHeartbeats,
  recordTransitions,
  resolveInstances,
  type NotificationRow,
  type SwarmRow,
} from '../store/scaler-repository';
import { fetchActiveAlerts } from './alertmanager-client';
import {
  DecisionEngine,
  type DecisionOutcome,
  type Mutation,
  type Prepare,
} from './decision-engine';
import type { ScalerMetrics } from './metrics';
import { GroupCommit } from './group-commit';
import {
  isWatchdogBeat,
  sortAlerts,
  type IgnoredAlert,
  type IncomingAlert,
  type SortedAlerts,
} from './notifications';
import { PlanExecutor } from './plan-executor';
import type { PoolAgent } from './types';

/** Settings of the core. */
export interface CoreSettings {
  database: Database;
  config: SwarmConfig;
  driver: PoolDriver;
  logger: Logger;
  metrics: ScalerMetrics;
  swarm: string;
  replica: string;
  now: () => number;
  watchdogWindowSeconds: number;
  alertmanagerUrl?: string;
  /** Immediate retries of a failed spawn. */
  retry: RetryPolicy;
}

/** Operator controls that the admin API changes. */
export type ControlChange = Partial<Pick<SwarmRow, 'paused' | 'dryRun' | 'targetPin'>>;

const HEARTBEAT_FLUSH_MS = 1000;
const RECENT_KEYS = 10_000;

function notificationKey(row: NotificationRow): string {
  return `${row.fingerprint}|${row.startsAt}|${row.status}`;
}

/** Ingests, decides, executes and reconciles for one swarm. */
export class ScalerCore {
  readonly engine: DecisionEngine;
  readonly executor: PlanExecutor;
  private dueTimer?: NodeJS.Timeout;
  private dueAt = Infinity;
  private flushTimer?: NodeJS.Timeout;
  private cronTask?: ScheduledTask;
  private removeHeartbeatListener?: () => void;
  private readonly heartbeats = new Map<string, number>();
  private readonly ignoredSeen = new Set<string>();
  /** Notification keys this replica committed recently, in insertion order. */
  private readonly recentKeys = new Set<string>();
  private isStopped = false;
  private readonly webhookGroups = new GroupCommit<SortedAlerts, number>((group) =>
    this.ingestGroup(group, false),
  );

  constructor(private readonly settings: CoreSettings) {
    this.engine = new DecisionEngine(settings);
    this.executor = new PlanExecutor(settings);
  }

  /** Restores the pool from the store, makes the first decision and starts the timers. */
  async start(initialDryRun?: boolean): Promise<void> {
    const { database, swarm, driver } = this.settings;
    await ensureSwarm(database, swarm);
    this.removeHeartbeatListener = driver.onHeartbeat((beat) =>
      this.heartbeats.set(beat.agentId, beat.at),
    );
    await this.restore();
    await this.decide(
      'start',
      initialDryRun === undefined ? undefined : async () => ({ swarm: { dryRun: initialDryRun } }),
    );
    this.flushTimer = setInterval(() => void this.flushHeartbeats(), HEARTBEAT_FLUSH_MS);
    this.flushTimer.unref();
    this.cronTask = cron.schedule(
      this.settings.config.scaler.reconcileSchedule,
      () => this.reconcileSafely(),
      { noOverlap: true },
    );
  }

  /** Stops timers and waits for driver calls in flight. */
  async stop(): Promise<void> {
    this.isStopped = true;
    this.removeHeartbeatListener?.();
    if (this.dueTimer) clearTimeout(this.dueTimer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.cronTask?.destroy();
    await this.executor.drain();
    await this.flushHeartbeats();
  }

  /**
   * Stores alerts and decides; resolves once the decision is committed. Webhook calls are grouped
   * into shared transactions (see GroupCommit); the reconcile loop's re-read runs on its own.
   */
  async ingest(
    alerts: IncomingAlert[],
    source: 'webhook' | 'api',
    resolveMissing = false,
  ): Promise<{ stored: number; ignored: IgnoredAlert[] }> {
    const { config, swarm, now } = this.settings;
    const sorted = sortAlerts(alerts, config, swarm, source, now());
    const stored =
      source === 'webhook'
        ? await this.webhookGroups.submit(sorted)
        : (await this.ingestGroup([sorted], resolveMissing))[0];
    return { stored, ignored: sorted.ignored };
  }

  /** Stores a group of alert batches in one decision; returns how many new notifications each had. */
  private async ingestGroup(group: SortedAlerts[], resolveMissing: boolean): Promise<number[]> {
    const { swarm, now } = this.settings;
    const receivedAt = now();
    const rows = group.flatMap((entry) => entry.rows);
    const hasBeat = rows.some(isWatchdogBeat);
    const ignored = group.flatMap((entry) => entry.ignored);
    let fresh: NotificationRow[] = [];
    const isLikelyDuplicate =
      rows.length > 0 &&
      !hasBeat &&
      !resolveMissing &&
      rows.every((row) => this.recentKeys.has(notificationKey(row)));
    // Likely duplicates (keys this replica committed recently) are inserted before the lock, so a
    // group that brings nothing new commits without taking it. Other groups insert under the lock,
    // in the same round trip as the lock and the load, which saves a round trip before a spawn.
    const prepare: Prepare = async (tx) => {
      if (isLikelyDuplicate) {
        const [stored] = await tx.batch([insertNotificationsStatement(swarm, rows)]);
        fresh = freshNotifications(stored, rows);
      }
      await this.recordIgnored(tx, ignored, receivedAt);
      if (isLikelyDuplicate)
        return {
          isNeeded: fresh.length > 0,
          afterLock: fresh.length > 0 ? [mergeInstancesStatement(swarm, fresh)] : [],
        };
      if (rows.length === 0) return { isNeeded: hasBeat || resolveMissing };
      return {
        isNeeded: true,
        afterLock: [insertAndMergeStatement(swarm, rows)],
        onAfterLock: ([stored]) => (fresh = freshNotifications(stored, rows)),
      };
    };
    await this.decide(
      resolveMissing ? 'api' : 'webhook',
      async (tx, row) => {
        const isReread = resolveMissing && hasBeat;
        if (isReread) await this.resolveVanished(tx, rows);
        const isNoop = fresh.length === 0 && !hasBeat && !resolveMissing;
        return {
          isNoop,
          reload: isReread,
          swarm: hasBeat
            ? { lastWatchdogAt: Math.max(row.lastWatchdogAt ?? 0, receivedAt) }
            : undefined,
        };
      },
      prepare,
    );
    this.rememberKeys(rows);
    const unclaimed = new Set(fresh.map(notificationKey));
    return group.map(
      (entry) =>
        entry.rows.filter((candidate) => unclaimed.delete(notificationKey(candidate))).length,
    );
  }

  /** Remembers committed notification keys, oldest dropped first, to spot likely duplicates. */
  private rememberKeys(rows: NotificationRow[]): void {
    for (const row of rows) {
      const key = notificationKey(row);
      this.recentKeys.delete(key);
      this.recentKeys.add(key);
    }
    for (const key of this.recentKeys) {
      if (this.recentKeys.size <= RECENT_KEYS) break;
      this.recentKeys.delete(key);
    }
  }

  /** Firing instances that Alertmanager no longer lists have resolved; a webhook may have been lost. */
  private async resolveVanished(
    tx: Parameters<Mutation>[0],
    active: { fingerprint: string; startsAt: number }[],
  ): Promise<void> {
    const at = this.settings.now();
    const listed = new Set(active.map((row) => `${row.fingerprint}|${row.startsAt}`));
    const open = await loadOpenAlerts(tx, this.settings.swarm);
    const vanished = open.filter(
      (alert) => alert.status === 'firing' && !listed.has(`${alert.fingerprint}|${alert.startsAt}`),
    );
    await resolveInstances(tx, this.settings.swarm, vanished, at);
  }

  private async recordIgnored(
    tx: Parameters<Mutation>[0],
    ignored: IgnoredAlert[],
    at: number,
  ): Promise<void> {
    // The set only keeps repeats out of the log, so it is cleared rather than allowed to grow.
    if (this.ignoredSeen.size > RECENT_KEYS) this.ignoredSeen.clear();
    const fresh = ignored.filter(
      (alert) => !this.ignoredSeen.has(`${alert.fingerprint}|${alert.reason}`),
    );
    for (const alert of fresh) this.ignoredSeen.add(`${alert.fingerprint}|${alert.reason}`);
    if (fresh.length === 0) return;
    this.settings.logger.info({ ignored: fresh.map((alert) => ({ ...alert })) }, 'alerts ignored');
    for (const alert of fresh)
      this.settings.metrics.decisions.inc({
        rule: 'unknown',
        action: 'ignore',
        outcome: 'ignored',
      });
    await appendDecisions(
      tx,
      this.settings.swarm,
      this.settings.replica,
      fresh.map((alert) => ({
        at,
        rule: alert.rule ?? '',
        action: 'ignore',
        outcome: 'ignored',
        reason: alert.reason,
        fingerprint: alert.fingerprint,
        detail: { kind: alert.kind ?? null },
      })),
    );
  }

  /** Changes operator controls, logs the action and decides. */
  async control(change: ControlChange, action: string): Promise<DecisionOutcome> {
    return this.decide(action, async (tx) => {
      await appendDecisions(tx, this.settings.swarm, this.settings.replica, [
        {
          at: this.settings.now(),
          rule: 'operator',
          action,
          outcome: 'applied',
          detail: { ...change },
        },
      ]);
      return { swarm: change };
    });
  }

  /** Runs one decision, submits its driver calls and arms the timer for deferred steps. */
  async decide(trigger: string, mutate?: Mutation, prepare?: Prepare): Promise<DecisionOutcome> {
    const outcome = await this.engine.run(trigger, mutate, prepare);
    this.executor.submit(outcome.work);
    if (outcome.plan?.nextDueAt !== undefined) this.armTimer(outcome.plan.nextDueAt);
    return outcome;
  }

  private armTimer(dueAt: number): void {
    if (this.isStopped || dueAt >= this.dueAt) return;
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueAt = dueAt;
    const delayMs = Math.min(Math.max(0, dueAt - this.settings.now()) + 5, 2 ** 31 - 1);
    this.dueTimer = setTimeout(() => {
      this.dueAt = Infinity;
      this.decide('timer').catch((err: unknown) =>
        this.settings.logger.warn(
          { err },
          'deferred decision failed; the reconcile loop retries it',
        ),
      );
    }, delayMs);
    this.dueTimer.unref();
  }

  private reconcileSafely(): Promise<void> {
    return this.reconcile().catch((err: unknown) =>
      this.settings.logger.warn({ err }, 'reconcile failed; retrying on the next schedule'),
    );
  }

  /**
   * Converges the pool: re-reads active alerts from Alertmanager, retires agents whose heartbeats
   * stopped, retries retires left hanging and spawns that failed, and decides.
   */
  async reconcile(): Promise<void> {
    if (this.isStopped) return;
    await this.flushHeartbeats();
    if (this.settings.alertmanagerUrl) {
      try {
        const alerts = await fetchActiveAlerts(this.settings.alertmanagerUrl);
        await this.ingest(alerts, 'api', true);
      } catch (err) {
        this.settings.logger.warn({ err }, 'alertmanager re-read skipped');
      }
    }
    const lost = await this.retireSilentAgents();
    await this.retryHangingRetires(lost);
    await this.retryFailedSpawns();
    await this.decide('reconcile');
  }

  private async retireSilentAgents(): Promise<string[]> {
    const { swarm, now, config, driver } = this.settings;
    const lost: string[] = [];
    // A driver without a liveness source sends no heartbeats, so silence does not mean death.
    if (driver.reportsHeartbeats === false) return lost;
    await this.engine.run('heartbeat', async (tx) => {
      const cutoff = now() - config.scaler.heartbeatTtlSeconds * 1000;
      const running = await loadAgentsByState(tx, swarm, ['running']);
      for (const agent of running) {
        if (Math.max(agent.spawnedAt, agent.lastHeartbeatAt ?? 0) >= cutoff) continue;
        if (await moveAgent(tx, agent.agentId, ['running'], 'lost', now()))
          lost.push(agent.agentId);
        await appendDecisions(tx, swarm, this.settings.replica, [
          {
            at: now(),
            rule: agent.rule ?? agent.origin,
            action: 'retire',
            outcome: 'applied',
            reason: 'heartbeat_lost',
            agentId: agent.agentId,
            role: agent.role,
            category: agent.category,
          },
        ]);
      }
      if (lost.length > 0) {
        const poolSize = await countOccupied(tx, swarm);
        await recordTransitions(
          tx,
          swarm,
          now(),
          lost.map((agentId) => ({
            agentId,
            from: 'running' as const,
            to: 'lost' as const,
            poolSize,
          })),
        );
      }
      return { isNoop: true };
    });
    if (lost.length > 0) this.settings.logger.warn({ agents: lost }, 'agents lost their heartbeat');
    return lost;
  }

  private async retryHangingRetires(lost: string[]): Promise<void> {
    const { database, swarm, driver } = this.settings;
    const retiring = await loadAgentsByState(database, swarm, ['retiring']);
    await Promise.all([
      ...retiring.map((agent) => this.executor.retire(agent.agentId, agent.rule ?? agent.origin)),
      ...lost.map((agentId) => driver.retire(agentId).catch(() => undefined)),
    ]);
  }

  /**
   * Starts failed agents again with their own agent id and idempotency key, so a retry never adds
   * an agent for the same slot. Nothing is retried while the driver reports itself down.
   */
  async retryFailedSpawns(): Promise<void> {
    if (this.settings.driver.isHealthy?.() === false) return;
    const claimed = await this.claimFailedAgents();
    if (claimed.length === 0) return;
    await this.recordRetries(claimed);
    await this.executor.execute({
      spawns: claimed.map((agent) => ({
        ...agent,
        spec: this.specOf(agent.role, agent.category),
        startsAt: undefined,
      })),
      retires: [],
    });
  }

  /** Moves failed agents back to `spawning`; returns those this replica moved. */
  private async claimFailedAgents() {
    const { database, swarm, now } = this.settings;
    const failed = await loadAgentsByState(database, swarm, ['failed']);
    const claimed: typeof failed = [];
    // The conditional move claims each agent, so that two replicas never retry the same one. It
    // also restarts the heartbeat clock, so the agent is not marked lost before its first beat.
    for (const agent of failed) {
      if (await claimFailedAgent(database, agent.agentId, now())) claimed.push(agent);
    }
    return claimed;
  }

  private async recordRetries(claimed: PoolAgent[]): Promise<void> {
    const { database, swarm, replica, now, metrics, logger } = this.settings;
    const poolSize = await countOccupied(database, swarm);
    await recordTransitions(
      database,
      swarm,
      now(),
      claimed.map(({ agentId }) => ({ agentId, from: 'failed', to: 'spawning', poolSize })),
    );
    const entries = claimed.map((agent) => ({
      at: now(),
      rule: agent.rule ?? agent.origin,
      action: 'spawn',
      outcome: 'retried',
      reason: agent.failureReason,
      agentId: agent.agentId,
      role: agent.role,
      category: agent.category,
    }));
    await appendDecisions(database, swarm, replica, entries);
    for (const entry of entries)
      metrics.decisions.inc({ rule: entry.rule, action: 'spawn', outcome: 'retried' });
    logger.info({ agents: claimed.length }, 'retrying failed spawns');
  }

  /** Starts again, with the same idempotency keys, every agent the store lists as alive. */
  private async restore(): Promise<void> {
    const { database, swarm } = this.settings;
    const alive = await loadAgentsByState(database, swarm, ['spawning', 'running']);
    const retiring = await loadAgentsByState(database, swarm, ['retiring']);
    const spawns = alive.map((agent) => ({
      ...agent,
      spec: this.specOf(agent.role, agent.category),
    }));
    await this.executor.execute({
      spawns: spawns.map((agent) => ({ ...agent, startsAt: undefined })),
      retires: retiring.map((agent) => ({
        agentId: agent.agentId,
        rule: agent.rule ?? agent.origin,
      })),
    });
    if (alive.length + retiring.length > 0)
      this.settings.logger.info(
        { restored: alive.length, retiring: retiring.length },
        'pool restored from the store',
      );
  }

  private specOf(role: string, category: string): AgentSpec {
    const { config } = this.settings;
    const known = config.categories
      .flatMap((entry) => entry.agents)
      .find((agent) => agent.id === role);
    const resolved = config.roles.find((entry) => entry.role === role)?.spec;
    return (
      known ?? resolved ?? { id: role, category, capabilities: [], autoSpawnOn: [], knowledge: {} }
    );
  }

  /** Writes buffered heartbeats to the store. */
  async flushHeartbeats(): Promise<void> {
    if (this.heartbeats.size === 0) return;
    const beats = new Map(this.heartbeats);
    this.heartbeats.clear();
    await recordHeartbeats(this.settings.database, beats).catch((err: unknown) => {
      for (const [id, at] of beats) if (!this.heartbeats.has(id)) this.heartbeats.set(id, at);
      this.settings.logger.warn({ err }, 'heartbeats not stored; retrying');
    });
  }

  /** Reads the swarm row. */
  async controls(): Promise<SwarmRow | undefined> {
    return readSwarm(this.settings.database, this.settings.swarm);
  }
}
