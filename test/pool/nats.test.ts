/**
 * The NATS driver and the agent host, against the real NATS server at 127.0.0.1:4222. Each suite
 * uses its own subject root, so parallel runs do not see each other's agents.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { connect, type NatsConnection } from '@nats-io/transport-node';

import { DriverError, type PoolDriver } from '../../src/pool/driver';
import type { AgentHost, AgentHostOptions } from '../../src/pool/agent-host';
import { agentSubjects, encodeJson } from '../../src/pool/nats-protocol';
import { describeDriverContract } from './contract';
import { spawnRequest, uniqueId, waitFor } from './helpers';
import {
  BusObserver,
  childHostHarness,
  createHost,
  inProcessHostHarness,
  NATS_URL,
  startHostProcess,
  startNatsDriver,
} from './nats-harness';

describeDriverContract('nats (in-process host)', inProcessHostHarness);
describeDriverContract('nats (agent-host child process)', childHostHarness);

describe('nats driver', () => {
  let root: string;
  let driver: PoolDriver;
  let connection: NatsConnection;
  const hosts: AgentHost[] = [];

  beforeEach(async () => {
    root = uniqueId('pooltest');
    driver = (await startNatsDriver(root)).driver;
    connection = await connect({ servers: NATS_URL });
  });

  afterEach(async () => {
    await driver.stop();
    await Promise.all(hosts.splice(0).map((host) => host.stop()));
    await connection.drain();
  });

  async function startHost(overrides: Partial<AgentHostOptions> = {}): Promise<AgentHost> {
    const host = createHost(root, overrides);
    hosts.push(host);
    await host.start();
    return host;
  }

  test('agent id with a dot is rejected before sending', async () => {
    const error = await driver.spawn(spawnRequest('bad.id')).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).reason).toBe('rejected');
    expect((error as DriverError).retryable).toBe(false);
  });

  test('spawn without hosts fails as unreachable', async () => {
    const error = await driver.spawn(spawnRequest(uniqueId('nohost'))).catch((err: unknown) => err);
    expect((error as DriverError).reason).toBe('unreachable');
    expect((error as DriverError).retryable).toBe(true);
  });

  test('malformed reply fails as invalid_response', async () => {
    connection.subscribe(agentSubjects(root).spawn, {
      callback: (_err, msg) => void msg.respond(encodeJson({ accepted: 'yes' })),
    });
    await connection.flush();

    const error = await driver
      .spawn(spawnRequest(uniqueId('garbled')))
      .catch((err: unknown) => err);
    expect((error as DriverError).reason).toBe('invalid_response');
  });

  test('host rejection reaches the caller', async () => {
    await startHost();
    const agentId = uniqueId('reused');
    await driver.spawn(spawnRequest(agentId, { idempotencyKey: 'decision-1' }));

    const error = await driver
      .spawn(spawnRequest(agentId, { idempotencyKey: 'decision-2' }))
      .catch((err: unknown) => err);
    expect((error as DriverError).reason).toBe('rejected');
    expect((error as DriverError).retryable).toBe(false);
    expect((error as DriverError).message).toContain('decision-1');
  });

  test('concurrent spawns with two keys start one agent', async () => {
    const observer = await BusObserver.open(root);
    await startHost();
    const agentId = uniqueId('race');

    const results = await Promise.allSettled([
      driver.spawn(spawnRequest(agentId, { idempotencyKey: 'decision-1' })),
      driver.spawn(spawnRequest(agentId, { idempotencyKey: 'decision-2' })),
    ]);
    const rejected = results.filter((result) => result.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(((rejected[0] as PromiseRejectedResult).reason as DriverError).reason).toBe('rejected');
    await waitFor(() => observer.startCount(agentId) === 1, 'the starting event');
    expect(observer.startCount(agentId)).toBe(1);
    await observer.close();
  });

  test('spawn message carries the agent spec', async () => {
    const bodies: unknown[] = [];
    connection.subscribe(agentSubjects(root).spawn, {
      callback: (_err, msg) => void bodies.push(msg.json()),
    });
    await connection.flush();
    await startHost();
    const request = spawnRequest(uniqueId('spec'));

    await driver.spawn(request);
    await waitFor(() => bodies.length === 1, 'the spawn message');
    expect(bodies[0]).toEqual(request);
  });

  test('retire command replies with the stopped state', async () => {
    const host = await startHost();
    const agentId = uniqueId('command');
    await driver.spawn(spawnRequest(agentId));

    const reply = await connection.request(
      agentSubjects(root).commands(agentId),
      encodeJson({ command: 'retire', agentId }),
      { timeout: 2000 },
    );
    expect(reply.json()).toEqual({ ok: true, agentId, state: 'stopped', host: host.hostId });
    expect(host.agentIds()).not.toContain(agentId);
  });

  test('second host does not start a twin', async () => {
    const observer = await BusObserver.open(root);
    const first = await startHost({ spawnSubject: `${root}.spawn-first` });
    await startHost({ spawnSubject: `${root}.spawn-second` });
    const request = spawnRequest(uniqueId('twin'));

    const firstReply = await connection.request(`${root}.spawn-first`, encodeJson(request), {
      timeout: 2000,
    });
    const secondReply = await connection.request(`${root}.spawn-second`, encodeJson(request), {
      timeout: 2000,
    });
    expect(firstReply.json()).toMatchObject({ ok: true, host: first.hostId });
    expect(secondReply.json()).toMatchObject({ ok: true, host: first.hostId });
    await waitFor(() => observer.startCount(request.agentId) === 1, 'the starting event');
    expect(observer.startCount(request.agentId)).toBe(1);
    await observer.close();
  });

  test('full host rejects as retryable', async () => {
    await startHost({ capacity: 1 });
    await driver.spawn(spawnRequest(uniqueId('first')));

    const error = await driver.spawn(spawnRequest(uniqueId('second'))).catch((err: unknown) => err);
    expect((error as DriverError).reason).toBe('rejected');
    expect((error as DriverError).retryable).toBe(true);
  });

  test('agent-host process exits 0 on SIGTERM', async () => {
    const host = await startHostProcess(root);
    await driver.spawn(spawnRequest(uniqueId('child')));

    expect(await host.stop()).toBe(0);
  });
});

describe('agent-host command', () => {
  test.each([
    [
      'capacity of zero',
      ['--capacity', '0'],
      /invalid --capacity "0": expected a whole number of agents >= 1/,
    ],
    [
      'interval without unit',
      ['--heartbeat-interval', 'soon'],
      /invalid --heartbeat-interval: .*"soon"/,
    ],
  ])('invalid flag: %s', (_name, flags, message) => {
    const bin = path.join(__dirname, '..', '..', 'bin', 'swarm-scaler.js');
    const result = spawnSync(process.execPath, [bin, 'agent-host', '--nats', NATS_URL, ...flags], {
      encoding: 'utf8',
      timeout: 10000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});
