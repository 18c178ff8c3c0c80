/** Shared helpers of the exporter, telemetry and simulator tests: servers, config, polling. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import axios from 'axios';
import { Registry } from 'prom-client';

import { loadConfig } from '../../src/config/load';
import type { SwarmConfig } from '../../src/config/model';
import { createLogger, type Logger } from '../../src/log';

/** The machine's NATS server with JetStream. */
export const SHARED_NATS_URL = 'nats://127.0.0.1:4222';

/** Returns a subject prefix no other test run uses. */
export function uniquePrefix(name: string): string {
  return `test.${name}.${process.pid}.${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
}

/** Loads the example config at the repository root. */
export function exampleConfig(): SwarmConfig {
  return loadConfig(path.join(__dirname, '..', '..', 'ms-framework-swarm.yaml')).config;
}

/** Creates a logger that writes nothing. */
export function silentLogger(): Logger {
  return createLogger({ level: 'silent' });
}

/** Creates a pino logger whose calls are recorded as `[level, message]` pairs. */
export function recordingLogger(): { logger: Logger; lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = [];
  const logger = createLogger({ level: 'debug' });
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    (logger as unknown as Record<string, unknown>)[level] = (...args: unknown[]) => {
      const message = args.find((arg): arg is string => typeof arg === 'string') ?? '';
      lines.push([level, message]);
    };
  }
  return { logger, lines };
}

/** Polls `check` until it returns true or `timeoutMs` passes; throws with `what` on timeout. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Returns a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A nats-server of the test's own, with JetStream and monitoring on free loopback ports. */
export interface OwnNatsServer {
  url: string;
  monitorUrl: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts `/usr/sbin/nats-server -js` on free ports; resolves once `/varz` responds. */
export async function startNatsServer(port?: number): Promise<OwnNatsServer> {
  const clientPort = port ?? (await freePort());
  const monitorPort = await freePort();
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'swarm-nats-'));
  const child: ChildProcess = spawn(
    '/usr/sbin/nats-server',
    [
      '-a',
      '127.0.0.1',
      '-p',
      String(clientPort),
      '-m',
      String(monitorPort),
      '-js',
      '-sd',
      storeDir,
    ],
    { stdio: 'ignore' },
  );
  const monitorUrl = `http://127.0.0.1:${monitorPort}`;
  await waitFor('nats-server monitoring', async () => {
    try {
      await axios.get(`${monitorUrl}/varz`, { timeout: 500 });
      return true;
    } catch {
      return false;
    }
  });
  return {
    url: `nats://127.0.0.1:${clientPort}`,
    monitorUrl,
    port: clientPort,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/** Returns the value of one sample of `registry`, or undefined when the series is absent. */
export async function sampleValue(
  registry: Registry,
  metric: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metrics = await registry.getMetricsAsJSON();
  for (const entry of metrics) {
    for (const value of entry.values as Array<{
      labels: Record<string, unknown>;
      value: number;
      metricName?: string;
    }>) {
      const name = value.metricName ?? entry.name;
      if (name !== metric) continue;
      const matches = Object.entries(labels).every(
        ([key, expected]) => String(value.labels[key]) === expected,
      );
      if (matches && Object.keys(value.labels).length === Object.keys(labels).length)
        return value.value;
    }
  }
  return undefined;
}

/** Returns the sum of every sample named `metric` whose labels include `labels`. */
export async function sumSamples(
  registry: Registry,
  metric: string,
  labels: Record<string, string> = {},
): Promise<number> {
  let total = 0;
  const metrics = await registry.getMetricsAsJSON();
  for (const entry of metrics) {
    for (const value of entry.values as Array<{
      labels: Record<string, unknown>;
      value: number;
      metricName?: string;
    }>) {
      if ((value.metricName ?? entry.name) !== metric) continue;
      if (Object.entries(labels).every(([key, expected]) => String(value.labels[key]) === expected))
        total += value.value;
    }
  }
  return total;
}

/** Returns the set of series lines (name and labels, no value) of a registry's text output. */
export async function seriesOf(registry: Registry): Promise<Set<string>> {
  const text = await registry.metrics();
  return new Set(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.slice(0, line.lastIndexOf(' '))),
  );
}
