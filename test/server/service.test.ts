/**
 * The service as `serve` starts it: every part in one process on one port, against real NATS,
 * with the embedded in-memory PGlite store.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pino from 'pino';

import { loadConfig } from '../../src/config/load';
import { startService, type RunningService } from '../../src/server/service';
import { resolveSettings } from '../../src/server/settings';

jest.setTimeout(60_000);

const EXAMPLE = 'ms-framework-swarm.yaml';
const silent = pino({ level: 'silent' });

async function start(natsUrl: string): Promise<RunningService> {
  const { config } = loadConfig(EXAMPLE);
  const settings = {
    ...resolveSettings({ host: '127.0.0.1', port: '0', natsUrl }, {}),
    dataDir: undefined,
    telemetryPrefix: `service-test-${process.pid}-${Date.now()}`,
  };
  return startService(config, settings, silent);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('service on real NATS', () => {
  let service: RunningService;
  let base = '';

  beforeAll(async () => {
    service = await start('nats://127.0.0.1:4222');
    base = `http://127.0.0.1:${service.port}`;
  });

  afterAll(async () => {
    await service?.stop();
  });

  test('health and readiness answer 200', async () => {
    const healthy = await fetch(`${base}/-/healthy`);
    expect(healthy.status).toBe(200);
    const ready = await fetch(`${base}/-/ready`);
    expect(ready.status).toBe(200);
  });

  test('metrics pass promtool check metrics', async () => {
    const body = await (await fetch(`${base}/metrics`)).text();
    const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  test('metrics include the pool and framework signals', async () => {
    const body = await (await fetch(`${base}/metrics`)).text();
    expect(body).toMatch(/^swarm_agents\{category="core_architecture",role="[^"]+",state="(starting|running)"\} \d+$/m);
    expect(body).toContain('# TYPE actors_active gauge');
    expect(body).toContain('# TYPE framework_errors_total counter');
    expect(body).toContain('# TYPE process_cpu_seconds_total counter');
  });

  test('pool API reports the base pool', async () => {
    const pool = (await (await fetch(`${base}/api/v1/pool`)).json()) as { desired: number };
    expect(pool.desired).toBe(20);
  });

  test('unknown route answers 404 with JSON', async () => {
    const response = await fetch(`${base}/no/such/route`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no route for GET /no/such/route' });
  });

  test('malformed webhook gets 400 naming the problem', async () => {
    const response = await fetch(`${base}/webhook/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: '3', alerts: 'none' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/version|alerts/);
  });
});

describe('service start-up errors', () => {
  test('creates a missing PGlite data folder', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'swarm-service-'));
    const dataDir = path.join(work, 'nested', 'pglite');
    const { config } = loadConfig(EXAMPLE);
    const settings = { ...resolveSettings({ host: '127.0.0.1', port: '0' }, {}), dataDir };
    const service = await startService(config, settings, silent);
    try {
      expect(existsSync(dataDir)).toBe(true);
    } finally {
      await service.stop();
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('names the flag when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const { config } = loadConfig(EXAMPLE);
      const settings = {
        ...resolveSettings({ host: '127.0.0.1', port: String(port) }, {}),
        dataDir: undefined,
      };
      await expect(startService(config, settings, silent)).rejects.toThrow(
        `port ${port} on 127.0.0.1 is already in use: pick another with --port or PORT`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('service while NATS is unreachable', () => {
  test('starts and serves metrics and the pool', async () => {
    const service = await start(`nats://127.0.0.1:${await closedPort()}`);
    try {
      const base = `http://127.0.0.1:${service.port}`;
      expect((await fetch(`${base}/-/ready`)).status).toBe(200);
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('swarm_agents{');
    } finally {
      await service.stop();
    }
  });
});
