/**
 * `swarm-scaler serve`: runs the exporter, the scaler and the HTTP server in one process until
 * SIGINT or SIGTERM.
 */
import type { Command } from 'commander';

import { DEFAULT_PORT } from '../../catalog/alert-contract';
import { loadConfig } from '../../config/load';
import { createLogger } from '../../log';
import { startService } from '../../server/service';
import { DEFAULT_HOST, resolveSettings } from '../../server/settings';
import { EXIT, type CliIo } from '../io';
import { DEFAULT_CONFIG } from '../defaults';
import type { RegisterCommand } from './index';

interface ServeOptions {
  config: string;
  host?: string;
  port?: string;
  nats?: string;
  databaseUrl?: string;
  dataDir?: string;
  alertmanager?: string;
  dryRun?: boolean;
  strict?: boolean;
}

export const registerServe: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('serve')
    .description('run the exporter, the scaler and the Alertmanager webhook receiver on one port')
    .option('-c, --config <file>', 'swarm YAML or Markdown document', DEFAULT_CONFIG)
    .option('--host <address>', `address to listen on (env HOST, default ${DEFAULT_HOST}; 0.0.0.0 for all)`)
    .option('-p, --port <port>', `HTTP port for /metrics, the webhook and the API (env PORT, default ${DEFAULT_PORT})`)
    .option('--nats <url>', 'NATS server for telemetry (env NATS_URL, default nats://127.0.0.1:4222)')
    .option('--database-url <url>', 'PostgreSQL for the scaler store (env DATABASE_URL); embedded PGlite when unset')
    .option('--data-dir <dir>', 'PGlite data directory when no DATABASE_URL (env SWARM_DATA_DIR, default .data/pglite)')
    .option('--alertmanager <url>', 'Alertmanager base URL for the reconcile loop (env ALERTMANAGER_URL)')
    .option('--dry-run', 'decide and log, but apply nothing to the pool (env SWARM_DRY_RUN=true)')
    .option('--strict', 'accept only spawn names that are defined agent ids')
    .action(async (options: ServeOptions) => {
      const { config, warnings } = loadConfig(options.config, { strict: options.strict });
      const logger = createLogger();
      for (const warning of warnings) logger.warn({ source: warning.source }, warning.message);
      const settings = resolveSettings(
        {
          host: options.host,
          port: options.port,
          natsUrl: options.nats,
          databaseUrl: options.databaseUrl,
          dataDir: options.dataDir,
          alertmanagerUrl: options.alertmanager,
          dryRun: options.dryRun,
        },
        io.env,
      );
      const service = await startService(config, settings, logger);
      await waitForSignal(logger);
      await service.stop();
      setExit(EXIT.ok);
    });
};

function waitForSignal(logger: ReturnType<typeof createLogger>): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutdown requested');
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
