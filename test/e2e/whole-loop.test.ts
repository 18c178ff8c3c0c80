/**
 * The whole loop on real services: simulated telemetry over NATS → exporter → Prometheus with the
 * generated rules → Alertmanager → webhook → scaling decision → agent pool, with the scaler's
 * store in PostgreSQL. Intervals are shortened so the run takes about two minutes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Client } from 'pg';
import { parseDocument } from 'yaml';

import { loadConfig } from '../../src/config/load';
import { freePort, queryPrometheus, startAlertmanager, startPrometheus } from '../support/prom-stack';

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'bin', 'swarm-scaler.js');
const adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

jest.setTimeout(300_000);

interface PoolView {
  actual: number;
  desired: number;
  agents: { id: string; role: string; category: string; state: string }[];
}

const STEADY_SECONDS = 8;
const SURGE_SECONDS = 30;
const CALM_SECONDS = 90;

describe('whole loop', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'swarm-e2e-'));
  const database = `swarm_e2e_${process.pid}_${Date.now()}`;
  const prefix = `e2e${process.pid}.telemetry`;
  const children: ChildProcess[] = [];
  const stops: (() => Promise<void>)[] = [];
  let servicePort = 0;
  let prometheusUrl = '';

  beforeAll(async () => {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();

    const configFile = writeShortConfig(work);
    servicePort = await freePort();
    const alertmanagerPort = await freePort();
    const token = 'e2e-webhook-token';
    writeFileSync(path.join(work, 'webhook-token'), `${token}\n`);

    await runCli([
      'generate',
      '--config', configFile,
      '--out', path.join(work, 'generated'),
      '--service-address', `127.0.0.1:${servicePort}`,
      '--alertmanager-address', `127.0.0.1:${alertmanagerPort}`,
      '--webhook-credentials-file', path.join(work, 'webhook-token'),
      '--scrape-interval', '1s',
      '--evaluation-interval', '1s',
      '--group-interval', '2s',
    ]);

    const alertmanager = await startAlertmanager({
      configFile: path.join(work, 'generated', 'prometheus', 'alertmanager.yml'),
      port: alertmanagerPort,
    });
    stops.push(alertmanager.stop);

    children.push(
      startCli(['serve', '--config', configFile, '--port', String(servicePort), '--host', '127.0.0.1'], {
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
        NATS_URL: 'nats://127.0.0.1:4222',
        SWARM_TELEMETRY_PREFIX: prefix,
        ALERTMANAGER_URL: alertmanager.url,
        SWARM_WEBHOOK_TOKEN: token,
        LOG_LEVEL: 'warn',
      }),
    );
    await waitFor(async () => (await fetch(`http://127.0.0.1:${servicePort}/-/ready`)).ok, 30_000);

    const prometheus = await startPrometheus({
      configFile: path.join(work, 'generated', 'prometheus', 'prometheus.yml'),
    });
    stops.push(prometheus.stop);
    prometheusUrl = prometheus.url;
  });

  afterAll(async () => {
    await Promise.all(children.map(stopChild));
    for (const stop of stops.reverse()) await stop();
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  });

  test('surge spawns the rule specialists and calm retires them', async () => {
    const base = await pool();
    expect(base.actual).toBe(20);
    expect(base.desired).toBe(20);

    const simulationStart = Date.now();
    const simulator = startCli([
      'simulate',
      '--config', path.join(work, 'swarm.yaml'),
      '--subject-prefix', prefix,
      '--shape', 'scenario',
      '--steady', `${STEADY_SECONDS}s`,
      '--surge', `${SURGE_SECONDS}s`,
      '--calm', `${CALM_SECONDS}s`,
    ]);
    children.push(simulator);
    const surgeStart = simulationStart + STEADY_SECONDS * 1000;

    const grown = await waitFor(async () => {
      const view = await pool();
      return view.actual >= 22 ? view : undefined;
    }, (STEADY_SECONDS + SURGE_SECONDS + 30) * 1000);
    const firstSpawnSeconds = (Date.now() - surgeStart) / 1000;
    process.stdout.write(`surge start to first spawned specialist: ${firstSpawnSeconds.toFixed(1)} s\n`);

    const specialists = ruleRoles('actor_system_load');
    expect(specialists).toHaveLength(2);
    const firingNow = await queryPrometheus(prometheusUrl, 'ALERTS{alertstate="firing"}');
    const firingNames = firingNow.map((sample) => sample.metric.alertname).sort();
    expect({ actual: grown.actual, firing: firingNames }).toEqual({
      actual: 20 + specialists.length,
      firing: firingNames,
    });
    for (const role of specialists) {
      const expected = base.agents.filter((agent) => agent.role === role).length + 1;
      expect([role, grown.agents.filter((agent) => agent.role === role).length]).toEqual([role, expected]);
    }

    const firing = await queryPrometheus(
      prometheusUrl,
      'ALERTS{alertstate="firing", scaling_rule="actor_system_load"}',
    );
    expect(firing.length).toBe(1);
    const otherRules = await queryPrometheus(
      prometheusUrl,
      'ALERTS{alertstate="firing", scaling_kind!~"watchdog|event", scaling_rule!="actor_system_load"}',
    );
    expect(otherRules).toEqual([]);
    await waitFor(async () => {
      const series = await queryPrometheus(prometheusUrl, 'sum(swarm_agents{state="running"})');
      return series.length === 1 && Number(series[0].value[1]) === 22;
    }, 20_000);

    const shrunk = await waitFor(async () => {
      const view = await pool();
      return view.actual === 20 ? view : undefined;
    }, (SURGE_SECONDS + CALM_SECONDS) * 1000);
    const roleCounts = (view: PoolView) =>
      Object.fromEntries(specialists.map((role) => [role, view.agents.filter((a) => a.role === role).length]));
    expect(roleCounts(shrunk)).toEqual(roleCounts(base));

    await waitFor(async () => {
      const series = await queryPrometheus(prometheusUrl, 'sum(swarm_agents{state="running"})');
      return series.length === 1 && Number(series[0].value[1]) === 20;
    }, 20_000);
    const held = await queryPrometheus(prometheusUrl, 'max_over_time(sum(swarm_agents{state="running"})[5m:1s])');
    expect(Number(held[0].value[1])).toBe(22);
  });

  function ruleRoles(rule: string): string[] {
    const { config } = loadConfig(path.join(work, 'swarm.yaml'));
    const found = config.scalingRules.find((candidate) => candidate.name === rule);
    return (found?.spawn ?? []).map((role) => role.role);
  }

  async function pool(): Promise<PoolView> {
    const response = await fetch(`http://127.0.0.1:${servicePort}/api/v1/pool`, {
      headers: { authorization: 'Bearer e2e-webhook-token' },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as PoolView;
  }
});

/** Copies the example config with short `for:`, cooldown and stabilization for a fast run. */
function writeShortConfig(work: string): string {
  const doc = parseDocument(readFileSync(path.join(root, 'ms-framework-swarm.yaml'), 'utf8'));
  doc.set('scaler', {
    default_for: '2s',
    default_cooldown: '5s',
    scale_down_stabilization: '5s',
    heartbeat_ttl: '30s',
    reconcile_schedule: '*/2 * * * * *',
  });
  doc.set('driver', { kind: 'in-process', start_delay: '1s' });
  const file = path.join(work, 'swarm.yaml');
  writeFileSync(file, doc.toString());
  return file;
}

function startCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function runCli(args: string[]): Promise<void> {
  const child = startCli(args);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`swarm-scaler ${args.join(' ')} exited with ${code}`);
}

async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const result = await probe();
      if (result) return result as T;
    } catch (err) {
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out after ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
}
