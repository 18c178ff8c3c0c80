/**
 * The whole loop on real services, shared by the e2e suites: simulated telemetry over NATS →
 * exporter → Prometheus with the generated rules → Alertmanager → webhook → scaling decision →
 * pool driver, with the scaler's store in PostgreSQL. Every part runs from the local build
 * (`bin/swarm-scaler.js`) as its own process. Intervals are shortened so a run takes about a minute.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Client } from 'pg';
import { parseDocument } from 'yaml';

import { loadConfig } from '../../src/config/load';
import { freePort, startAlertmanager, startPrometheus } from '../support/prom-stack';

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'bin', 'swarm-scaler.js');
const adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
const TOKEN = 'e2e-webhook-token';

/** Lengths of the simulator's scenario phases, in seconds. */
export const STEADY_SECONDS = 8;
export const SURGE_SECONDS = 30;
export const CALM_SECONDS = 90;

/** `GET /api/v1/pool`, the fields the suites read. */
export interface PoolView {
  actual: number;
  desired: number;
  agents: { id: string; role: string; category: string; state: string; lastHeartbeatAt: string | null }[];
}

/** Which pool driver the service runs. */
export type LoopDriver = 'in-process' | 'nats';

/** A running loop: every process is up and Prometheus scrapes the service. */
export interface WholeLoop {
  prometheusUrl: string;
  /** Root of the agent subjects on NATS (nats driver only). */
  subjectRoot: string;
  /** `--host-id` of the agent host (nats driver only). */
  hostId: string;
  pool(): Promise<PoolView>;
  /** Roles the named scaling rule spawns, from the run's config. */
  ruleRoles(rule: string): string[];
  /** Starts the simulator's steady → surge → calm scenario; returns the surge's start time. */
  startScenario(): number;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL's database, Alertmanager, the service, Prometheus and, for the nats driver,
 * an agent host first, so the base pool can spawn on it.
 */
export async function startWholeLoop(driver: LoopDriver): Promise<WholeLoop> {
  const work = mkdtempSync(path.join(tmpdir(), 'swarm-e2e-'));
  const unique = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const database = `swarm_e2e_${unique}`;
  const prefix = `e2e${unique}.telemetry`;
  const subjectRoot = `e2e${unique}.agents`;
  const hostId = `e2e-host-${unique}`;
  const children: ChildProcess[] = [];
  const stops: (() => Promise<void>)[] = [];

  const stop = async () => {
    for (const child of children.reverse()) await stopChild(child);
    for (const server of stops.reverse()) await server();
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  };

  try {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();

    const configFile = writeShortConfig(work);
    const servicePort = await freePort();
    const alertmanagerPort = await freePort();
    writeFileSync(path.join(work, 'webhook-token'), `${TOKEN}\n`);
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

    const driverEnv: Record<string, string> = {};
    if (driver === 'nats') {
      children.push(await startAgentHost(subjectRoot, hostId));
      driverEnv.SWARM_DRIVER = 'nats';
      driverEnv.SWARM_DRIVER_SUBJECT_ROOT = subjectRoot;
    }
    const serveArgs = ['serve', '--config', configFile, '--port', String(servicePort), '--host', '127.0.0.1'];
    children.push(
      startCli(serveArgs, {
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
        NATS_URL: 'nats://127.0.0.1:4222',
        SWARM_TELEMETRY_PREFIX: prefix,
        ALERTMANAGER_URL: alertmanager.url,
        SWARM_WEBHOOK_TOKEN: TOKEN,
        LOG_LEVEL: 'warn',
        ...driverEnv,
      }),
    );
    await waitFor(async () => (await fetch(`http://127.0.0.1:${servicePort}/-/ready`)).ok, 30_000);

    const prometheus = await startPrometheus({
      configFile: path.join(work, 'generated', 'prometheus', 'prometheus.yml'),
    });
    stops.push(prometheus.stop);

    return {
      prometheusUrl: prometheus.url,
      subjectRoot,
      hostId,
      stop,
      pool: () => readPool(servicePort),
      ruleRoles(rule) {
        const { config } = loadConfig(configFile);
        const found = config.scalingRules.find((candidate) => candidate.name === rule);
        return (found?.spawn ?? []).map((role) => role.role);
      },
      startScenario() {
        const simulationStart = Date.now();
        children.push(
          startCli([
            'simulate',
            '--config', configFile,
            '--subject-prefix', prefix,
            '--shape', 'scenario',
            '--steady', `${STEADY_SECONDS}s`,
            '--surge', `${SURGE_SECONDS}s`,
            '--calm', `${CALM_SECONDS}s`,
          ]),
        );
        return simulationStart + STEADY_SECONDS * 1000;
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function readPool(port: number): Promise<PoolView> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/pool`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  if (response.status !== 200) throw new Error(`GET /api/v1/pool returned ${response.status}`);
  return (await response.json()) as PoolView;
}

/** Starts `swarm-scaler agent-host` and resolves once it serves its spawn subject. */
async function startAgentHost(subjectRoot: string, hostId: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      cli, 'agent-host',
      '--nats', 'nats://127.0.0.1:4222',
      '--subject-root', subjectRoot,
      '--host-id', hostId,
      '--start-delay', '1s',
      '--heartbeat-interval', '1s',
    ],
    { cwd: root, env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`agent host did not start: ${output}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('serving')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent host exited with ${code} before serving: ${output}`));
    });
  });
  return child;
}

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
  return spawn(process.execPath, [cli, ...args], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
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

/** Polls `probe` every 500 ms until it returns a truthy value; throws after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs: number,
): Promise<T> {
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
