import { WEBHOOK_PATH } from '../../src/catalog/alert-contract';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-db';
import { alert, payload, watchdog } from './fixtures';
import { createClock, startScaler, waitFor } from './harness';
import { RecordingDriver } from './recording-driver';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const SECOND = 1000;

describe('restart on PostgreSQL', () => {
  let testDb: TestDatabase;

  beforeAll(async () => {
    testDb = await createTestDatabase('scaler_restart');
  });

  afterAll(async () => {
    await testDb.drop();
  });

  test('restores pool, cooldowns and deferred retirements', async () => {
    const clock = createClock(T0);
    const first = await startScaler({ databaseUrl: testDb.url, clock });
    await first.post(
      WEBHOOK_PATH,
      payload([watchdog(), alert({ fingerprint: 'cpu', rule: 'cpu_scaling', kind: 'cpu' })]),
    );
    await first.post(
      WEBHOOK_PATH,
      payload([alert({ fingerprint: 'load', rule: 'actor_system_load', kind: 'rule' })]),
    );
    await waitFor(() => first.driver.live.size === 27);
    clock.advance(10 * SECOND);
    await first.post(
      WEBHOOK_PATH,
      payload([
        alert({
          fingerprint: 'load',
          rule: 'actor_system_load',
          kind: 'rule',
          status: 'resolved',
          endsAt: new Date(clock.now).toISOString(),
        }),
      ]),
    );
    const roles = first.driver.roles();
    await first.stop();

    const driver = new RecordingDriver(60);
    const second = await startScaler({ databaseUrl: testDb.url, clock, driver });
    try {
      expect(driver.live.size).toBe(27);
      expect(driver.roles()).toEqual(roles);

      await second.post(
        WEBHOOK_PATH,
        payload([
          alert({
            fingerprint: 'cpu-2',
            rule: 'cpu_scaling',
            kind: 'cpu',
            startsAt: new Date(clock.now).toISOString(),
          }),
        ]),
      );
      const cpuDecisions = (await second.get('/api/v1/decisions?rule=cpu_scaling')).body.decisions;
      expect(cpuDecisions[0]).toMatchObject({ action: 'skip', reason: 'cooldown' });
      expect(driver.live.size).toBe(27);

      const pending = (await second.get('/api/v1/decisions?rule=actor_system_load')).body.decisions;
      expect(pending[0]).toMatchObject({ action: 'skip', reason: 'stabilization' });
      clock.advance(61 * SECOND);
      await second.core.decide('timer');
      await waitFor(() => driver.live.size === 30);
      expect(driver.roles()['actor-supervisor']).toBeUndefined();
    } finally {
      await second.stop();
    }
  });

  test('agents without heartbeats are replaced', async () => {
    const clock = createClock(T0);
    const ownDb = await createTestDatabase('scaler_heartbeat');
    const scaler = await startScaler({ databaseUrl: ownDb.url, clock });
    try {
      await scaler.post(
        WEBHOOK_PATH,
        payload([alert({ fingerprint: 'cpu', rule: 'cpu_scaling', kind: 'cpu' })]),
      );
      await waitFor(() => scaler.driver.live.size === 25);
      scaler.driver.beat(clock.now);
      await scaler.core.flushHeartbeats();
      const silent = [...scaler.driver.live.keys()].slice(0, 3);
      clock.advance(3_601 * SECOND);
      const beating = [...scaler.driver.live.keys()].filter((id) => !silent.includes(id));
      scaler.driver.beat(clock.now, beating);
      await scaler.core.flushHeartbeats();
      await scaler.core.reconcile();
      await waitFor(
        () => scaler.driver.live.size === 25 && silent.every((id) => !scaler.driver.live.has(id)),
      ).catch((err) => {
        throw new Error(
          `${err.message}: live ${scaler.driver.live.size}, silent still live ${silent.filter((id) => scaler.driver.live.has(id)).length}`,
        );
      });
      expect(beating.every((id) => scaler.driver.live.has(id))).toBe(true);
      const retired = (await scaler.get('/api/v1/decisions?limit=200')).body.decisions.filter(
        (d: { reason?: string }) => d.reason === 'heartbeat_lost',
      );
      expect(retired.map((d: { agentId: string }) => d.agentId).sort()).toEqual([...silent].sort());
    } finally {
      await scaler.stop();
      await ownDb.drop();
    }
  });
});
