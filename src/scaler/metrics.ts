/** The scaler's metrics: the pool gauge and the scaler's own counters, gauges and histogram. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Store states as the catalogue names them for `swarm_agents` (its `state` label). */
const GAUGE_STATE: Record<string, string> = {
  spawning: 'starting',
  running: 'running',
  retiring: 'retiring',
  failed: 'failed',
};

/** Pool rows for the `swarm_agents` gauge, read when Prometheus scrapes. */
export type PoolCounter = () => Promise<
  { category: string; role: string; state: string; count: number }[]
>;

/** The metrics the scaler updates. */
export interface ScalerMetrics {
  decisions: Counter<'rule' | 'action' | 'outcome'>;
  skippedSteps: Counter<'reason'>;
  spawnFailures: Counter<'reason'>;
  alertToSpawn: Histogram<string>;
  webhookRequests: Counter<'status'>;
  desiredAgents: Gauge<string>;
  frozen: Gauge<string>;
  paused: Gauge<string>;
}

/** Registers the scaler's metrics on `registry`; `countPool` feeds `swarm_agents`. */
export function registerScalerMetrics(registry: Registry, countPool: PoolCounter): ScalerMetrics {
  new Gauge({
    name: 'swarm_agents',
    help: 'Agents in the pool by category, role and state, read from the store at scrape time.',
    labelNames: ['category', 'role', 'state'],
    registers: [registry],
    async collect() {
      const rows = await countPool().catch(() => undefined);
      // NOTE: when the store cannot be read, the gauge keeps its last values rather than dropping to zero.
      if (!rows) return;
      this.reset();
      for (const row of rows)
        this.set(
          { category: row.category, role: row.role, state: GAUGE_STATE[row.state] ?? row.state },
          row.count,
        );
    },
  });
  return {
    decisions: new Counter({
      name: 'swarm_scaler_decisions_total',
      help: 'Scaling decisions written to the decision log, by rule, action and outcome.',
      labelNames: ['rule', 'action', 'outcome'],
      registers: [registry],
    }),
    skippedSteps: new Counter({
      name: 'swarm_scaler_skipped_steps_total',
      help: 'Scaling steps the policy did not take, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    spawnFailures: new Counter({
      name: 'swarm_scaler_spawn_failures_total',
      help: 'Spawns that still failed after their immediate retries, by driver failure reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    alertToSpawn: new Histogram({
      name: 'swarm_scaler_alert_to_spawn_seconds',
      help: "Time from an alert's startsAt to the driver's spawn call returning, in seconds.",
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600],
      registers: [registry],
    }),
    webhookRequests: new Counter({
      name: 'swarm_scaler_webhook_requests_total',
      help: 'Alertmanager webhook requests by HTTP status.',
      labelNames: ['status'],
      registers: [registry],
    }),
    desiredAgents: new Gauge({
      name: 'swarm_scaler_desired_agents',
      help: 'Pool size the scaler converges on.',
      registers: [registry],
    }),
    frozen: new Gauge({
      name: 'swarm_scaler_frozen',
      help: '1 while scale-down is frozen because the alert pipeline may be blind.',
      registers: [registry],
    }),
    paused: new Gauge({
      name: 'swarm_scaler_paused',
      help: '1 while an operator has paused automatic scaling.',
      registers: [registry],
    }),
  };
}
