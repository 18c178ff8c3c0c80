/**
 * The HTTP driver against a local agent API on a free loopback port.
 */
import { createServer } from 'node:net';

import { Registry } from 'prom-client';

import { DriverError, type PoolDriver } from '../../src/pool/driver';
import { createDriver } from '../../src/pool/index';
import { AgentApiServer } from './agent-api-server';
import { describeDriverContract, type DriverHarness } from './contract';
import {
  collectingLogger,
  configWithDriver,
  silentLogger,
  spawnRequest,
  uniqueId,
  waitFor,
} from './helpers';

const FAST_RETRIES = { max_attempts: 3, initial_backoff: '20ms', max_backoff: '100ms' };

function createHttp(
  registry: Registry,
  options: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
  logger = silentLogger(),
): PoolDriver {
  const config = configWithDriver({ kind: 'http', timeoutSeconds: 2, options });
  return createDriver(config, { logger, registry, env });
}

describeDriverContract('http', async (): Promise<DriverHarness> => {
  const server = new AgentApiServer();
  await server.start();
  const registry = new Registry();
  const driver = createHttp(registry, {
    url: server.url,
    liveness_interval: '100ms',
    failure_threshold: 2,
    ...FAST_RETRIES,
  });
  await driver.start();
  return {
    driver,
    registry,
    heartbeatIntervalMs: 100,
    failureThreshold: 2,
    runningAgents: async () => [...server.agents.keys()],
    startCount: async (agentId) => server.starts.get(agentId) ?? 0,
    spawnRequestsSeen: async (agentId) => server.spawnRequests.get(agentId) ?? 0,
    silence: async (agentId) => void server.silenced.add(agentId),
    resume: async (agentId) => void server.silenced.delete(agentId),
    failNextSpawn: async () => server.failNextSpawn('answer-500'),
    breakRuntime: async () => void (server.isBroken = true),
    restoreRuntime: async () => void (server.isBroken = false),
    close: async () => {
      await driver.stop();
      await server.stop();
    },
  };
});

describe('http driver', () => {
  let server: AgentApiServer;
  let registry: Registry;
  let driver: PoolDriver;

  beforeEach(async () => {
    server = new AgentApiServer();
    await server.start();
    registry = new Registry();
    driver = createHttp(registry, { url: server.url, ...FAST_RETRIES });
    await driver.start();
  });

  afterEach(async () => {
    await driver.stop();
    await server.stop();
  });

  test('lost spawn response starts one agent', async () => {
    const agentId = uniqueId('lost');
    server.failNextSpawn('lose-response');

    await driver.spawn(spawnRequest(agentId));
    expect(server.spawnRequests.get(agentId)).toBe(2);
    expect(server.starts.get(agentId)).toBe(1);
    expect([...server.agents.keys()]).toEqual([agentId]);
  });

  test('500 spawn response starts one agent', async () => {
    const agentId = uniqueId('five-hundred');
    server.failNextSpawn('answer-500');

    await driver.spawn(spawnRequest(agentId));
    expect(server.spawnRequests.get(agentId)).toBe(2);
    expect(server.starts.get(agentId)).toBe(1);
  });

  test('spawn sends the idempotency key', async () => {
    const request = spawnRequest(uniqueId('key'), { idempotencyKey: 'decision-42' });

    await driver.spawn(request);
    expect(server.requestHeaders.at(-1)?.['idempotency-key']).toBe('decision-42');
  });

  test('4xx answer is not retried', async () => {
    const agentId = uniqueId('rejected');
    server.failNextSpawn({ status: 422 });

    const error = await driver.spawn(spawnRequest(agentId)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).reason).toBe('rejected');
    expect((error as DriverError).retryable).toBe(false);
    expect(server.spawnRequests.get(agentId)).toBe(1);
  });

  test('persistent 5xx gives up after max attempts', async () => {
    server.isBroken = true;

    const error = await driver.spawn(spawnRequest(uniqueId('broken'))).catch((err: unknown) => err);
    expect((error as DriverError).reason).toBe('unreachable');
    expect((error as DriverError).retryable).toBe(true);
    expect(server.requestHeaders).toHaveLength(FAST_RETRIES.max_attempts);
  });

  test('closed port fails as unreachable', async () => {
    const port = await freePort();
    const offline = createHttp(registry, { url: `http://127.0.0.1:${port}`, ...FAST_RETRIES });

    const error = await offline
      .spawn(spawnRequest(uniqueId('offline')))
      .catch((err: unknown) => err);
    expect((error as DriverError).reason).toBe('unreachable');
    expect((error as DriverError).message).toContain('ECONNREFUSED');
  });

  test('environment sets the URL and the bearer token', async () => {
    const env = { SWARM_DRIVER_URL: server.url, SWARM_DRIVER_TOKEN: 'secret-token' };
    const fromEnv = createHttp(registry, { url: 'http://127.0.0.1:9/unused' }, env);

    await fromEnv.spawn(spawnRequest(uniqueId('env')));
    expect(server.requestHeaders.at(-1)?.authorization).toBe('Bearer secret-token');
  });

  test('retire sends DELETE for the agent', async () => {
    const agentId = uniqueId('retire');
    await driver.spawn(spawnRequest(agentId));

    await driver.retire(agentId);
    expect(server.agents.has(agentId)).toBe(false);
  });

  test('liveness outage logs once', async () => {
    const { logger, lines } = collectingLogger();
    const options = { url: server.url, liveness_interval: '50ms', max_attempts: 1 };
    const polling = createHttp(registry, options, {}, logger);
    const pollsBefore = () => server.requestHeaders.length;
    server.isBroken = true;
    await polling.start();

    const start = pollsBefore();
    await waitFor(() => pollsBefore() >= start + 3, 'three failed liveness polls');
    server.isBroken = false;
    await waitFor(
      () => lines.some((line) => line.msg === 'liveness poll recovered'),
      'the recovery line',
    );
    await polling.stop();
    expect(lines.filter((line) => line.msg === 'liveness poll failed')).toHaveLength(1);
    expect(lines.filter((line) => line.msg === 'liveness poll recovered')).toHaveLength(1);
  });

  test('driver without liveness reports no heartbeats', () => {
    expect(driver.reportsHeartbeats).toBe(false);
  });
});

/** Returns a loopback port that nothing listens on. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
