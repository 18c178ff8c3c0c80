import { Registry } from 'prom-client';

import { DriverError, type PoolDriver, type SpawnRequest } from '../../src/pool/driver';
import { InProcessDriver } from '../../src/pool/in-process';
import { createDriver } from '../../src/pool/index';
import { describeDriverContract, type DriverHarness } from './contract';
import {
  configWithDriver,
  HeartbeatRecorder,
  silentLogger,
  spawnRequest,
  uniqueId,
} from './helpers';

/** Delegates to `driver` and counts spawn calls per agent, since this runtime is the driver. */
function countSpawns(driver: InProcessDriver, seen: Map<string, number>): PoolDriver {
  return {
    kind: driver.kind,
    spawn: (request: SpawnRequest) => {
      seen.set(request.agentId, (seen.get(request.agentId) ?? 0) + 1);
      return driver.spawn(request);
    },
    retire: (agentId) => driver.retire(agentId),
    onHeartbeat: (listener) => driver.onHeartbeat(listener),
    start: () => driver.start(),
    stop: () => driver.stop(),
    isHealthy: () => driver.isHealthy(),
  };
}

function createInProcess(
  registry: Registry,
  options: Record<string, unknown>,
  startDelaySeconds = 0.05,
): InProcessDriver {
  const config = configWithDriver({
    kind: 'in-process',
    startDelaySeconds,
    timeoutSeconds: 1,
    options,
  });
  const driver = createDriver(config, { logger: silentLogger(), registry, env: {} });
  if (!(driver instanceof InProcessDriver))
    throw new Error(`expected an in-process driver, got ${driver.kind}`);
  return driver;
}

describeDriverContract('in-process', async (): Promise<DriverHarness> => {
  const registry = new Registry();
  const driver = createInProcess(registry, { heartbeat_interval: '100ms', failure_threshold: 2 });
  const seen = new Map<string, number>();
  await driver.start();
  return {
    driver: countSpawns(driver, seen),
    registry,
    heartbeatIntervalMs: 100,
    failureThreshold: 2,
    runningAgents: async () => driver.agentIds(),
    startCount: async (agentId) => driver.startCount(agentId),
    spawnRequestsSeen: async (agentId) => seen.get(agentId) ?? 0,
    silence: async (agentId) => void driver.silence(agentId),
    resume: async (agentId) => void driver.resume(agentId),
    failNextSpawn: async () => driver.injectFailures(1),
    breakRuntime: async () => driver.setUnavailable(true),
    restoreRuntime: async () => driver.setUnavailable(false),
    close: () => driver.stop(),
  };
});

describe('in-process driver', () => {
  let registry: Registry;
  let driver: InProcessDriver | undefined;

  beforeEach(() => {
    registry = new Registry();
  });

  afterEach(async () => {
    await driver?.stop();
    driver = undefined;
  });

  test('spawn resolves after the start delay', async () => {
    driver = createInProcess(registry, { heartbeat_interval: '1s' }, 0.3);
    await driver.start();

    const startedAt = Date.now();
    await driver.spawn(spawnRequest(uniqueId('delay')));
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(280);
  });

  test('first heartbeat arrives when the agent is ready', async () => {
    driver = createInProcess(registry, { heartbeat_interval: '10s' });
    await driver.start();
    const recorder = new HeartbeatRecorder(driver);
    const agentId = uniqueId('first-beat');

    await driver.spawn(spawnRequest(agentId));
    expect(recorder.count(agentId)).toBe(1);
    recorder.close();
  });

  test('spawn past the start deadline times out', async () => {
    driver = createInProcess(registry, {}, 3);
    await driver.start();
    const agentId = uniqueId('slow');

    const error = await driver.spawn(spawnRequest(agentId)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).reason).toBe('timeout');
    expect((error as DriverError).retryable).toBe(true);
    expect((error as DriverError).code).toBe('DRIVER_TIMEOUT');
    expect(driver.agentIds()).not.toContain(agentId);
  });

  test('spawn beyond capacity is rejected', async () => {
    driver = createInProcess(registry, { capacity: 1 });
    await driver.start();
    await driver.spawn(spawnRequest(uniqueId('first')));

    const error = await driver.spawn(spawnRequest(uniqueId('second'))).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).reason).toBe('rejected');
    expect((error as DriverError).retryable).toBe(false);
  });

  test('reused agent id with another key is rejected', async () => {
    driver = createInProcess(registry, {});
    await driver.start();
    const agentId = uniqueId('reused');
    await driver.spawn(spawnRequest(agentId, { idempotencyKey: 'decision-1' }));

    const error = await driver
      .spawn(spawnRequest(agentId, { idempotencyKey: 'decision-2' }))
      .catch((err: unknown) => err);
    expect((error as DriverError).reason).toBe('rejected');
    expect(driver.startCount(agentId)).toBe(1);
  });

  test('rejections keep the driver healthy', async () => {
    driver = createInProcess(registry, { capacity: 1, failure_threshold: 1 });
    await driver.start();
    await driver.spawn(spawnRequest(uniqueId('only')));

    await driver.spawn(spawnRequest(uniqueId('over'))).catch(() => undefined);
    expect(driver.isHealthy()).toBe(true);
  });
});
