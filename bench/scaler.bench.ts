/**
 * Scaler benchmark: webhook notifications per second and the latency from sending a firing
 * notification to the pool driver's spawn call, on a real PostgreSQL, against a bare express
 * endpoint that parses the same payloads in the same run.
 *
 * The load comes from a separate process over keep-alive HTTP. 12 lanes each fire a new alert
 * instance of one spawning rule and then resolve it, one alert per request. 8 lanes resend groups
 * of up to 10 alerts already sent, as Alertmanager does every group_interval and repeat_interval
 * and as HA pairs do. Cooldowns and stabilization are 0 so every firing can act. Latency runs from the
 * moment the server has parsed the request body to the start of the driver's spawn call. A closed
 * loop of 20 lanes queues requests by construction (latency is about lanes / throughput), so
 * latency is also measured at a paced load: the 12 spawn lanes alone, each pausing a random time
 * (exponential, mean 50 ms) after every request, so arrivals do not come in bursts.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import express, { type Express } from 'express';
import { Client } from 'pg';
import { Registry } from 'prom-client';

import { WEBHOOK_PATH } from '../src/catalog/alert-contract';
import { loadConfig } from '../src/config/load';
import type { SwarmConfig } from '../src/config/model';
import { createLogger } from '../src/log';
import type { Heartbeat, PoolDriver, SpawnRequest } from '../src/pool/driver';
import { openScaler } from '../src/scaler';
import type { BenchEntry } from './entry';

const CONFIG = path.join(__dirname, '..', '..', 'ms-framework-swarm.yaml');
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION_MS = Number(process.env.BENCH_SCALER_SECONDS ?? 10) * 1000;
const SPAWN_RULES: [string, string][] = [
  ['systemcore_operations', 'rule'],
  ['actor_system_load', 'rule'],
  ['database_operations', 'rule'],
  ['transport_throughput', 'rule'],
  ['error_rate', 'rule'],
  ['error_scaling', 'error'],
  ['actor_count', 'framework'],
  ['database_connections', 'framework'],
  ['nats_throughput', 'framework'],
  ['performance-profiler', 'dynamic'],
  ['memory-optimizer', 'dynamic'],
  ['deadlock-detector', 'dynamic'],
];
const REPLAY_LANES = 8;
const REPLAY_GROUP = 10;
const PACE_MS = 50;

/** Waits an exponentially distributed time with mean PACE_MS, so paced lanes do not arrive in step. */
function pause(): Promise<void> {
  const delayMs = -Math.log(1 - Math.random()) * PACE_MS;
  return new Promise((resolve) => setTimeout(resolve, delayMs));
}

/** Saturated: every lane sends as fast as responses come back. Paced: spawn lanes only, with pauses. */
type LoadMode = 'saturated' | 'paced';

const clockMs = () => performance.timeOrigin + performance.now();

/** A driver that only notes when each spawn call starts. */
class TimingDriver implements PoolDriver {
  readonly kind = 'timing';
  readonly spawnedAt = new Map<string, number>();
  async spawn(request: SpawnRequest): Promise<void> {
    this.spawnedAt.set(request.agentId, clockMs());
  }
  async retire(): Promise<void> {}
  onHeartbeat(_listener: (heartbeat: Heartbeat) => void): () => void {
    return () => undefined;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

function benchConfig(): SwarmConfig {
  const config = loadConfig(CONFIG).config;
  const noCooldown = <T extends { cooldownSeconds: number }>(entry: T) => ({
    ...entry,
    cooldownSeconds: 0,
  });
  return {
    ...config,
    scalingRules: config.scalingRules.map(noCooldown),
    triggers: {
      ...config.triggers,
      error: config.triggers.error && noCooldown(config.triggers.error),
      framework: config.triggers.framework.map(noCooldown),
    },
    scaler: {
      ...config.scaler,
      defaultCooldownSeconds: 0,
      scaleUpStabilizationSeconds: 0,
      scaleDownStabilizationSeconds: 0,
      reconcileSchedule: '0 0 1 1 *',
      heartbeatTtlSeconds: 86_400,
    },
  };
}

function notification(
  rule: string,
  kind: string,
  fingerprint: string,
  startsAt: string,
  status: 'firing' | 'resolved',
) {
  return {
    version: '4',
    groupKey: '{}:{}',
    status,
    receiver: 'swarm-scaler',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: [
      {
        status,
        fingerprint,
        startsAt,
        endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : new Date().toISOString(),
        labels: {
          alertname: `Swarm_${rule}`,
          scaling_rule: rule,
          scaling_kind: kind,
          scaling_direction: 'up',
          swarm: 'ms-framework',
        },
        annotations: {},
        generatorURL: '',
      },
    ],
  };
}

interface LoadResult {
  notifications: number;
  requests: number;
  failures: number;
  seconds: number;
}

type Alert = ReturnType<typeof notification>['alerts'][number];

/** Generates the load. It runs in a child process so that it does not share the server's event loop. */
async function drive(url: string, mode: LoadMode): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SPAWN_RULES.length + REPLAY_LANES });
  const sent: Alert[] = [];
  let notifications = 0;
  let requests = 0;
  let failures = 0;
  const post = (body: ReturnType<typeof notification>) =>
    new Promise<void>((resolve, reject) => {
      const text = JSON.stringify(body);
      const request = http.request(
        `${url}${WEBHOOK_PATH}`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(text),
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            requests += 1;
            if (response.statusCode === 200) notifications += body.alerts.length;
            else failures += 1;
            resolve();
          });
        },
      );
      request.on('error', reject);
      request.end(text);
    });
  // The watchdog unfreezes scale-down, so resolutions retire agents instead of handing them over.
  await post(notification('watchdog', 'watchdog', 'watchdog', '2026-01-01T00:00:00Z', 'firing'));
  const started = clockMs();
  const deadline = started + DURATION_MS;
  const spawnLane = async ([rule, kind]: [string, string]) => {
    for (let index = 0; clockMs() < deadline; index += 1) {
      const fingerprint = `${rule}-${index}`;
      const startsAt = new Date().toISOString();
      const firing = notification(rule, kind, fingerprint, startsAt, 'firing');
      await post(firing);
      sent.push(firing.alerts[0]);
      if (mode === 'paced') await pause();
      await post(notification(rule, kind, fingerprint, startsAt, 'resolved'));
      if (mode === 'paced') await pause();
    }
  };
  const replayLane = async () => {
    while (clockMs() < deadline) {
      const group =
        sent.length === 0
          ? notification('watchdog', 'watchdog', 'watchdog', '2026-01-01T00:00:00Z', 'firing')
              .alerts
          : Array.from(
              { length: REPLAY_GROUP },
              () => sent[Math.floor(Math.random() * sent.length)],
            );
      await post({
        ...notification('watchdog', 'watchdog', 'watchdog', '2026-01-01T00:00:00Z', 'firing'),
        alerts: group,
      });
    }
  };
  const replayLanes = mode === 'saturated' ? REPLAY_LANES : 0;
  await Promise.all([
    ...SPAWN_RULES.map(spawnLane),
    ...Array.from({ length: replayLanes }, replayLane),
  ]);
  agent.destroy();
  return { notifications, requests, failures, seconds: (clockMs() - started) / 1000 };
}

/** Runs `drive` in a child process and returns its result. */
function driveFromChild(url: string, mode: LoadMode): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [], {
      env: { ...process.env, SCALER_BENCH_LOAD_URL: url, SCALER_BENCH_MODE: mode },
      stdio: 'inherit',
    });
    child.once('message', (message) => resolve(message as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with status ${code}`));
    });
  });
}

if (process.env.SCALER_BENCH_LOAD_URL && process.send) {
  const send = process.send.bind(process);
  drive(
    process.env.SCALER_BENCH_LOAD_URL,
    process.env.SCALER_BENCH_MODE === 'paced' ? 'paced' : 'saturated',
  ).then(
    (result) => send(result, () => process.exit(0)),
    (err: unknown) => {
      process.stderr.write(`load generator failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
}

async function listen(app: Express): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    );
  });
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;
}

async function measureBaseline(): Promise<LoadResult> {
  const app = express();
  app.post(WEBHOOK_PATH, express.json({ limit: 1024 * 1024 }), (req, res) => {
    res.status(200).json({ stored: Array.isArray(req.body?.alerts) ? req.body.alerts.length : 0 });
  });
  const { url, server } = await listen(app);
  try {
    return await driveFromChild(url, 'saturated');
  } finally {
    await close(server);
  }
}

async function measureScaler(
  databaseUrl: string,
  mode: LoadMode,
): Promise<{ load: LoadResult; latenciesMs: number[] }> {
  const driver = new TimingDriver();
  const opened = await openScaler({
    config: benchConfig(),
    registry: new Registry(),
    logger: createLogger({ level: 'silent' }),
    driver,
    databaseUrl,
  });
  await opened.service.start();
  const receivedAt = new Map<string, number>();
  const app = express();
  // Parses the body before the scaler's router (which then reuses it) to note each firing alert's receipt.
  app.post(WEBHOOK_PATH, express.json({ limit: 1024 * 1024 }), (req, _res, next) => {
    const at = clockMs();
    for (const alert of (req.body?.alerts ?? []) as Alert[]) {
      if (alert.status === 'firing' && !receivedAt.has(alert.fingerprint))
        receivedAt.set(alert.fingerprint, at);
    }
    next();
  });
  app.use(opened.service.router);
  const { url, server } = await listen(app);
  try {
    const load = await driveFromChild(url, mode);
    await opened.core.executor.drain();
    const rows = await opened.database.query<{ agent_id: string; fingerprint: string }>(
      "SELECT agent_id, fingerprint FROM agents WHERE origin = 'alert' AND fingerprint IS NOT NULL",
    );
    const latenciesMs = rows.rows
      .map(
        (row) =>
          (driver.spawnedAt.get(row.agent_id) ?? NaN) - (receivedAt.get(row.fingerprint) ?? NaN),
      )
      .filter((value) => Number.isFinite(value));
    return { load, latenciesMs };
  } finally {
    await close(server);
    await opened.service.stop();
  }
}

/** Runs the baseline and the scaler under the same load. */
export async function run(): Promise<BenchEntry[]> {
  const names = [0, 1].map(() => `scaler_bench_${randomBytes(4).toString('hex')}`);
  const urlOf = (name: string) => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return url.toString();
  };
  for (const name of names) await admin(`CREATE DATABASE "${name}"`);
  try {
    const baseline = await measureBaseline();
    const saturated = await measureScaler(urlOf(names[0]), 'saturated');
    const paced = await measureScaler(urlOf(names[1]), 'paced');
    const rate = saturated.load.notifications / saturated.load.seconds;
    const baselineRate = baseline.notifications / baseline.seconds;
    return [
      {
        name: 'scaler_webhook_notifications_per_second',
        value: Math.round(rate),
        unit: 'notifications/s',
        baseline: Math.round(baselineRate),
        ratio: rate / baselineRate,
      },
      {
        name: 'scaler_webhook_requests_per_second',
        value: Math.round(saturated.load.requests / saturated.load.seconds),
        unit: 'requests/s',
        baseline: Math.round(baseline.requests / baseline.seconds),
      },
      {
        name: 'scaler_receipt_to_spawn_p99_saturated',
        value: percentile(saturated.latenciesMs, 0.99),
        unit: 'ms',
      },
      {
        name: 'scaler_receipt_to_spawn_p50_saturated',
        value: percentile(saturated.latenciesMs, 0.5),
        unit: 'ms',
      },
      {
        name: 'scaler_receipt_to_spawn_p99_paced',
        value: percentile(paced.latenciesMs, 0.99),
        unit: 'ms',
      },
      {
        name: 'scaler_receipt_to_spawn_p50_paced',
        value: percentile(paced.latenciesMs, 0.5),
        unit: 'ms',
      },
      {
        name: 'scaler_receipt_to_spawn_p90_paced',
        value: percentile(paced.latenciesMs, 0.9),
        unit: 'ms',
      },
      {
        name: 'scaler_receipt_to_spawn_p95_paced',
        value: percentile(paced.latenciesMs, 0.95),
        unit: 'ms',
      },
      {
        name: 'scaler_paced_notifications_per_second',
        value: Math.round(paced.load.notifications / paced.load.seconds),
        unit: 'notifications/s',
      },
      {
        name: 'scaler_spawns_measured',
        value: saturated.latenciesMs.length + paced.latenciesMs.length,
        unit: 'spawns',
      },
      {
        name: 'scaler_webhook_failures',
        value: saturated.load.failures + paced.load.failures,
        unit: 'requests',
      },
    ];
  } finally {
    for (const name of names) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}
