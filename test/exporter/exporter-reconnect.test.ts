/** The exporter while NATS is down: start resolves, one warning, and it resumes when NATS is up. */
import { connect } from '@nats-io/transport-node';
import { Registry } from 'prom-client';

import { TelemetryExporter } from '../../src/exporter';
import { TelemetryPublisher } from '../../src/telemetry/publisher';
import {
  exampleConfig,
  freePort,
  recordingLogger,
  startNatsServer,
  sumSamples,
  uniquePrefix,
  waitFor,
  type OwnNatsServer,
} from './support';

let server: OwnNatsServer | undefined;
let exporter: TelemetryExporter | undefined;

afterEach(async () => {
  await exporter?.stop();
  await server?.stop();
});

test('exporter resumes when NATS comes up', async () => {
  const port = await freePort();
  const registry = new Registry();
  const { logger, lines } = recordingLogger();
  const prefix = uniquePrefix('reconnect');
  exporter = new TelemetryExporter({
    config: exampleConfig(),
    registry,
    logger,
    natsUrl: `nats://127.0.0.1:${port}`,
    subjectPrefix: prefix,
    probeIntervalMs: 60_000,
  });

  await exporter.start();
  expect(lines.filter(([level]) => level === 'warn')).toEqual([
    ['warn', 'nats unreachable, retrying'],
  ]);
  expect(await sumSamples(registry, 'swarm_exporter_nats_connected')).toBe(0);

  server = await startNatsServer(port);
  await waitFor(
    'exporter connected',
    async () => (await sumSamples(registry, 'swarm_exporter_nats_connected')) === 1,
  );
  expect(lines.filter(([, message]) => message === 'nats unreachable, retrying')).toHaveLength(1);
  expect(
    lines.filter(([level, message]) => level === 'info' && message === 'nats connected'),
  ).toHaveLength(1);

  const nc = await connect({ servers: server.url });
  const publisher = new TelemetryPublisher(nc, { subjectPrefix: prefix });
  publisher.emit('dead_letter', {});
  await publisher.flush();
  await waitFor(
    'event counted',
    async () => (await sumSamples(registry, 'eventbus_dead_letters_total')) === 1,
  );
  await nc.close();

  // A restart of the server is a disconnect and a reconnect, counted as such.
  await server.stop();
  await waitFor(
    'disconnect counted',
    async () => (await sumSamples(registry, 'swarm_exporter_nats_disconnects_total')) >= 1,
  );
  server = await startNatsServer(port);
  await waitFor(
    'reconnect counted',
    async () => (await sumSamples(registry, 'swarm_exporter_nats_reconnects_total')) >= 1,
    15_000,
  );
  expect(await sumSamples(registry, 'swarm_exporter_nats_connected')).toBe(1);
}, 30_000);

test('stop completes while NATS is down', async () => {
  server = await startNatsServer();
  const registry = new Registry();
  exporter = new TelemetryExporter({
    config: exampleConfig(),
    registry,
    logger: recordingLogger().logger,
    natsUrl: server.url,
    subjectPrefix: uniquePrefix('stop'),
    probeIntervalMs: 60_000,
  });
  await exporter.start();
  await server.stop();
  server = undefined;
  await waitFor(
    'disconnect counted',
    async () => (await sumSamples(registry, 'swarm_exporter_nats_disconnects_total')) >= 1,
  );

  const started = Date.now();
  await exporter.stop();
  exporter = undefined;
  expect(Date.now() - started).toBeLessThan(3000);
  expect(await sumSamples(registry, 'swarm_exporter_nats_connected')).toBe(0);
});
