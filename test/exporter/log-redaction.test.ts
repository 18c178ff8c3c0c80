/** The exporter's log lines never contain the user info of the URLs it is given. */
import { Writable } from 'node:stream';

import pino from 'pino';
import { Registry } from 'prom-client';

import { TelemetryExporter } from '../../src/exporter';
import {
  exampleConfig,
  freePort,
  startNatsServer,
  uniquePrefix,
  waitFor,
  type OwnNatsServer,
} from './support';

const SECRETS = ['natspw-s3cret', 'monitorpw-s3cret', 'dbpw-s3cret'];

/** Creates a pino logger whose serialized lines are kept in `lines`. */
function capturingLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

let exporter: TelemetryExporter | undefined;
let server: OwnNatsServer | undefined;

afterEach(async () => {
  await exporter?.stop();
  exporter = undefined;
  await server?.stop();
  server = undefined;
});

test('exporter logs no URL user info', async () => {
  const [natsPort, monitorPort, pgPort] = [await freePort(), await freePort(), await freePort()];
  const { logger, lines } = capturingLogger();
  exporter = new TelemetryExporter({
    config: exampleConfig(),
    registry: new Registry(),
    logger,
    natsUrl: `nats://bob:${SECRETS[0]}@127.0.0.1:${natsPort}`,
    natsMonitorUrl: `http://bob:${SECRETS[1]}@127.0.0.1:${monitorPort}`,
    databaseUrl: `postgres://bob:${SECRETS[2]}@127.0.0.1:${pgPort}/swarm`,
    subjectPrefix: uniquePrefix('redact'),
    probeIntervalMs: 60_000,
  });

  await exporter.start();
  await exporter.probes.runAll();
  const failed = lines.filter((line) => line.includes('"probe failed"'));
  const natsLines = lines.filter((line) => line.includes('"nats unreachable, retrying"'));

  expect(failed.length).toBeGreaterThanOrEqual(3);
  expect(natsLines).toHaveLength(1);
  expect(natsLines[0]).toContain(`nats://[redacted]@127.0.0.1:${natsPort}`);
  expect(failed.join('')).toContain(`http://[redacted]@127.0.0.1:${monitorPort}/varz`);
  expect(failed.join('')).toContain(`postgres://[redacted]@127.0.0.1:${pgPort}/swarm`);
  for (const secret of SECRETS) {
    expect(lines.filter((line) => line.includes(secret))).toEqual([]);
  }
});

test('nats connected line has no password', async () => {
  const port = await freePort();
  const { logger, lines } = capturingLogger();
  exporter = new TelemetryExporter({
    config: exampleConfig(),
    registry: new Registry(),
    logger,
    natsUrl: `nats://bob:${SECRETS[0]}@127.0.0.1:${port}`,
    subjectPrefix: uniquePrefix('redact'),
    probeIntervalMs: 60_000,
  });

  await exporter.start();
  server = await startNatsServer(port);
  await waitFor('nats connected', () => lines.some((line) => line.includes('"nats connected"')));
  const connected = lines.find((line) => line.includes('"nats connected"')) ?? '';

  expect(connected).toContain(`nats://[redacted]@127.0.0.1:${port}`);
  expect(lines.filter((line) => line.includes(SECRETS[0]))).toEqual([]);
}, 20_000);
