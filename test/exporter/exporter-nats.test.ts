/**
 * The exporter against the machine's NATS server: accounting, bounded labels, queue-group
 * replicas, snapshots on every replica and promtool's verdict on the output.
 */
import { spawnSync } from 'node:child_process';

import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Registry } from 'prom-client';

import { TelemetryExporter } from '../../src/exporter';
import { TelemetryPublisher } from '../../src/telemetry/publisher';
import {
  SHARED_NATS_URL,
  exampleConfig,
  seriesOf,
  silentLogger,
  sumSamples,
  uniquePrefix,
  waitFor,
} from './support';

let nc: NatsConnection;
const running: TelemetryExporter[] = [];

async function startExporter(
  prefix: string,
  queueGroup?: string,
): Promise<{ exporter: TelemetryExporter; registry: Registry }> {
  const registry = new Registry();
  const exporter = new TelemetryExporter({
    config: exampleConfig(),
    registry,
    logger: silentLogger(),
    natsUrl: SHARED_NATS_URL,
    subjectPrefix: prefix,
    queueGroup,
    probeIntervalMs: 60_000,
  });
  await exporter.start();
  running.push(exporter);
  return { exporter, registry };
}

async function accountedEvents(registry: Registry): Promise<number> {
  const accepted = await sumSamples(registry, 'swarm_exporter_events_total');
  const dropped = await sumSamples(registry, 'swarm_exporter_events_dropped_total');
  return accepted + dropped;
}

beforeAll(async () => {
  nc = await connect({ servers: SHARED_NATS_URL });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((exporter) => exporter.stop()));
});

afterAll(async () => {
  await nc.close();
});

describe('exporter on NATS', () => {
  test('accounting: sent equals counted plus dropped', async () => {
    const prefix = uniquePrefix('accounting');
    const { registry } = await startExporter(prefix);
    const publisher = new TelemetryPublisher(nc, { subjectPrefix: prefix, maxBatch: 7 });
    for (let i = 0; i < 500; i++) publisher.emit('pg_query', { pool: 'replica', seconds: 0.004 });
    for (let i = 0; i < 300; i++)
      publisher.emit('kv_op', { bucket: 'session', operation: 'get', hit: i % 3 === 0 });
    await publisher.flush();
    // Invalid input: 3 bad events in one batch, a non-JSON message and a v2 event.
    nc.publish(
      `${prefix}.request`,
      JSON.stringify([{ v: 1, seconds: -1 }, { v: 1 }, 'text', { v: 1, seconds: 0.1 }]),
    );
    nc.publish(`${prefix}.error`, '{not json');
    nc.publish(`${prefix}.restart`, JSON.stringify({ v: 2, strategy: 'one_for_one' }));
    await nc.flush();
    const sent = 500 + 300 + 4 + 1 + 1;

    await waitFor('every event accounted', async () => (await accountedEvents(registry)) === sent);
    expect(await sumSamples(registry, 'pg_queries_total', { pool: 'replica' })).toBe(500);
    expect(await sumSamples(registry, 'jetstream_kv_hits_total', { bucket: 'session' })).toBe(100);
    expect(await sumSamples(registry, 'jetstream_kv_misses_total', { bucket: 'session' })).toBe(
      200,
    );
    expect(await sumSamples(registry, 'framework_requests_total')).toBe(1);
    expect(
      await sumSamples(registry, 'swarm_exporter_events_dropped_total', {
        reason: 'invalid_event',
      }),
    ).toBe(3);
    expect(
      await sumSamples(registry, 'swarm_exporter_events_dropped_total', { reason: 'invalid_json' }),
    ).toBe(1);
    expect(
      await sumSamples(registry, 'swarm_exporter_events_dropped_total', {
        reason: 'unsupported_version',
      }),
    ).toBe(1);
    expect(
      await sumSamples(registry, 'swarm_exporter_last_event_timestamp_seconds'),
    ).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  test('cardinality: 10,000 ids add no series', async () => {
    const prefix = uniquePrefix('cardinality');
    const { exporter, registry } = await startExporter(prefix);
    await exporter.probes.runAll();
    const publisher = new TelemetryPublisher(nc, { subjectPrefix: prefix, maxBatch: 500 });
    publisher.snapshot({ source: 'core-1', gauges: { actors_active: { worker: 2 } } });
    await publisher.flush();
    await waitFor(
      'first snapshot',
      async () => (await sumSamples(registry, 'actors_active')) === 2,
    );
    const before = await seriesOf(registry);

    const ids = Array.from(
      { length: 10_000 },
      (_, i) => `id-${i}-${Math.random().toString(36).slice(2)}`,
    );
    for (const id of ids) {
      publisher.emit('restart', { strategy: id, actor_id: id, agent_id: id });
      publisher.emit('kv_op', { bucket: id, operation: id, agent_id: id });
      publisher.emit('error', { kind: `agent-${id}` });
    }
    const actorTypes = Object.fromEntries(ids.map((id) => [id, 1]));
    publisher.snapshot({ source: 'core-1', gauges: { actors_active: actorTypes } });
    await publisher.flush();

    await waitFor(
      'every id event accepted',
      async () => (await sumSamples(registry, 'swarm_exporter_events_total')) === 30_000 + 2,
    );
    const after = await seriesOf(registry);
    expect([...after].filter((series) => !before.has(series))).toEqual([]);
    expect(await sumSamples(registry, 'supervision_restarts_total', { strategy: 'other' })).toBe(
      10_000,
    );
    expect(await sumSamples(registry, 'actors_active', { actor_type: 'other' })).toBe(10_000);
    expect(after.size).toBe(before.size);
  });

  test('queue group: two replicas share the events', async () => {
    const prefix = uniquePrefix('replicas');
    const group = `replicas-${process.pid}-${Date.now()}`;
    const first = await startExporter(prefix, group);
    const second = await startExporter(prefix, group);
    const publisher = new TelemetryPublisher(nc, { subjectPrefix: prefix, maxBatch: 1 });
    for (let i = 0; i < 2000; i++) publisher.emit('eventbus', { kind: 'domain' });
    publisher.snapshot({ source: 'runtime-1', gauges: { task_queue_depth: { high: 4 } } });
    await publisher.flush();

    const total = async (): Promise<number> =>
      (await sumSamples(first.registry, 'eventbus_events_total')) +
      (await sumSamples(second.registry, 'eventbus_events_total'));
    await waitFor('2000 events across replicas', async () => (await total()) === 2000);
    expect(await sumSamples(first.registry, 'eventbus_events_total')).toBeGreaterThan(0);
    expect(await sumSamples(second.registry, 'eventbus_events_total')).toBeGreaterThan(0);
    await waitFor('snapshot on both replicas', async () => {
      const a = await sumSamples(first.registry, 'task_queue_depth', { priority: 'high' });
      const b = await sumSamples(second.registry, 'task_queue_depth', { priority: 'high' });
      return a === 4 && b === 4;
    });
    const accounted =
      (await accountedEvents(first.registry)) + (await accountedEvents(second.registry));
    // Each replica counts the snapshot once; the events are counted once in all.
    expect(accounted).toBe(2000 + 2);
  });

  test('promtool check metrics reports nothing', async () => {
    const prefix = uniquePrefix('promtool');
    const { registry } = await startExporter(prefix);
    const publisher = new TelemetryPublisher(nc, { subjectPrefix: prefix, maxBatch: 20 });
    publisher.emit('request', { seconds: 0.02 });
    publisher.emit('pg_query', { pool: 'primary', seconds: 0.001 });
    publisher.snapshot({
      source: 'x',
      gauges: { actors_active: { worker: 1 }, framework_cpu_utilization_ratio: 0.3 },
    });
    await publisher.flush();
    await waitFor(
      'events applied',
      async () => (await sumSamples(registry, 'swarm_exporter_events_total')) === 3,
    );

    const result = spawnSync('promtool', ['check', 'metrics'], {
      input: await registry.metrics(),
      encoding: 'utf8',
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
