import { WEBHOOK_PATH } from '../../src/catalog/alert-contract';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-db';
import { alert, payload, watchdog } from './fixtures';
import { startScaler, waitFor, type RunningScaler } from './harness';

const TOKEN = 'test-token-1234';
const AUTH = { authorization: `Bearer ${TOKEN}` };

describe('webhook on PostgreSQL', () => {
  let testDb: TestDatabase;
  let scaler: RunningScaler;

  beforeAll(async () => {
    testDb = await createTestDatabase('scaler_webhook');
    scaler = await startScaler({
      databaseUrl: testDb.url,
      auth: { bearerToken: TOKEN, basic: { username: 'am', password: 'secret' } },
      maxBodyBytes: 64 * 1024,
    });
  });

  afterAll(async () => {
    await scaler.stop();
    await testDb.drop();
  });

  const notificationCount = async () =>
    Number(
      (await scaler.database.query<{ n: string }>('SELECT count(*) AS n FROM notifications'))
        .rows[0].n,
    );

  test('base pool starts with the service', () => {
    expect(scaler.driver.live.size).toBe(20);
  });

  test('missing credentials get 401', async () => {
    const response = await scaler.post(
      WEBHOOK_PATH,
      payload([alert({ fingerprint: 'a1', rule: 'actor_system_load', kind: 'rule' })]),
    );
    expect(response.status).toBe(401);
    expect(await notificationCount()).toBe(0);
  });

  test('wrong bearer token gets 401', async () => {
    const response = await scaler.post(WEBHOOK_PATH, payload([]), {
      authorization: 'Bearer test-token-1235',
    });
    expect(response.status).toBe(401);
  });

  test('basic credentials are accepted', async () => {
    const basic = `Basic ${Buffer.from('am:secret').toString('base64')}`;
    const response = await scaler.post(WEBHOOK_PATH, payload([]), { authorization: basic });
    expect(response.status).toBe(200);
  });

  test('invalid payload gets 400 naming the field', async () => {
    const bad = {
      ...payload([alert({ fingerprint: 'a1', rule: 'actor_system_load', kind: 'rule' })]),
      version: '3',
    };
    bad.alerts[0] = { ...bad.alerts[0], startsAt: 'yesterday' };
    const response = await scaler.post(WEBHOOK_PATH, bad, AUTH);
    expect(response.status).toBe(400);
    expect(response.body.issues.map((issue: { path: string }) => issue.path)).toEqual([
      'version',
      'alerts.0.startsAt',
    ]);
    expect(await notificationCount()).toBe(0);
  });

  test('malformed JSON gets 400', async () => {
    const response = await scaler.post(WEBHOOK_PATH, '{"version":', AUTH);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_json');
  });

  test('oversized body gets 413', async () => {
    const big = payload([
      alert({
        fingerprint: 'big',
        rule: 'actor_system_load',
        kind: 'rule',
        annotations: { description: 'x'.repeat(70 * 1024) },
      }),
    ]);
    const response = await scaler.post(WEBHOOK_PATH, big, AUTH);
    expect(response.status).toBe(413);
    expect(await notificationCount()).toBe(0);
  });

  test('firing rule spawns its roles once', async () => {
    const body = payload([alert({ fingerprint: 'a1', rule: 'actor_system_load', kind: 'rule' })]);
    const first = await scaler.post(WEBHOOK_PATH, body, AUTH);
    const second = await scaler.post(WEBHOOK_PATH, body, AUTH);
    expect(first).toEqual({ status: 200, body: { stored: 1, ignored: 0 } });
    expect(second).toEqual({ status: 200, body: { stored: 0, ignored: 0 } });
    await waitFor(() => scaler.driver.live.size === 22);
    expect(scaler.driver.calls.filter((call) => call.kind === 'spawn')).toHaveLength(22);
  });

  test('label values are stored verbatim', async () => {
    const tricky = `it's a \\ "quote" $1 '); DROP TABLE agents; --`;
    const body = payload([
      alert({ fingerprint: 'q1', rule: 'actor_count', kind: 'framework', annotations: { description: tricky }, labels: { team: tricky } }),
    ]);
    const response = await scaler.post(WEBHOOK_PATH, body, AUTH);
    expect(response.status).toBe(200);
    const stored = await scaler.database.query<{ labels: Record<string, string>; annotations: Record<string, string> }>(
      "SELECT labels, annotations FROM alert_instances WHERE fingerprint = 'q1'",
    );
    expect(stored.rows[0].labels.team).toBe(tricky);
    expect(stored.rows[0].annotations.description).toBe(tricky);
  });

  test('unknown rule is recorded as ignored', async () => {
    const response = await scaler.post(
      WEBHOOK_PATH,
      payload([alert({ fingerprint: 'u1', rule: '../../etc/passwd', kind: 'rule' })]),
      AUTH,
    );
    expect(response.status).toBe(200);
    expect(response.body.ignored).toBe(1);
    const decisions = await scaler.get('/api/v1/decisions?rule=../../etc/passwd', AUTH);
    expect(decisions.body.decisions[0]).toMatchObject({
      action: 'ignore',
      outcome: 'ignored',
      reason: 'unknown_rule',
    });
  });

  test('webhook statuses are counted', async () => {
    const text = await scaler.registry.getSingleMetricAsString(
      'swarm_scaler_webhook_requests_total',
    );
    expect(text).toMatch(/status="401"} 2/);
    expect(text).toMatch(/status="413"} 1/);
  });

  test('swarm_agents reports the pool', async () => {
    // The store marks an agent running only after the driver acknowledged its spawn, which
    // happens after the webhook's response, so wait until no agent is still starting.
    const agentsText = () => scaler.registry.getSingleMetricAsString('swarm_agents');
    await waitFor(
      async () =>
        (await scaler.metric('swarm_agents')) === 24 &&
        !/state="starting"\} [1-9]/.test(await agentsText()),
    );
    expect(await scaler.metric('swarm_scaler_desired_agents')).toBe(24);
    const text = await agentsText();
    expect(text).toMatch(
      /swarm_agents\{category="core_architecture",role="actor-supervisor",state="running"\} 1/,
    );
    expect(text).not.toMatch(/state="spawning"/);
    expect(text).not.toMatch(/state="starting"\} [1-9]/);
  });

  test('watchdog clears the freeze', async () => {
    expect(await scaler.metric('swarm_scaler_frozen')).toBe(1);
    await scaler.post(WEBHOOK_PATH, payload([watchdog()]), AUTH);
    expect(await scaler.metric('swarm_scaler_frozen')).toBe(0);
  });
});

describe('webhook with the store down', () => {
  test('answers 503 and stores nothing', async () => {
    const testDb = await createTestDatabase('scaler_outage');
    const scaler = await startScaler({ databaseUrl: testDb.url });
    try {
      await testDb.drop();
      const response = await scaler.post(
        WEBHOOK_PATH,
        payload([alert({ fingerprint: 'o1', rule: 'actor_system_load', kind: 'rule' })]),
      );
      expect(response.status).toBe(503);
      expect(response.body.error).toBe('store_unavailable');
      expect(scaler.driver.live.size).toBe(20);
    } finally {
      await scaler.stop().catch(() => undefined);
    }
  });
});

describe('webhook on PGlite', () => {
  test('same flow works in memory', async () => {
    const scaler = await startScaler({});
    try {
      const response = await scaler.post(
        WEBHOOK_PATH,
        payload([alert({ fingerprint: 'p1', rule: 'cpu_scaling', kind: 'cpu' })]),
      );
      expect(response.status).toBe(200);
      await waitFor(() => scaler.driver.live.size === 25);
      expect(scaler.database.kind).toBe('pglite');
    } finally {
      await scaler.stop();
    }
  });
});
