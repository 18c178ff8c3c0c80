import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createTestDatabase, type TestDatabase } from '../store/pg-test-db';
import { createClock, startScaler, waitFor, type RunningScaler } from './harness';

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function postAlerts(
  url: string,
  alerts: { labels: Record<string, string>; startsAt: string; endsAt?: string }[],
): Promise<void> {
  const response = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  if (!response.ok)
    throw new Error(`alertmanager rejected alerts: ${response.status} ${await response.text()}`);
}

async function activeCount(url: string): Promise<number> {
  const response = await fetch(`${url}/api/v2/alerts?active=true`);
  return ((await response.json()) as unknown[]).length;
}

function labels(rule: string, kind: string): Record<string, string> {
  return {
    alertname: `Swarm_${rule}`,
    scaling_rule: rule,
    scaling_kind: kind,
    scaling_direction: 'up',
    swarm: 'ms-framework',
  };
}

describe('reconcile against a real Alertmanager', () => {
  let workDir: string;
  let alertmanager: ChildProcess;
  let amUrl: string;
  let testDb: TestDatabase;
  let scaler: RunningScaler;
  const startsAt = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'scaler-am-'));
    writeFileSync(
      path.join(workDir, 'alertmanager.yml'),
      'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n',
    );
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    alertmanager = spawn(
      ALERTMANAGER,
      [
        `--config.file=${path.join(workDir, 'alertmanager.yml')}`,
        `--storage.path=${workDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(
      async () =>
        fetch(`${amUrl}/-/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      15_000,
    );
    testDb = await createTestDatabase('scaler_reconcile');
    scaler = await startScaler({
      databaseUrl: testDb.url,
      alertmanagerUrl: amUrl,
      clock: createClock(Date.now()),
    });
  });

  afterAll(async () => {
    await scaler?.stop();
    await testDb?.drop();
    if (alertmanager && alertmanager.exitCode === null) {
      const exited = new Promise((resolve) => alertmanager.once('exit', resolve));
      alertmanager.kill('SIGTERM');
      await exited;
    }
    rmSync(workDir, { recursive: true, force: true });
  });

  test('re-read acts on alerts whose webhook was lost', async () => {
    await postAlerts(amUrl, [
      { labels: { ...labels('watchdog', 'watchdog'), scaling_direction: '' }, startsAt },
      { labels: labels('actor_system_load', 'rule'), startsAt },
    ]);
    await waitFor(async () => (await activeCount(amUrl)) === 2);
    await scaler.core.reconcile();
    await waitFor(() => scaler.driver.live.size === 22);
    expect(await scaler.metric('swarm_scaler_frozen')).toBe(0);
    const alerts = (await scaler.get('/api/v1/alerts')).body.alerts;
    expect(alerts.map((entry: { rule: string }) => entry.rule).sort()).toEqual([
      'actor_system_load',
      'watchdog',
    ]);
  });

  test('re-read resolves alerts Alertmanager dropped', async () => {
    await postAlerts(amUrl, [
      {
        labels: labels('actor_system_load', 'rule'),
        startsAt,
        endsAt: new Date(Date.now() - 1000).toISOString(),
      },
    ]);
    await waitFor(async () => (await activeCount(amUrl)) === 1);
    await scaler.core.reconcile();
    const pending = (await scaler.get('/api/v1/decisions?rule=actor_system_load')).body
      .decisions[0];
    expect(pending).toMatchObject({ action: 'skip', reason: 'stabilization' });
    scaler.clock.advance(61_000);
    await scaler.core.reconcile();
    await waitFor(() => scaler.driver.live.size === 20);
  });

  test('unreachable Alertmanager skips the re-read', async () => {
    const other = await createTestDatabase('scaler_reconcile_down');
    const port = await freePort();
    const lonely = await startScaler({
      databaseUrl: other.url,
      alertmanagerUrl: `http://127.0.0.1:${port}`,
    });
    try {
      await expect(lonely.core.reconcile()).resolves.toBeUndefined();
      expect(lonely.driver.live.size).toBe(20);
    } finally {
      await lonely.stop();
      await other.drop();
    }
  });
});
