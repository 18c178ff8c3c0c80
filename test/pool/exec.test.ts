/**
 * The exec driver, with small Node scripts under fixtures/ standing in for a swarm CLI.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Registry } from 'prom-client';

import { DriverError, type PoolDriver } from '../../src/pool/driver';
import { createDriver } from '../../src/pool/index';
import { DriverConfigError } from '../../src/pool/options';
import { describeDriverContract, type DriverHarness } from './contract';
import {
  configWithDriver,
  metricValue,
  sampleSpec,
  silentLogger,
  spawnRequest,
  uniqueId,
  waitFor,
} from './helpers';

const FIXTURES = path.join(__dirname, 'fixtures');
const AGENT_CLI = path.join(FIXTURES, 'agent-cli.js');
const WRITE_ARGV = path.join(FIXTURES, 'write-argv.js');
const NODE = process.execPath;

function makeStateDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-exec-'));
}

function createExec(
  registry: Registry,
  options: Record<string, unknown>,
  timeoutSeconds = 5,
): PoolDriver {
  const config = configWithDriver({ kind: 'exec', timeoutSeconds, options });
  return createDriver(config, { logger: silentLogger(), registry, env: {} });
}

function readLines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describeDriverContract('exec', async (): Promise<DriverHarness> => {
  const stateDir = makeStateDir();
  const agentsDir = path.join(stateDir, 'agents');
  const registry = new Registry();
  const driver = createExec(registry, {
    spawn: [
      NODE,
      AGENT_CLI,
      stateDir,
      'spawn',
      '{agentId}',
      '{idempotencyKey}',
      '{role}',
      '{category}',
    ],
    retire: [NODE, AGENT_CLI, stateDir, 'retire', '{agentId}'],
    status: ['test', '-f', path.join(agentsDir, '{agentId}.alive')],
    status_interval: '150ms',
    failure_threshold: 2,
  });
  await driver.start();
  const marker = (name: string) => path.join(stateDir, name);
  return {
    driver,
    registry,
    heartbeatIntervalMs: 150,
    failureThreshold: 2,
    runningAgents: async () =>
      fs.existsSync(agentsDir)
        ? fs
            .readdirSync(agentsDir)
            .filter((f) => f.endsWith('.json'))
            .map((f) => f.slice(0, -'.json'.length))
        : [],
    startCount: async (agentId) =>
      readLines(marker('starts.log')).filter((id) => id === agentId).length,
    spawnRequestsSeen: async (agentId) =>
      readLines(marker('calls.jsonl'))
        .map((line) => JSON.parse(line) as string[])
        .filter(([command, id]) => command === 'spawn' && id === agentId).length,
    silence: async (agentId) => fs.rmSync(path.join(agentsDir, `${agentId}.alive`)),
    resume: async (agentId) => fs.writeFileSync(path.join(agentsDir, `${agentId}.alive`), ''),
    failNextSpawn: async () => fs.writeFileSync(marker('fail-next'), ''),
    breakRuntime: async () => fs.writeFileSync(marker('broken'), ''),
    restoreRuntime: async () => fs.rmSync(marker('broken')),
    close: async () => {
      await driver.stop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
});

describe('exec driver', () => {
  let dir: string;
  let registry: Registry;

  beforeEach(() => {
    dir = makeStateDir();
    registry = new Registry();
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('shell syntax in labels stays literal', async () => {
    const argvFile = path.join(dir, 'argv.json');
    const touched = path.join(dir, 'touched');
    const victim = path.join(dir, 'victim');
    fs.mkdirSync(victim);
    const role = `$(touch ${touched})\`touch ${touched}\``;
    const category = `core; rm -rf ${victim} #`;
    const agentId = `a b"'\n{role}`;
    const spec = {
      ...sampleSpec(),
      knowledge: { note: `"quoted" 'single' $HOME & | > ${touched}` },
    };
    const driver = createExec(registry, {
      spawn: [
        NODE,
        WRITE_ARGV,
        argvFile,
        '--type',
        '{role}',
        '--id',
        '{agentId}',
        'in-{category}-x',
        '{spec}',
      ],
      retire: ['true'],
    });
    await driver.start();

    await driver.spawn(spawnRequest(agentId, { role, category, spec }));
    const argv = JSON.parse(fs.readFileSync(argvFile, 'utf8')) as string[];
    expect(argv).toEqual([
      '--type',
      role,
      '--id',
      agentId,
      `in-${category}-x`,
      JSON.stringify(spec),
    ]);
    expect(fs.existsSync(touched)).toBe(false);
    expect(fs.existsSync(victim)).toBe(true);
    await driver.stop();
  });

  test('concurrent spawns run the command once', async () => {
    const calls = path.join(dir, 'calls.log');
    const script = `require("fs").appendFileSync(${JSON.stringify(calls)}, "x"); setTimeout(() => {}, 200)`;
    const driver = createExec(registry, { spawn: [NODE, '-e', script], retire: ['true'] });
    await driver.start();
    const request = spawnRequest(uniqueId('concurrent'));

    await Promise.all([driver.spawn(request), driver.spawn(request), driver.spawn(request)]);
    expect(fs.readFileSync(calls, 'utf8')).toBe('x');
    await driver.stop();
  });

  test('slow command times out and is killed', async () => {
    // An unusual duration, so that pgrep finds only this test's process.
    const duration = `${17 + Math.floor(Math.random() * 1000) / 1000}`;
    const driver = createExec(registry, { spawn: ['sleep', duration], retire: ['true'] }, 0.5);
    await driver.start();
    const isSleeping = () => spawnSync('pgrep', ['-f', `^sleep ${duration}$`]).status === 0;

    const startedAt = Date.now();
    const error = await driver.spawn(spawnRequest(uniqueId('slow'))).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).reason).toBe('timeout');
    expect(Date.now() - startedAt).toBeLessThan(3000);
    await waitFor(() => !isSleeping(), `sleep ${duration} to be killed`);
    expect(isSleeping()).toBe(false);
    await driver.stop();
  });

  test('missing program fails as unreachable', async () => {
    const driver = createExec(registry, {
      spawn: [path.join(dir, 'no-such-cli')],
      retire: ['true'],
    });
    await driver.start();

    const error = await driver
      .spawn(spawnRequest(uniqueId('missing')))
      .catch((err: unknown) => err);
    expect((error as DriverError).reason).toBe('unreachable');
    expect((error as DriverError).retryable).toBe(false);
    await driver.stop();
  });

  test('non-zero exit status is recorded', async () => {
    const script = 'process.stderr.write("no capacity left"); process.exit(3)';
    const driver = createExec(registry, { spawn: [NODE, '-e', script], retire: ['true'] });
    await driver.start();

    const error = await driver.spawn(spawnRequest(uniqueId('exit'))).catch((err: unknown) => err);
    expect((error as DriverError).reason).toBe('exit_status');
    expect((error as DriverError).retryable).toBe(false);
    expect((error as DriverError).message).toContain('exit status 3');
    expect((error as DriverError).message).toContain('no capacity left');
    expect(
      await metricValue(registry, 'swarm_pool_exec_exits_total', {
        operation: 'spawn',
        status: '3',
      }),
    ).toBe(1);
    await driver.stop();
  });

  test('exit status 75 is retryable', async () => {
    const driver = createExec(registry, {
      spawn: [NODE, '-e', 'process.exit(75)'],
      retire: ['true'],
    });
    await driver.start();

    const error = await driver
      .spawn(spawnRequest(uniqueId('tempfail')))
      .catch((err: unknown) => err);
    expect((error as DriverError).retryable).toBe(true);
    await driver.stop();
  });

  test('unknown placeholder is a config error', () => {
    const create = () =>
      createExec(registry, { spawn: ['cli', '--id', '{agent}'], retire: ['cli', '{agentId}'] });
    expect(create).toThrow(DriverConfigError);
    expect(create).toThrow(/driver\.options\.spawn: unknown placeholders \{agent\}/);
  });

  test('missing retire template is a config error', () => {
    expect(() => createExec(registry, { spawn: ['cli'] })).toThrow(
      /driver\.options\.retire: .*\(missing\)/,
    );
  });

  test('driver without status reports no heartbeats', () => {
    const driver = createExec(registry, { spawn: ['true'], retire: ['true'] });
    expect(driver.reportsHeartbeats).toBe(false);
  });
});
