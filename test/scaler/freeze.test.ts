import { WEBHOOK_PATH } from '../../src/catalog/alert-contract';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-db';
import { alert, payload, watchdog } from './fixtures';
import { defaultWatchdogWindowSeconds } from '../../src/scaler/freeze';
import { quietConfig, startScaler, waitFor, type RunningScaler } from './harness';

const MINUTE = 60_000;
const START = '2026-01-01T00:00:00Z';

describe('scale-down freeze on PostgreSQL', () => {
  let testDb: TestDatabase;
  let scaler: RunningScaler;

  beforeAll(async () => {
    testDb = await createTestDatabase('scaler_freeze');
    scaler = await startScaler({ databaseUrl: testDb.url, watchdogWindowSeconds: 300 });
  });

  afterAll(async () => {
    await scaler.stop();
    await testDb.drop();
  });

  const decisions = async (rule: string) =>
    (await scaler.get(`/api/v1/decisions?rule=${rule}&limit=100`)).body.decisions as {
      action: string;
      reason?: string;
    }[];

  test('no watchdog yet freezes scale-down', async () => {
    expect(await scaler.metric('swarm_scaler_frozen')).toBe(1);
    expect(await decisions('pipeline')).toEqual([
      expect.objectContaining({ action: 'freeze', reason: 'watchdog_silent' }),
    ]);
  });

  test('scale-up still works while frozen', async () => {
    await scaler.post(
      WEBHOOK_PATH,
      payload([
        alert({ fingerprint: 'load', rule: 'actor_system_load', kind: 'rule', startsAt: START }),
      ]),
    );
    await waitFor(() => scaler.driver.live.size === 22);
  });

  test('resolution during silence keeps the agents', async () => {
    await scaler.post(
      WEBHOOK_PATH,
      payload([
        alert({
          fingerprint: 'load',
          rule: 'actor_system_load',
          kind: 'rule',
          startsAt: START,
          status: 'resolved',
        }),
      ]),
    );
    scaler.clock.advance(10 * MINUTE);
    await scaler.core.decide('test');
    expect(scaler.driver.live.size).toBe(22);
    expect((await decisions('actor_system_load')).map((entry) => entry.reason)).toContain('frozen');
  });

  test('watchdog unfreezes and the agents retire', async () => {
    await scaler.post(WEBHOOK_PATH, payload([watchdog(START)]));
    await waitFor(() => scaler.driver.live.size === 20);
    expect(await scaler.metric('swarm_scaler_frozen')).toBe(0);
    expect((await decisions('pipeline'))[0]).toMatchObject({ action: 'unfreeze' });
  });

  test('exporter_down freezes again', async () => {
    scaler.clock.advance(2 * MINUTE);
    await scaler.post(
      WEBHOOK_PATH,
      payload([
        alert({
          fingerprint: 'load2',
          rule: 'actor_system_load',
          kind: 'rule',
          startsAt: '2026-01-01T00:10:00Z',
        }),
      ]),
    );
    await waitFor(() => scaler.driver.live.size === 22);
    const exporterDown = alert({
      fingerprint: 'exp',
      rule: 'exporter_down',
      kind: 'exporter_down',
      startsAt: '2026-01-01T00:10:00Z',
    });
    await scaler.post(WEBHOOK_PATH, payload([exporterDown, watchdog(START)]));
    expect(await scaler.metric('swarm_scaler_frozen')).toBe(1);
    expect((await decisions('pipeline'))[0]).toMatchObject({
      action: 'freeze',
      reason: 'exporter_down',
    });
    await scaler.post(
      WEBHOOK_PATH,
      payload([
        alert({
          fingerprint: 'load2',
          rule: 'actor_system_load',
          kind: 'rule',
          startsAt: '2026-01-01T00:10:00Z',
          status: 'resolved',
        }),
      ]),
    );
    scaler.clock.advance(2 * MINUTE);
    await scaler.post(WEBHOOK_PATH, payload([watchdog(START)]));
    expect(scaler.driver.live.size).toBe(22);
  });

  test('watchdog silence past the window freezes', async () => {
    await scaler.post(
      WEBHOOK_PATH,
      payload([
        {
          ...alert({
            fingerprint: 'exp',
            rule: 'exporter_down',
            kind: 'exporter_down',
            startsAt: '2026-01-01T00:10:00Z',
            status: 'resolved',
          }),
        },
        watchdog(START),
      ]),
    );
    await waitFor(() => scaler.driver.live.size === 20);
    expect(await scaler.metric('swarm_scaler_frozen')).toBe(0);
    scaler.clock.advance(6 * MINUTE);
    await scaler.core.decide('test');
    expect(await scaler.metric('swarm_scaler_frozen')).toBe(1);
    expect((await decisions('pipeline'))[0]).toMatchObject({
      action: 'freeze',
      reason: 'watchdog_silent',
    });
  });
});

describe('freeze window from the watchdog interval', () => {
  test.each([
    { interval: 60, window: 150 },
    { interval: 30, window: 90 },
    { interval: undefined, window: 150 },
  ])('interval $interval gives window $window', ({ interval, window }) => {
    expect(defaultWatchdogWindowSeconds(interval)).toBe(window);
  });

  test('scaler.watchdog_interval sets the window', async () => {
    const testDb = await createTestDatabase('scaler_freeze_window');
    const scaler = await startScaler({
      databaseUrl: testDb.url,
      config: quietConfig({ watchdogIntervalSeconds: 30 }),
    });
    try {
      await scaler.post(WEBHOOK_PATH, payload([watchdog(START)]));
      expect(await scaler.metric('swarm_scaler_frozen')).toBe(0);
      scaler.clock.advance(89_000);
      await scaler.core.decide('test');
      expect(await scaler.metric('swarm_scaler_frozen')).toBe(0);
      scaler.clock.advance(2_000);
      await scaler.core.decide('test');
      expect(await scaler.metric('swarm_scaler_frozen')).toBe(1);
    } finally {
      await scaler.stop();
      await testDb.drop();
    }
  });

  test('watchdogWindowSeconds overrides the interval', async () => {
    const testDb = await createTestDatabase('scaler_freeze_override');
    const scaler = await startScaler({
      databaseUrl: testDb.url,
      config: quietConfig({ watchdogIntervalSeconds: 30 }),
      watchdogWindowSeconds: 600,
    });
    try {
      await scaler.post(WEBHOOK_PATH, payload([watchdog(START)]));
      scaler.clock.advance(500_000);
      await scaler.core.decide('test');
      expect(await scaler.metric('swarm_scaler_frozen')).toBe(0);
    } finally {
      await scaler.stop();
      await testDb.drop();
    }
  });
});
