/** Read models for the admin API: the pool with its desired size, and the open alert instances. */
import type { SwarmConfig } from '../config/model';
import type { Database } from '../store/database';
import { loadClocks, loadOpenAlerts, loadPool, readSwarm } from '../store/scaler-repository';
import { evaluateFreeze } from './freeze';
import { decide } from './policy';
import { instanceKey } from './types';

/** `GET /api/v1/pool`. */
export interface PoolView {
  desired: number;
  /** Agents spawning or running; failed and retiring agents are left out. */
  actual: number;
  /** Agents whose spawn failed; each keeps its slot until it is started again or retired. */
  failed: number;
  agents: {
    id: string;
    role: string;
    category: string;
    state: string;
    spawnedAt: string;
    lastHeartbeatAt: string | null;
    /** Driver's reason for the last failed spawn, on `failed` agents. */
    failureReason?: string;
  }[];
  byCategory: Record<string, number>;
  byRole: Record<string, number>;
  frozen: boolean;
  paused: boolean;
  dryRun: boolean;
  targetPin: number | null;
}

/** `GET /api/v1/alerts`: the alert instances the scaler still tracks. */
export interface AlertView {
  key: string;
  rule: string;
  kind: string;
  direction: string;
  status: string;
  startsAt: string;
  resolvedAt: string | null;
  acted: boolean;
  granted: string[];
  lastSkip: string | null;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** Reads the pool without locking; `desired` comes from a read-only run of the policy. */
export async function readPoolView(
  database: Database,
  config: SwarmConfig,
  swarm: string,
  now: number,
  watchdogWindowSeconds: number,
): Promise<PoolView> {
  const controls = await readSwarm(database, swarm);
  const pool = await loadPool(database, swarm);
  const alerts = await loadOpenAlerts(database, swarm);
  const clocks = await loadClocks(database, swarm);
  const freeze = evaluateFreeze(alerts, controls?.lastWatchdogAt, now, watchdogWindowSeconds);
  const plan = decide(config, {
    now,
    pool,
    alerts,
    clocks,
    controls: {
      paused: controls?.paused ?? false,
      targetPin: controls?.targetPin ?? null,
      frozen: freeze.frozen,
    },
  });
  const live = pool.filter((agent) => agent.state === 'spawning' || agent.state === 'running');
  const count = (key: (agent: (typeof live)[number]) => string) =>
    live.reduce<Record<string, number>>(
      (totals, agent) => ({ ...totals, [key(agent)]: (totals[key(agent)] ?? 0) + 1 }),
      {},
    );
  return {
    desired: plan.desired,
    actual: live.length,
    failed: pool.filter((agent) => agent.state === 'failed').length,
    agents: pool.map((agent) => ({
      id: agent.agentId,
      role: agent.role,
      category: agent.category,
      state: agent.state,
      spawnedAt: new Date(agent.spawnedAt).toISOString(),
      lastHeartbeatAt: iso(agent.lastHeartbeatAt),
      ...(agent.failureReason ? { failureReason: agent.failureReason } : {}),
    })),
    byCategory: count((agent) => agent.category),
    byRole: count((agent) => agent.role),
    frozen: freeze.frozen,
    paused: controls?.paused ?? false,
    dryRun: controls?.dryRun ?? false,
    targetPin: controls?.targetPin ?? null,
  };
}

/** Reads the open alert instances. */
export async function readAlertView(database: Database, swarm: string): Promise<AlertView[]> {
  const alerts = await loadOpenAlerts(database, swarm);
  return alerts
    .sort((a, b) => a.startsAt - b.startsAt)
    .map((alert) => ({
      key: instanceKey(alert),
      rule: alert.rule,
      kind: alert.kind,
      direction: alert.direction,
      status: alert.status,
      startsAt: new Date(alert.startsAt).toISOString(),
      resolvedAt: iso(alert.resolvedAt),
      acted: alert.actedAt !== undefined,
      granted: alert.granted.map((slot) => slot.role),
      lastSkip: alert.lastSkip ?? null,
    }));
}
