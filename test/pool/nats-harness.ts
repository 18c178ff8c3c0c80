/**
 * Contract harnesses for the NATS driver on the real NATS server at 127.0.0.1:4222, with the agent
 * host run in this process or as a child process (`node bin/swarm-scaler.js agent-host`).
 *
 * The runtime's state is read from the bus itself: `<root>.*.status` events tell which agents run
 * and how often each was started, and a plain subscription to the spawn subject counts requests.
 * Because that subscription exists, a spawn with no host behind it times out here instead of
 * failing at once with "no responders". nats.test.ts checks the latter on a root without it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Registry } from 'prom-client';

import { AgentHost, type AgentHostOptions } from '../../src/pool/agent-host';
import { createDriver } from '../../src/pool/index';
import { agentSubjects } from '../../src/pool/nats-protocol';
import type { DriverHarness } from './contract';
import { configWithDriver, silentLogger, uniqueId, waitFor } from './helpers';

/** The shared NATS server of the test machine. */
export const NATS_URL = 'nats://127.0.0.1:4222';

const HEARTBEAT_INTERVAL_MS = 100;
const TIMEOUT_SECONDS = 1;
const FAILURE_THRESHOLD = 2;
const REPO_ROOT = path.join(__dirname, '..', '..');

/** Agent states and spawn requests seen on the bus under one subject root. */
export class BusObserver {
  private readonly states = new Map<string, string>();
  private readonly starts = new Map<string, number>();
  private readonly spawnRequests = new Map<string, number>();

  private constructor(private readonly connection: NatsConnection) {}

  /** Subscribes to the status and spawn subjects of `root`. */
  static async open(root: string): Promise<BusObserver> {
    const observer = new BusObserver(await connect({ servers: NATS_URL }));
    const subjects = agentSubjects(root);
    observer.connection.subscribe(subjects.allStatuses, {
      callback: (_err, msg) => {
        const event = msg.json<{ agentId: string; state: string }>();
        observer.states.set(event.agentId, event.state);
        if (event.state === 'starting') increment(observer.starts, event.agentId);
      },
    });
    observer.connection.subscribe(subjects.spawn, {
      callback: (_err, msg) =>
        increment(observer.spawnRequests, msg.json<{ agentId: string }>().agentId),
    });
    await observer.connection.flush();
    return observer;
  }

  runningAgents(): string[] {
    return [...this.states].filter(([, state]) => state !== 'stopped').map(([agentId]) => agentId);
  }

  startCount(agentId: string): number {
    return this.starts.get(agentId) ?? 0;
  }

  spawnRequestsSeen(agentId: string): number {
    return this.spawnRequests.get(agentId) ?? 0;
  }

  async close(): Promise<void> {
    await this.connection.drain();
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Starts a NATS driver on `root` and returns it with its registry. */
export async function startNatsDriver(root: string) {
  const registry = new Registry();
  const config = configWithDriver({
    kind: 'nats',
    timeoutSeconds: TIMEOUT_SECONDS,
    options: { url: NATS_URL, subject_root: root, failure_threshold: FAILURE_THRESHOLD },
  });
  const driver = createDriver(config, { logger: silentLogger(), registry, env: {} });
  await driver.start();
  return { driver, registry };
}

/** Creates an in-process agent host on `root` (not yet started). */
export function createHost(root: string, overrides: Partial<AgentHostOptions> = {}): AgentHost {
  return new AgentHost({
    url: NATS_URL,
    subjectRoot: root,
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    startDelayMs: 20,
    hostId: uniqueId('host'),
    logger: silentLogger(),
    ...overrides,
  });
}

/** Harness with the agent host in this process. */
export async function inProcessHostHarness(): Promise<DriverHarness> {
  const root = uniqueId('pooltest');
  const observer = await BusObserver.open(root);
  let host = createHost(root);
  await host.start();
  const { driver, registry } = await startNatsDriver(root);
  return {
    driver,
    registry,
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    failureThreshold: FAILURE_THRESHOLD,
    runningAgents: async () => observer.runningAgents(),
    startCount: async (agentId) => observer.startCount(agentId),
    spawnRequestsSeen: async (agentId) => observer.spawnRequestsSeen(agentId),
    silence: async (agentId) => void host.silence(agentId),
    resume: async (agentId) => void host.resume(agentId),
    failNextSpawn: async () => host.dropNextReplies(1),
    breakRuntime: () => host.stop(),
    restoreRuntime: async () => {
      host = createHost(root);
      await host.start();
    },
    close: async () => {
      await driver.stop();
      await host.stop();
      await observer.close();
    },
  };
}

/** A `swarm-scaler agent-host` child process. */
class HostProcess {
  private output = '';

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Starts the host and waits until it serves spawn requests. */
  static async start(root: string): Promise<HostProcess> {
    const args = [
      path.join(REPO_ROOT, 'bin', 'swarm-scaler.js'),
      'agent-host',
      ...['--nats', NATS_URL, '--subject-root', root],
      ...['--heartbeat-interval', `${HEARTBEAT_INTERVAL_MS}ms`, '--start-delay', '20ms'],
      ...['--host-id', uniqueId('child')],
    ];
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const host = new HostProcess(child);
    await waitFor(
      () => host.output.includes('serving') || child.exitCode !== null,
      'the agent host to start',
      10000,
    );
    if (child.exitCode !== null)
      throw new Error(`agent-host exited with ${child.exitCode}: ${host.output}`);
    return host;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Sends `signal` and waits for the process to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGCONT');
      this.child.kill(signal);
      await exited;
    }
    return this.child.exitCode;
  }
}

/** Harness with the agent host as a child process; a hung host is simulated with SIGSTOP. */
export async function childHostHarness(): Promise<DriverHarness> {
  const root = uniqueId('pooltest');
  const observer = await BusObserver.open(root);
  let host = await HostProcess.start(root).catch(async (err: unknown) => {
    await observer.close();
    throw err;
  });
  const { driver, registry } = await startNatsDriver(root);
  return {
    driver,
    registry,
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    failureThreshold: FAILURE_THRESHOLD,
    runningAgents: async () => observer.runningAgents(),
    startCount: async (agentId) => observer.startCount(agentId),
    spawnRequestsSeen: async (agentId) => observer.spawnRequestsSeen(agentId),
    // A stopped process sends nothing: every agent of this host goes quiet, the silenced one too.
    silence: async () => host.signal('SIGSTOP'),
    resume: async () => host.signal('SIGCONT'),
    failNextSpawn: async () => {
      // The first attempt times out while the host is stopped, and the host handles it late.
      // The retry must then find the agent that request started instead of starting another.
      host.signal('SIGSTOP');
      setTimeout(() => host.signal('SIGCONT'), TIMEOUT_SECONDS * 1000 + 150);
    },
    breakRuntime: async () => void (await host.stop('SIGKILL')),
    restoreRuntime: async () => {
      host = await HostProcess.start(root);
    },
    close: async () => {
      await driver.stop();
      await host.stop();
      await observer.close();
    },
  };
}

/** Starts an agent host child process on `root` and returns a function that stops it. */
export async function startHostProcess(
  root: string,
): Promise<{ stop: () => Promise<number | null> }> {
  const host = await HostProcess.start(root);
  return { stop: () => host.stop() };
}
