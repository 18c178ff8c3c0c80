/**
 * Driver health, metrics registration and the log lines of up/down transitions.
 */
import { Registry } from 'prom-client';

import { DriverError } from '../../src/pool/driver';
import { createDriver } from '../../src/pool/index';
import { InProcessDriver } from '../../src/pool/in-process';
import {
  collectingLogger,
  configWithDriver,
  metricValue,
  silentLogger,
  spawnRequest,
  uniqueId,
} from './helpers';

function inProcess(
  registry: Registry,
  logger = silentLogger(),
  options: Record<string, unknown> = {},
) {
  const config = configWithDriver({ kind: 'in-process', startDelaySeconds: 0, options });
  const driver = createDriver(config, { logger, registry, env: {} });
  if (!(driver instanceof InProcessDriver)) throw new Error('expected an in-process driver');
  return driver;
}

describe('driver health', () => {
  test('down and recovery each log one line', async () => {
    const { logger, lines } = collectingLogger();
    const driver = inProcess(new Registry(), logger, { failure_threshold: 2 });
    await driver.start();
    driver.setUnavailable(true);

    for (let attempt = 0; attempt < 4; attempt += 1) {
      await driver.spawn(spawnRequest(uniqueId('down'))).catch(() => undefined);
    }
    driver.setUnavailable(false);
    await driver.spawn(spawnRequest(uniqueId('up')));
    await driver.spawn(spawnRequest(uniqueId('up')));

    const down = lines.filter((line) => line.msg === 'pool driver down');
    const recovered = lines.filter((line) => line.msg === 'pool driver recovered');
    expect(down).toHaveLength(1);
    expect(down[0]).toMatchObject({
      level: 50,
      driver: 'in-process',
      consecutiveFailures: 2,
      reason: 'unreachable',
    });
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({ level: 30, driver: 'in-process' });
    await driver.stop();
  });

  test('driver stays healthy below the threshold', async () => {
    const driver = inProcess(new Registry(), silentLogger(), { failure_threshold: 3 });
    await driver.start();
    driver.injectFailures(2);

    await driver.spawn(spawnRequest(uniqueId('one'))).catch(() => undefined);
    await driver.spawn(spawnRequest(uniqueId('two'))).catch(() => undefined);
    expect(driver.isHealthy()).toBe(true);
    await driver.stop();
  });

  test('success resets the failure count', async () => {
    const driver = inProcess(new Registry(), silentLogger(), { failure_threshold: 2 });
    await driver.start();

    driver.injectFailures(1);
    await driver.spawn(spawnRequest(uniqueId('fail'))).catch(() => undefined);
    await driver.spawn(spawnRequest(uniqueId('ok')));
    driver.injectFailures(1);
    await driver.spawn(spawnRequest(uniqueId('fail'))).catch(() => undefined);
    expect(driver.isHealthy()).toBe(true);
    await driver.stop();
  });
});

describe('driver metrics', () => {
  test('two drivers share one registry', async () => {
    const registry = new Registry();
    const first = inProcess(registry);
    const second = inProcess(registry);
    await first.start();
    await second.start();

    await first.spawn(spawnRequest(uniqueId('a')));
    await second.spawn(spawnRequest(uniqueId('b')));
    const labels = { driver: 'in-process', operation: 'spawn', outcome: 'success' };
    expect(await metricValue(registry, 'swarm_pool_driver_operations_total', labels)).toBe(2);
    await first.stop();
    await second.stop();
  });

  test('failures are counted by reason', async () => {
    const registry = new Registry();
    const driver = inProcess(registry);
    await driver.start();
    driver.injectFailures(1);

    const error = await driver.spawn(spawnRequest(uniqueId('fail'))).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DriverError);
    const labels = { driver: 'in-process', operation: 'spawn', reason: 'unreachable' };
    expect(await metricValue(registry, 'swarm_pool_driver_failures_total', labels)).toBe(1);
    const outcome = { driver: 'in-process', operation: 'spawn', outcome: 'failure' };
    expect(await metricValue(registry, 'swarm_pool_driver_operations_total', outcome)).toBe(1);
    await driver.stop();
  });

  test('latency histogram observes each operation', async () => {
    const registry = new Registry();
    const driver = inProcess(registry);
    await driver.start();
    const agentId = uniqueId('timed');

    await driver.spawn(spawnRequest(agentId));
    await driver.retire(agentId);
    const text = await registry.metrics();
    expect(text).toContain(
      'swarm_pool_driver_operation_duration_seconds_count{driver="in-process",operation="spawn"} 1',
    );
    expect(text).toContain(
      'swarm_pool_driver_operation_duration_seconds_count{driver="in-process",operation="retire"} 1',
    );
    await driver.stop();
  });
});
