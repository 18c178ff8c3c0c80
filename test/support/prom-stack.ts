/**
 * Starts Prometheus and Alertmanager from the Debian binaries on free loopback ports, for tests.
 * Each server gets a temporary storage folder, is ready (`/-/ready`) when the promise resolves
 * and is killed by `stop()`, which also removes the folder unless the caller passed its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Paths of the binaries from Debian's prometheus and prometheus-alertmanager packages. */
export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

const READY_TIMEOUT_MS = 30_000;

/** A running server. */
export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** One instant-query result from Prometheus's HTTP API. */
export interface InstantSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Returns a TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Prometheus with `configFile`; rule paths in it resolve against the file's folder.
 * `extraArgs` are appended to the command line, such as `--rules.alert.resend-delay=1s`.
 */
export async function startPrometheus(options: {
  configFile: string;
  dataDir?: string;
  port?: number;
  extraArgs?: string[];
}): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'prometheus-'));
  const args = [
    `--config.file=${options.configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
    ...(options.extraArgs ?? []),
  ];
  const removeDir = options.dataDir === undefined ? dataDir : undefined;
  return startServer('prometheus', PROMETHEUS_BIN, args, port, removeDir);
}

/** Starts Alertmanager with `configFile`, clustering disabled. */
export async function startAlertmanager(options: {
  configFile: string;
  port?: number;
}): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const dataDir = mkdtempSync(path.join(tmpdir(), 'alertmanager-'));
  const args = [
    `--config.file=${options.configFile}`,
    `--storage.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ];
  return startServer('alertmanager', ALERTMANAGER_BIN, args, port, dataDir);
}

/** Runs an instant query; throws with Prometheus's error text when the query fails. */
export async function queryPrometheus(url: string, promql: string): Promise<InstantSample[]> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: unknown };
  };
  if (body.status !== 'success' || !body.data) {
    throw new Error(`query ${promql} failed: ${body.error ?? response.status}`);
  }
  const { resultType, result } = body.data;
  if (resultType === 'vector') return result as InstantSample[];
  if (resultType === 'scalar') return [{ metric: {}, value: result as [number, string] }];
  throw new Error(`query ${promql} returned a ${resultType}, expected an instant vector`);
}

async function startServer(
  name: string,
  binary: string,
  args: string[],
  port: number,
  removeDir: string | undefined,
): Promise<RunningServer> {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child, removeDir);
  try {
    await waitReady(child, `${url}/-/ready`);
  } catch (err) {
    await stop();
    throw new Error(`${name} did not become ready on ${url}: ${String(err)}\n${stderr}`);
  }
  return { url, port, stop };
}

async function waitReady(child: ChildProcess, readyUrl: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      if ((await fetch(readyUrl)).ok) return;
    } catch {
      // Not listening yet: poll again.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${READY_TIMEOUT_MS} ms`);
}

async function stopChild(child: ChildProcess, removeDir: string | undefined): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  if (removeDir) rmSync(removeDir, { recursive: true, force: true });
}
