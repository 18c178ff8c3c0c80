/**
 * Probes against real servers of the test's own: nats-server monitoring, JetStream KV buckets
 * with the config's TTLs, and PostgreSQL; plus the deadline and the staleness rules.
 */
import http from 'node:http';
import type net from 'node:net';

import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { Client } from 'pg';
import { Registry } from 'prom-client';

import { TelemetryExporter } from '../../src/exporter';
import { ProbeRunner } from '../../src/exporter/probes/probe-runner';
import type { Probe } from '../../src/exporter/probes/probe';
import {
  exampleConfig,
  sampleValue,
  silentLogger,
  startNatsServer,
  sumSamples,
  waitFor,
  type OwnNatsServer,
} from './support';

const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const database = `swarm_probe_${suffix}`;
const buckets = {
  session: `session_${suffix}`,
  agent_state: `agent_state_${suffix}`,
  cache: `cache_${suffix}`,
};

let server: OwnNatsServer;
let nc: NatsConnection;
const exporters: TelemetryExporter[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  const kvm = new Kvm(nc);
  await kvm.create(buckets.session, { ttl: 3600_000 });
  const agentState = await kvm.create(buckets.agent_state, { ttl: 1800_000 });
  await agentState.put('agent-1', 'running');
  await agentState.put('agent-2', 'idle');
  // The cache bucket is left missing on purpose.
  const admin = new Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
});

afterAll(async () => {
  await Promise.all(exporters.map((exporter) => exporter.stop()));
  await nc.close();
  await server.stop();
  const admin = new Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
});

function exporterWith(options: Partial<ConstructorParameters<typeof TelemetryExporter>[0]>): {
  exporter: TelemetryExporter;
  registry: Registry;
} {
  const registry = new Registry();
  const exporter = new TelemetryExporter({
    config: exampleConfig(),
    registry,
    logger: silentLogger(),
    natsUrl: server.url,
    subjectPrefix: `probes.${suffix}`,
    probeIntervalMs: 60_000,
    ...options,
  });
  exporters.push(exporter);
  return { exporter, registry };
}

describe('probes', () => {
  test('nats monitoring varz and jsz', async () => {
    const { exporter, registry } = exporterWith({ natsMonitorUrl: server.monitorUrl });
    await exporter.start();
    await exporter.probes.runAll();
    expect(await sampleValue(registry, 'swarm_exporter_probe_up', { probe: 'nats_varz' })).toBe(1);
    expect(await sampleValue(registry, 'swarm_exporter_probe_up', { probe: 'nats_jsz' })).toBe(1);
    expect(await sampleValue(registry, 'nats_server_connections')).toBeGreaterThanOrEqual(2);
    expect(await sampleValue(registry, 'nats_jetstream_streams')).toBeGreaterThanOrEqual(2);
    expect(
      await sampleValue(registry, 'swarm_exporter_probe_duration_seconds', { probe: 'nats_varz' }),
    ).toBeLessThan(2);
  });

  test('kv buckets with config TTLs', async () => {
    const { exporter, registry } = exporterWith({ kvBuckets: buckets });
    await exporter.start();
    await exporter.probes.runAll();
    expect(await sampleValue(registry, 'swarm_exporter_probe_up', { probe: 'jetstream_kv' })).toBe(
      1,
    );
    expect(
      await sampleValue(registry, 'jetstream_kv_bucket_present', { bucket: 'agent_state' }),
    ).toBe(1);
    expect(
      await sampleValue(registry, 'jetstream_kv_bucket_values', { bucket: 'agent_state' }),
    ).toBe(2);
    expect(
      await sampleValue(registry, 'jetstream_kv_bucket_bytes', { bucket: 'agent_state' }),
    ).toBeGreaterThan(0);
    expect(
      await sampleValue(registry, 'jetstream_kv_bucket_ttl_seconds', { bucket: 'session' }),
    ).toBe(3600);
    expect(
      await sampleValue(registry, 'jetstream_kv_bucket_ttl_seconds', { bucket: 'agent_state' }),
    ).toBe(1800);
    expect(
      await sampleValue(registry, 'jetstream_kv_bucket_expected_ttl_seconds', { bucket: 'cache' }),
    ).toBe(300);
    expect(await sampleValue(registry, 'jetstream_kv_bucket_present', { bucket: 'cache' })).toBe(0);
    // The probe opened the missing bucket read-only: it still does not exist.
    await expect(new Kvm(nc).open(buckets.cache).then((kv) => kv.status())).rejects.toThrow();
  });

  test('postgres activity, database and pools', async () => {
    const url = `postgres://postgres@127.0.0.1:5432/${database}`;
    const client = new Client({ connectionString: url, application_name: 'framework-primary' });
    await client.connect();
    try {
      const { exporter, registry } = exporterWith({ databaseUrl: url });
      await exporter.start();
      await exporter.probes.runAll();
      expect(await sampleValue(registry, 'swarm_exporter_probe_up', { probe: 'postgres' })).toBe(1);
      expect(
        await sumSamples(registry, 'pg_stat_activity_connections', {
          application_name: 'framework-primary',
        }),
      ).toBe(1);
      expect(
        await sampleValue(registry, 'pg_stat_database_xact_commit_total', { datname: database }),
      ).toBeGreaterThan(0);
      expect(
        await sampleValue(registry, 'pg_pool_configured_max_connections', { pool: 'primary' }),
      ).toBe(20);
      expect(
        await sampleValue(registry, 'pg_pool_configured_max_connections', { pool: 'background' }),
      ).toBe(5);
    } finally {
      await client.end();
    }
  });

  test('unreachable postgres sets up to 0', async () => {
    const { exporter, registry } = exporterWith({
      databaseUrl: 'postgres://postgres@127.0.0.1:1/none',
      probeTimeoutMs: 1000,
    });
    await exporter.start();
    await exporter.probes.runAll();
    expect(await sampleValue(registry, 'swarm_exporter_probe_up', { probe: 'postgres' })).toBe(0);
    expect(
      await sampleValue(registry, 'pg_stat_activity_connections', {
        application_name: 'none',
        state: 'idle',
      }),
    ).toBeUndefined();
  });

  test('deadline: a hanging endpoint never holds a scrape', async () => {
    const sockets = new Set<net.Socket>();
    const hanging = http.createServer(() => undefined);
    hanging.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const { port } = hanging.address() as net.AddressInfo;
    try {
      const { exporter, registry } = exporterWith({
        natsMonitorUrl: `http://127.0.0.1:${port}`,
        probeTimeoutMs: 300,
      });
      await exporter.start();
      const started = Date.now();
      await registry.metrics();
      expect(Date.now() - started).toBeLessThan(200);
      await waitFor(
        'probe timed out',
        async () =>
          (await sampleValue(registry, 'swarm_exporter_probe_duration_seconds', {
            probe: 'nats_varz',
          })) !== undefined &&
          (await sampleValue(registry, 'swarm_exporter_probe_duration_seconds', {
            probe: 'nats_varz',
          }))! >= 0.3,
      );
      expect(await sampleValue(registry, 'swarm_exporter_probe_up', { probe: 'nats_varz' })).toBe(
        0,
      );
      expect(
        await sampleValue(registry, 'swarm_exporter_probe_duration_seconds', {
          probe: 'nats_varz',
        }),
      ).toBeLessThan(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });

  test('stale probe samples are dropped', async () => {
    let calls = 0;
    const probe: Probe = {
      name: 'fake',
      metrics: [{ name: 'fake_value', help: 'A value.', type: 'gauge', labelNames: [] }],
      async collect() {
        calls++;
        if (calls > 1) return new Promise(() => undefined);
        return [{ metric: 'fake_value', value: 7 }];
      },
    };
    const registry = new Registry();
    const runner = new ProbeRunner({
      registry,
      logger: silentLogger(),
      intervalMs: 60_000,
      timeoutMs: 5000,
      staleAfterMs: 100,
    });
    runner.add(probe);
    await runner.runAll();
    expect(await sampleValue(registry, 'fake_value')).toBe(7);
    await waitFor(
      'sample goes stale',
      async () => (await sampleValue(registry, 'fake_value')) === undefined,
      2000,
    );
    await runner.stop();
  });
});
