import { WEBHOOK_PATH } from '../../src/catalog/alert-contract';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-db';
import { alert, payload, watchdog } from './fixtures';
import { createClock, startScaler, waitFor, type RunningScaler } from './harness';
import { RecordingDriver } from './recording-driver';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const TEMPLATES = [
  { rule: 'systemcore_operations', kind: 'rule' },
  { rule: 'actor_system_load', kind: 'rule' },
  { rule: 'database_operations', kind: 'rule' },
  { rule: 'transport_throughput', kind: 'rule' },
  { rule: 'error_rate', kind: 'rule' },
  { rule: 'cpu_scaling', kind: 'cpu' },
  { rule: 'queue_scaling', kind: 'queue' },
  { rule: 'error_scaling', kind: 'error' },
  { rule: 'actor_count', kind: 'framework' },
  { rule: 'nats_throughput', kind: 'framework' },
  { rule: 'performance-profiler', kind: 'dynamic' },
  { rule: 'memory-optimizer', kind: 'dynamic' },
  { rule: 'system_initialization', kind: 'event' },
  { rule: 'not_a_rule', kind: 'rule' },
];

/** Deterministic pseudo-random numbers (mulberry32), so a failing storm can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildStorm(count: number, next: () => number): ReturnType<typeof alert>[] {
  const instances = Array.from({ length: 120 }, (_, index) => {
    const template = TEMPLATES[Math.floor(next() * TEMPLATES.length)];
    const startsAt = new Date(T0 + Math.floor(next() * 3) * 1000).toISOString();
    return { ...template, fingerprint: `storm-${index}`, startsAt, resolves: next() < 0.4 };
  });
  const notifications: ReturnType<typeof alert>[] = [watchdog()];
  for (const instance of instances) {
    notifications.push(alert(instance));
    if (instance.resolves)
      notifications.push(
        alert({ ...instance, status: 'resolved', endsAt: new Date(T0 + 5000).toISOString() }),
      );
  }
  while (notifications.length < count)
    notifications.push(notifications[Math.floor(next() * notifications.length)]);
  return notifications.sort(() => next() - 0.5);
}

describe('two replicas on one PostgreSQL', () => {
  let testDb: TestDatabase;
  let replicas: RunningScaler[];
  const driver = new RecordingDriver(60);
  const clock = createClock(T0);

  beforeAll(async () => {
    testDb = await createTestDatabase('scaler_replicas');
    replicas = await Promise.all(
      [0, 1].map(() => startScaler({ databaseUrl: testDb.url, driver, clock })),
    );
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await testDb.drop();
  });

  test('storm of 500 stays in bounds and acts once', async () => {
    const next = random(20260101);
    const storm = buildStorm(500, next);
    const requests: Promise<{ status: number }>[] = [];
    for (let index = 0; index < storm.length; ) {
      const size = 1 + Math.floor(next() * 5);
      const target = replicas[Math.floor(next() * 2)];
      requests.push(target.post(WEBHOOK_PATH, payload(storm.slice(index, index + size))));
      index += size;
    }
    const statuses = (await Promise.all(requests)).map((response) => response.status);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    await Promise.all(replicas.map((replica) => replica.core.executor.drain()));

    const db = replicas[0].database;
    const sizes = await db.query<{ max: number; min: number }>(
      'SELECT max(pool_size) AS max, min(pool_size) AS min FROM pool_transitions WHERE id > 20',
    );
    expect(sizes.rows[0].max).toBeLessThanOrEqual(60);
    expect(sizes.rows[0].min).toBeGreaterThanOrEqual(20);
    expect(driver.violations).toEqual([]);
    expect(driver.maxLive).toBeLessThanOrEqual(60);

    const acted = await db.query<{ fingerprint: string; decisions: string }>(
      `SELECT fingerprint, count(DISTINCT (at, replica)) AS decisions FROM decisions
       WHERE action = 'spawn' AND reason = 'alert' GROUP BY fingerprint, starts_at`,
    );
    expect(acted.rows.length).toBeGreaterThan(10);
    expect(acted.rows.filter((row) => Number(row.decisions) !== 1)).toEqual([]);
    const replicasActing = await db.query<{ n: string }>(
      "SELECT count(DISTINCT replica) AS n FROM decisions WHERE action = 'spawn'",
    );
    expect(Number(replicasActing.rows[0].n)).toBe(2);
  });

  test('pool converges once the storm settles', async () => {
    for (let round = 0; round < 6; round += 1) {
      clock.advance(5 * 60_000);
      await replicas[round % 2].post(WEBHOOK_PATH, payload([watchdog()]));
      await replicas[round % 2].core.decide('test');
    }
    await Promise.all(replicas.map((replica) => replica.core.executor.drain()));
    const pool = (await replicas[1].get('/api/v1/pool')).body;
    await waitFor(() => driver.live.size === pool.actual);
    expect(pool.actual).toBe(pool.desired);
    expect(pool.actual).toBeLessThanOrEqual(60);
    expect(driver.violations).toEqual([]);
  });
});
