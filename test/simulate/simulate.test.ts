/**
 * The simulator against the exporter on the machine's NATS server: every catalogue signal shows
 * data, the scenario's surge shows on actors_active, and the CLI verb runs and exits.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Registry } from 'prom-client';

import { run } from '../../src/cli/main';
import { TelemetryExporter } from '../../src/exporter';
import { exporterSignals } from '../../src/exporter/signal-metrics';
import { runSimulation } from '../../src/simulate';
import {
  SHARED_NATS_URL,
  exampleConfig,
  silentLogger,
  sumSamples,
  uniquePrefix,
  waitFor,
} from '../exporter/support';

let nc: NatsConnection;
const exporters: TelemetryExporter[] = [];

beforeAll(async () => {
  nc = await connect({ servers: SHARED_NATS_URL });
});

afterAll(async () => {
  await Promise.all(exporters.map((exporter) => exporter.stop()));
  await nc.close();
});

async function startExporter(prefix: string): Promise<Registry> {
  const registry = new Registry();
  const exporter = new TelemetryExporter({
    config: exampleConfig(),
    registry,
    logger: silentLogger(),
    natsUrl: SHARED_NATS_URL,
    subjectPrefix: prefix,
    probeIntervalMs: 60_000,
  });
  await exporter.start();
  exporters.push(exporter);
  return registry;
}

/** Returns the sample sum of a signal, or of its `_count` for histograms; above 0 means data. */
async function signalData(registry: Registry, metric: string, type: string): Promise<number> {
  return sumSamples(registry, type === 'histogram' ? `${metric}_count` : metric);
}

describe('simulate', () => {
  test('steady load shows every catalogue signal', async () => {
    const prefix = uniquePrefix('simulate');
    const registry = await startExporter(prefix);
    const summary = await runSimulation({
      config: exampleConfig(),
      connection: nc,
      subjectPrefix: prefix,
      shape: 'steady',
      durationSeconds: 1.5,
      tickMs: 100,
      lifecycleEvents: true,
    });
    await waitFor(
      'every event counted',
      async () =>
        (await sumSamples(registry, 'swarm_exporter_events_total', {})) - summary.snapshots >=
        summary.events,
    );

    const missing: string[] = [];
    for (const signal of exporterSignals()) {
      if ((await signalData(registry, signal.metric, signal.type)) <= 0)
        missing.push(signal.metric);
    }
    expect(missing).toEqual([]);
    expect(await sumSamples(registry, 'actors_active')).toBeLessThan(10);
    expect(await sumSamples(registry, 'swarm_exporter_events_dropped_total')).toBe(0);
  });

  test('scenario surges actors, then ends', async () => {
    const prefix = uniquePrefix('scenario');
    const registry = await startExporter(prefix);
    const running = runSimulation({
      config: exampleConfig(),
      connection: nc,
      subjectPrefix: prefix,
      shape: 'scenario',
      phaseSeconds: { steady: 0.5, surge: 1, calm: 0.5 },
      tickMs: 100,
    });
    await waitFor(
      'surge of 30 actors',
      async () => (await sumSamples(registry, 'actors_active')) === 30,
    );
    const summary = await running;
    expect(summary.phases).toEqual(['steady', 'surge', 'calm']);
    await waitFor('calm actors', async () => (await sumSamples(registry, 'actors_active')) < 10);
  });

  test('no lifecycle events by default', async () => {
    const prefix = uniquePrefix('quiet');
    const registry = await startExporter(prefix);
    const summary = await runSimulation({
      config: exampleConfig(),
      connection: nc,
      subjectPrefix: prefix,
      shape: 'calm',
      durationSeconds: 0.5,
      tickMs: 100,
    });
    await waitFor(
      'every event counted',
      async () =>
        (await sumSamples(registry, 'swarm_exporter_events_total')) - summary.snapshots >=
        summary.events,
    );
    // Lifecycle events fire the generated auto_spawn_on alerts, which steady load must not do.
    expect(await sumSamples(registry, 'systemcore_lifecycle_events_total')).toBe(0);
    expect(await sumSamples(registry, 'framework_requests_total')).toBeGreaterThan(0);
  });

  test('abort signal ends an endless run', async () => {
    const controller = new AbortController();
    const running = runSimulation(
      {
        config: exampleConfig(),
        connection: nc,
        subjectPrefix: uniquePrefix('abort'),
        shape: 'calm',
        tickMs: 50,
      },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 300);
    const summary = await running;
    expect(summary.phases).toEqual(['calm']);
    expect(summary.events).toBeGreaterThan(0);
  });

  test('cli verb runs a short scenario', async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io = {
      stdout: (t: string) => stdout.push(t),
      stderr: (t: string) => stderr.push(t),
      env: { LOG_LEVEL: 'silent' },
      cwd: `${__dirname}/../..`,
    };
    process.env.LOG_LEVEL = 'silent';
    const code = await run(
      [
        'simulate',
        '--nats',
        SHARED_NATS_URL,
        '--subject-prefix',
        uniquePrefix('cli'),
        '--steady',
        '300ms',
        '--surge',
        '300ms',
        '--calm',
        '300ms',
        '--rate',
        '200',
      ],
      io,
    );
    expect(stderr.join('')).toBe('');
    expect(code).toBe(0);
    expect(stdout.join('')).toMatch(
      /^published \d+ events and \d+ snapshots \(steady, surge, calm\)/,
    );
  });

  test('cli rejects an unknown shape', async () => {
    const stderr: string[] = [];
    const io = {
      stdout: () => undefined,
      stderr: (t: string) => stderr.push(t),
      env: {},
      cwd: `${__dirname}/../..`,
    };
    const code = await run(['simulate', '--shape', 'wave', '--nats', SHARED_NATS_URL], io);
    expect(code).toBe(64);
    expect(stderr.join('')).toMatch(
      /invalid --shape "wave": expected one of steady, surge, calm, scenario/,
    );
  });
});
