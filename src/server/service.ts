/**
 * Starts the whole service in one process: exporter, scaler with its store, pool driver and the
 * HTTP server, and stops them in reverse order.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { collectDefaultMetrics, Registry } from 'prom-client';

import type { SwarmConfig } from '../config/model';
import { createExporter, type Exporter } from '../exporter';
import type { Logger } from '../log';
import { createDriver } from '../pool';
import type { PoolDriver } from '../pool/driver';
import { createScaler, type ScalerService } from '../scaler';
import { createApp } from './app';
import { isLoopbackHost, SettingsError, type ServiceSettings } from './settings';

const NAMING_VIOLATIONS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** A running service. */
export interface RunningService {
  /** Port the HTTP server listens on (useful with port 0). */
  port: number;
  registry: Registry;
  stop(): Promise<void>;
}

/** Starts every part; resolves once the HTTP server listens. */
export async function startService(
  config: SwarmConfig,
  settings: ServiceSettings,
  logger: Logger,
): Promise<RunningService> {
  if (!settings.databaseUrl && settings.dataDir) mkdirSync(settings.dataDir, { recursive: true });
  if (!settings.auth && !isLoopbackHost(settings.host)) {
    logger.warn(
      { host: settings.host },
      'webhook and admin API accept requests without credentials: set SWARM_WEBHOOK_TOKEN',
    );
  }

  const registry = new Registry();
  // Unprefixed, as Prometheus's own client libraries name them: process_cpu_seconds_total and so on.
  collectDefaultMetrics({ register: registry });
  // prom-client 15 names three gauges with a `_total` suffix, which `promtool check metrics`
  // reports as a naming error; nodejs_active_handles and friends carry the same data by type.
  for (const name of NAMING_VIOLATIONS) registry.removeSingleMetric(name);

  // Parts started so far, stopped in reverse order if a later step fails.
  const started: { name: string; stop: () => Promise<void> }[] = [];
  try {
    return await startParts(config, settings, logger, registry, started);
  } catch (err) {
    for (const part of started.reverse()) {
      await part.stop().catch((stopErr: unknown) => {
        logger.error({ err: stopErr, part: part.name }, 'stop after a failed start failed');
      });
    }
    throw err;
  }
}

async function startParts(
  config: SwarmConfig,
  settings: ServiceSettings,
  logger: Logger,
  registry: Registry,
  started: { name: string; stop: () => Promise<void> }[],
): Promise<RunningService> {
  const driver: PoolDriver = createDriver(config, {
    logger,
    registry,
    natsUrl: settings.natsUrl,
    env: settings.env,
  });
  await driver.start();
  started.push({ name: 'driver', stop: () => driver.stop() });

  const scaler: ScalerService = await createScaler({
    config,
    registry,
    logger: logger.child({ component: 'scaler' }),
    driver,
    databaseUrl: settings.databaseUrl,
    dataDir: settings.dataDir,
    alertmanagerUrl: settings.alertmanagerUrl,
    auth: settings.auth,
    dryRun: settings.dryRun,
  });
  started.push({ name: 'scaler', stop: () => scaler.stop() });

  const exporter: Exporter = createExporter({
    config,
    registry,
    logger: logger.child({ component: 'exporter' }),
    natsUrl: settings.natsUrl,
    subjectPrefix: settings.telemetryPrefix,
    queueGroup: settings.queueGroup,
    natsMonitorUrl: settings.natsMonitorUrl,
    databaseUrl: settings.probeDatabaseUrl,
  });

  const app = createApp({
    registry,
    logger,
    scalerRouter: scaler.router,
    isReady: () => scaler.isReady(),
  });
  const server = await listen(app, settings.host, settings.port);
  started.push({ name: 'http server', stop: () => closeServer(server) });
  const port = (server.address() as AddressInfo).port;
  const store = settings.databaseUrl ? 'postgresql' : 'pglite';
  logger.info({ host: settings.host, port, store }, 'http server listening');

  await scaler.start();
  started.push({ name: 'exporter', stop: () => exporter.stop() });
  await exporter.start();
  logger.info({ driver: driver.kind, config: config.source.file }, 'service started');

  return {
    port,
    registry,
    async stop() {
      logger.info('service stopping');
      await closeServer(server);
      await exporter.stop();
      await scaler.stop();
      await driver.stop();
      logger.info('service stopped');
    },
  };
}

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new SettingsError(`port ${port} on ${host} is already in use: pick another with --port or PORT`, {
            cause: err,
          }),
        );
        return;
      }
      reject(err);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
