/**
 * The contract every pool driver passes: spawn, retire, heartbeat loss, failure and retry.
 *
 * A harness pairs a driver with its runtime (an agent host, a test server, a fixture CLI) and
 * reads the runtime's own state, so each check compares what the driver reports with what happened.
 */
import type { Registry } from 'prom-client';

import { DriverError, type DriverFailureReason, type PoolDriver } from '../../src/pool/driver';
import { RetryPolicy } from '../../src/pool/retry';
import {
  HeartbeatRecorder,
  metricValue,
  quietPeriod,
  spawnRequest,
  uniqueId,
  waitFor,
} from './helpers';

const REASONS: DriverFailureReason[] = [
  'timeout',
  'rejected',
  'unreachable',
  'exit_status',
  'invalid_response',
];

/** A started driver and the hooks into its runtime. */
export interface DriverHarness {
  driver: PoolDriver;
  registry: Registry;
  /** Time between two heartbeats (or liveness polls) of one agent, in milliseconds. */
  heartbeatIntervalMs: number;
  /** Consecutive failures after which the driver must report itself down. */
  failureThreshold: number;
  /** Agents the runtime runs now, read from the runtime rather than the driver. */
  runningAgents(): Promise<string[]>;
  /** How many times the runtime started `agentId`. */
  startCount(agentId: string): Promise<number>;
  /** How many spawn requests for `agentId` reached the runtime, retries included. */
  spawnRequestsSeen(agentId: string): Promise<number>;
  /** Makes `agentId` stop heartbeating while it stays in the runtime, as a hung agent. */
  silence(agentId: string): Promise<void>;
  /** Undoes `silence`. */
  resume(agentId: string): Promise<void>;
  /** Makes the next spawn fail once in a way that a retry of the same request recovers from. */
  failNextSpawn(): Promise<void>;
  /** Makes the runtime unavailable until `restoreRuntime`. */
  breakRuntime(): Promise<void>;
  restoreRuntime(): Promise<void>;
  close(): Promise<void>;
}

/** Defines the contract tests for the driver that `createHarness` builds. */
export function describeDriverContract(
  name: string,
  createHarness: () => Promise<DriverHarness>,
): void {
  describe(`${name} driver contract`, () => {
    let harness: DriverHarness;
    let heartbeats: HeartbeatRecorder;

    beforeAll(async () => {
      harness = await createHarness();
      heartbeats = new HeartbeatRecorder(harness.driver);
    });

    afterAll(async () => {
      heartbeats?.close();
      await harness?.close();
    });

    test('spawn starts an agent that heartbeats', async () => {
      const agentId = uniqueId('spawn');
      await harness.driver.spawn(spawnRequest(agentId));

      await waitFor(
        async () => (await harness.runningAgents()).includes(agentId),
        `${agentId} in the runtime`,
      );
      await heartbeats.waitForBeat(agentId);
      expect(await harness.startCount(agentId)).toBe(1);
      const kind = harness.driver.kind;
      const successes = { driver: kind, operation: 'spawn', outcome: 'success' };
      expect(
        await metricValue(harness.registry, 'swarm_pool_driver_operations_total', successes),
      ).toBeGreaterThanOrEqual(1);
    });

    test('repeated spawn starts one agent', async () => {
      const agentId = uniqueId('twice');
      const request = spawnRequest(agentId);
      await Promise.all([harness.driver.spawn(request), harness.driver.spawn(request)]);
      await harness.driver.spawn(request);

      await waitFor(
        async () => (await harness.runningAgents()).includes(agentId),
        `${agentId} in the runtime`,
      );
      expect(await harness.startCount(agentId)).toBe(1);
    });

    test('retire stops the agent and its heartbeats', async () => {
      const agentId = uniqueId('retire');
      await harness.driver.spawn(spawnRequest(agentId));
      await heartbeats.waitForBeat(agentId);

      await harness.driver.retire(agentId);
      await waitFor(
        async () => !(await harness.runningAgents()).includes(agentId),
        `${agentId} gone from the runtime`,
      );
      // A heartbeat already in flight when the retire returned may still arrive.
      await quietPeriod(harness.heartbeatIntervalMs);
      const after = Date.now();
      await quietPeriod(harness.heartbeatIntervalMs * 4);
      expect(heartbeats.count(agentId, after)).toBe(0);
    });

    test('retire of unknown agent resolves', async () => {
      await expect(harness.driver.retire(uniqueId('unknown'))).resolves.toBeUndefined();
    });

    test('hung agent stops heartbeating', async () => {
      const agentId = uniqueId('hung');
      await harness.driver.spawn(spawnRequest(agentId));
      await heartbeats.waitForBeat(agentId);

      await harness.silence(agentId);
      await quietPeriod(harness.heartbeatIntervalMs);
      const silencedAt = Date.now();
      await quietPeriod(harness.heartbeatIntervalMs * 4);
      expect(heartbeats.count(agentId, silencedAt)).toBe(0);
      expect(await harness.runningAgents()).toContain(agentId);

      // The gap came from the agent, not from a broken listener: heartbeats resume.
      await harness.resume(agentId);
      await heartbeats.waitForBeat(agentId, silencedAt);
    });

    test('unavailable runtime fails spawns and marks the driver down', async () => {
      const { driver, registry, failureThreshold } = harness;
      await harness.breakRuntime();
      const errors: unknown[] = [];
      for (let attempt = 0; attempt < failureThreshold; attempt += 1) {
        errors.push(
          await driver.spawn(spawnRequest(uniqueId('broken'))).catch((err: unknown) => err),
        );
      }
      const first = errors[0] as DriverError;

      expect(first).toBeInstanceOf(DriverError);
      expect(REASONS).toContain(first.reason);
      expect(typeof first.retryable).toBe('boolean');
      expect(errors.every((err) => err instanceof DriverError)).toBe(true);
      const failures = { driver: driver.kind, operation: 'spawn', reason: first.reason };
      expect(
        await metricValue(registry, 'swarm_pool_driver_failures_total', failures),
      ).toBeGreaterThanOrEqual(failureThreshold);
      expect(driver.isHealthy?.()).toBe(false);
      expect(
        await metricValue(registry, 'swarm_pool_driver_healthy', { driver: driver.kind }),
      ).toBe(0);

      await harness.restoreRuntime();
      await driver.spawn(spawnRequest(uniqueId('restored')));
      expect(driver.isHealthy?.()).toBe(true);
    });

    test('retried spawn starts one agent', async () => {
      const agentId = uniqueId('retry');
      const request = spawnRequest(agentId);
      await harness.failNextSpawn();

      const policy = new RetryPolicy({ maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 200 });
      await policy.run(() => harness.driver.spawn(request));

      await waitFor(
        async () => (await harness.runningAgents()).includes(agentId),
        `${agentId} in the runtime`,
      );
      expect(await harness.spawnRequestsSeen(agentId)).toBeGreaterThanOrEqual(2);
      expect(await harness.startCount(agentId)).toBe(1);
    });
  });
}
