/** Shared helpers of the pool driver tests. */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';

import pino from 'pino';
import type { Registry } from 'prom-client';

import type { AgentSpec, DriverConfig, SwarmConfig } from '../../src/config/model';
import { createLogger, type Logger } from '../../src/log';
import type { Heartbeat, PoolDriver, SpawnRequest } from '../../src/pool/driver';

/** Creates a logger that writes nothing. */
export function silentLogger(): Logger {
  return createLogger({ level: 'silent' });
}

/** Creates a pino logger that collects its lines as parsed JSON. */
export function collectingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** Returns a short unique token, safe as a NATS subject token and a file name. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Builds an agent spec as the config loader would resolve it. */
export function sampleSpec(id = 'actor-supervisor'): AgentSpec {
  return {
    id,
    category: 'core_architecture',
    capabilities: ['supervision', 'fault_tolerance'],
    autoSpawnOn: ['system initialization'],
    knowledge: { supervision_strategy: 'one_for_one', max_restarts: 3 },
  };
}

/** Builds a spawn request for `agentId` with an idempotency key derived from it. */
export function spawnRequest(agentId: string, overrides: Partial<SpawnRequest> = {}): SpawnRequest {
  return {
    agentId,
    role: 'actor-supervisor',
    category: 'core_architecture',
    spec: sampleSpec(),
    idempotencyKey: `decision-${agentId}`,
    ...overrides,
  };
}

/** Builds a minimal resolved config whose only meaningful section is `driver`. */
export function configWithDriver(driver: Partial<DriverConfig>): SwarmConfig {
  return {
    source: { file: 'test.yaml', format: 'yaml' },
    swarm: { topology: 'hierarchical', baseAgents: 1, maxAgents: 10 },
    autoScale: { enabled: true, minAgents: 1, maxAgents: 10, strategy: 'framework-aware' },
    scalingRules: [],
    categories: [],
    triggers: { framework: [] },
    dashboards: [],
    scaler: {
      scaleUpStabilizationSeconds: 0,
      scaleDownStabilizationSeconds: 60,
      heartbeatTtlSeconds: 30,
      reconcileSchedule: '*/10 * * * * *',
      defaultForSeconds: 30,
      defaultCooldownSeconds: 60,
    },
    driver: { kind: 'in-process', startDelaySeconds: 0, timeoutSeconds: 5, options: {}, ...driver },
    roles: [],
  };
}

/** Polls `check` until it returns true; fails with `message` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 5000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves after `ms` milliseconds; only for windows in which something must NOT happen. */
export function quietPeriod(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Records every heartbeat a driver emits, with the local time it arrived. */
export class HeartbeatRecorder {
  readonly beats: (Heartbeat & { receivedAt: number })[] = [];
  private readonly remove: () => void;

  constructor(driver: PoolDriver) {
    this.remove = driver.onHeartbeat((beat) =>
      this.beats.push({ ...beat, receivedAt: Date.now() }),
    );
  }

  /** Heartbeats of `agentId` received after `sinceMs` (local clock). */
  count(agentId: string, sinceMs = 0): number {
    return this.beats.filter((beat) => beat.agentId === agentId && beat.receivedAt > sinceMs)
      .length;
  }

  /** Waits for a heartbeat of `agentId` received after `sinceMs`. */
  async waitForBeat(agentId: string, sinceMs = 0, timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.count(agentId, sinceMs) > 0, `a heartbeat from ${agentId}`, timeoutMs);
  }

  close(): void {
    this.remove();
  }
}

/** Value of a counter or gauge series, 0 when the series does not exist. */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const match = values.find((value) =>
    Object.entries(labels).every(([key, expected]) => String(value.labels[key]) === expected),
  );
  return match?.value ?? 0;
}
