import { Writable } from 'node:stream';

import pino from 'pino';

import { WEBHOOK_PATH } from '../../src/catalog/alert-contract';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-db';
import { alert, payload } from './fixtures';
import { quietConfig, startScaler, waitFor, type RunningScaler } from './harness';
import { ScriptedDriver } from './scripted-driver';

const FAST_RETRY = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 };
const SAGA = 'saga-coordinator';

interface PoolBody {
  actual: number;
  failed: number;
  agents: { id: string; role: string; state: string; failureReason?: string }[];
}

interface DecisionBody {
  action: string;
  outcome: string;
  reason?: string;
  agentId?: string;
  rule: string;
}

/** Collects log lines as parsed JSON. */
function captureLogs() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function labelled(scaler: RunningScaler, name: string, labels: Record<string, string>) {
  const metric = await scaler.registry.getSingleMetric(name)?.get();
  const matches = metric?.values.filter((value) =>
    Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted),
  );
  return matches?.reduce((sum, value) => sum + value.value, 0) ?? 0;
}

async function decisions(scaler: RunningScaler): Promise<DecisionBody[]> {
  return (await scaler.get('/api/v1/decisions?limit=500')).body.decisions;
}

async function pool(scaler: RunningScaler): Promise<PoolBody> {
  return (await scaler.get('/api/v1/pool')).body;
}

describe('scaler under driver failures', () => {
  let testDb: TestDatabase;
  let scaler: RunningScaler | undefined;

  beforeEach(async () => {
    testDb = await createTestDatabase('scaler_driver_failures');
  });

  afterEach(async () => {
    await scaler?.stop();
    scaler = undefined;
    await testDb.drop();
  });

  test('failed spawn keeps its slot and is retried with its key', async () => {
    const driver = new ScriptedDriver(60);
    driver.failures.set(SAGA, { reason: 'timeout', retryable: true, times: Infinity });
    scaler = await startScaler({ databaseUrl: testDb.url, driver, spawnRetry: FAST_RETRY });
    const running = scaler;
    await waitFor(async () => (await pool(running)).failed === 1);

    const view = await pool(scaler);
    const failed = view.agents.filter((agent) => agent.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].role).toBe(SAGA);
    expect(failed[0].failureReason).toBe('timeout');
    expect(view.actual).toBe(19);
    const agentId = failed[0].id;
    const firstAttempts = driver.attemptsOf(agentId);
    expect(firstAttempts).toHaveLength(3);
    expect(new Set(firstAttempts.map((attempt) => attempt.key)).size).toBe(1);
    expect(await labelled(scaler, 'swarm_agents', { state: 'failed' })).toBe(1);
    expect(
      await labelled(scaler, 'swarm_scaler_spawn_failures_total', { reason: 'timeout' }),
    ).toBe(1);
    const logged = (await decisions(scaler)).filter((entry) => entry.agentId === agentId);
    expect(logged.some((entry) => entry.outcome === 'failed' && entry.reason === 'timeout')).toBe(
      true,
    );

    await scaler.core.decide('test');
    await scaler.core.executor.drain();
    const sagaIds = new Set(driver.attempts.filter((a) => a.role === SAGA).map((a) => a.agentId));
    expect([...sagaIds]).toEqual([agentId]);

    scaler.clock.advance(2 * 3600_000);
    driver.beat(scaler.clock.now);
    await scaler.core.flushHeartbeats();
    driver.failures.delete(SAGA);
    await scaler.core.reconcile();
    await waitFor(() => driver.live.has(agentId));
    const retried = driver.attemptsOf(agentId);
    expect(retried.at(-1)).toMatchObject({ key: firstAttempts[0].key, failed: false });
    await waitFor(async () => (await pool(running)).failed === 0);
    expect((await pool(scaler)).actual).toBe(20);
    expect(driver.live.size).toBe(20);
    expect(await labelled(scaler, 'swarm_agents', { state: 'failed' })).toBe(0);
    const retriedEntry = (await decisions(scaler)).find(
      (entry) => entry.agentId === agentId && entry.outcome === 'retried',
    );
    expect(retriedEntry?.reason).toBe('timeout');
    await scaler.core.reconcile();
    expect((await decisions(scaler)).filter((entry) => entry.reason === 'heartbeat_lost')).toEqual(
      [],
    );
  });

  test('failure that is not retryable is tried once', async () => {
    const driver = new ScriptedDriver(60);
    driver.failures.set(SAGA, { reason: 'rejected', retryable: false, times: 1 });
    scaler = await startScaler({ databaseUrl: testDb.url, driver, spawnRetry: FAST_RETRY });
    const running = scaler;
    await waitFor(async () => (await pool(running)).failed === 1);
    const failedId = driver.attempts.find((attempt) => attempt.failed)?.agentId ?? '';
    expect(driver.attemptsOf(failedId)).toHaveLength(1);
    expect(
      await labelled(scaler, 'swarm_scaler_spawn_failures_total', { reason: 'rejected' }),
    ).toBe(1);
  });

  test('driver down skips spawns until it recovers', async () => {
    const driver = new ScriptedDriver(60);
    const { logger, lines } = captureLogs();
    scaler = await startScaler({ databaseUrl: testDb.url, driver, logger });
    await waitFor(() => driver.live.size === 20);
    const attemptsBefore = driver.attempts.length;

    driver.healthy = false;
    await scaler.post(
      WEBHOOK_PATH,
      payload([alert({ fingerprint: 'down-load', rule: 'actor_system_load', kind: 'rule' })]),
    );
    await scaler.post(
      WEBHOOK_PATH,
      payload([alert({ fingerprint: 'down-cpu', rule: 'cpu_scaling', kind: 'cpu' })]),
    );
    for (let round = 0; round < 3; round += 1) await scaler.core.reconcile();
    await scaler.core.executor.drain();

    expect(driver.attempts.length).toBe(attemptsBefore);
    expect((await pool(scaler)).actual).toBe(20);
    expect(await scaler.database.query("SELECT 1 FROM agents WHERE state = 'spawning'")).toEqual(
      expect.objectContaining({ rows: [] }),
    );
    const skips = (await decisions(scaler)).filter((entry) => entry.reason === 'driver_down');
    expect(skips.filter((entry) => entry.rule === 'actor_system_load')).toHaveLength(1);
    expect(skips.filter((entry) => entry.rule === 'cpu_scaling')).toHaveLength(1);
    expect(
      await labelled(scaler, 'swarm_scaler_skipped_steps_total', { reason: 'driver_down' }),
    ).toBe(skips.length);
    const frozen = lines.filter((line) => line.msg.startsWith('spawns frozen'));
    expect(frozen).toHaveLength(1);
    expect(frozen[0].level).toBe(40);

    driver.healthy = true;
    await scaler.core.reconcile();
    await waitFor(() => driver.live.size === 27);
    expect(driver.roles()['actor-supervisor']).toBeGreaterThanOrEqual(1);
    await scaler.core.reconcile();
    const resumed = lines.filter((line) => line.msg.startsWith('spawns resumed'));
    expect(resumed).toHaveLength(1);
    expect(resumed[0].level).toBe(30);
  });

  test('retries keep the pool within max_agents', async () => {
    const maxAgents = 30;
    const base = quietConfig();
    const config = { ...base, autoScale: { ...base.autoScale, maxAgents } };
    const driver = new ScriptedDriver(maxAgents);
    scaler = await startScaler({
      databaseUrl: testDb.url,
      driver,
      config,
      spawnRetry: { ...FAST_RETRY, maxAttempts: 2 },
    });
    await waitFor(() => driver.live.size === 20);
    driver.failures.set('*', { reason: 'unreachable', retryable: true, times: 12 });

    expect((await scaler.post('/api/v1/scale', { target: maxAgents })).status).toBe(200);
    await scaler.core.executor.drain();
    const afterPin = await pool(scaler);
    expect(afterPin.failed).toBeGreaterThan(0);
    expect(afterPin.actual + afterPin.failed).toBe(maxAgents);
    await scaler.core.decide('test');
    await scaler.core.executor.drain();
    expect(new Set(driver.attempts.map((attempt) => attempt.agentId)).size).toBe(maxAgents);

    const running = scaler;
    await waitFor(async () => {
      await running.core.reconcile();
      await running.core.executor.drain();
      return driver.live.size === maxAgents;
    }, 20_000);
    expect(driver.violations).toEqual([]);
    expect(new Set(driver.attempts.map((attempt) => attempt.agentId)).size).toBe(maxAgents);
    const keysPerAgent = new Map<string, Set<string>>();
    for (const attempt of driver.attempts) {
      const keys = keysPerAgent.get(attempt.agentId) ?? new Set<string>();
      keysPerAgent.set(attempt.agentId, keys.add(attempt.key));
    }
    expect([...keysPerAgent.values()].every((keys) => keys.size === 1)).toBe(true);
    const sizes = await scaler.database.query<{ max: unknown }>(
      'SELECT max(pool_size) AS max FROM pool_transitions',
    );
    expect(Number(sizes.rows[0].max)).toBe(maxAgents);
  });

  test.each([
    { reportsHeartbeats: false, lost: 0 },
    { reportsHeartbeats: undefined, lost: 20 },
  ])('heartbeat loss with reportsHeartbeats=$reportsHeartbeats', async (row) => {
    const driver = new ScriptedDriver(60, row.reportsHeartbeats);
    scaler = await startScaler({
      databaseUrl: testDb.url,
      driver,
      config: quietConfig({ heartbeatTtlSeconds: 30 }),
    });
    await waitFor(() => driver.live.size === 20);
    scaler.clock.advance(120_000);
    await scaler.core.reconcile();
    const lost = (await decisions(scaler)).filter((entry) => entry.reason === 'heartbeat_lost');
    expect(lost).toHaveLength(row.lost);
  });
});
