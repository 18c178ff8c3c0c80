/**
 * `swarm-scaler dry-run on|off`: switches dry-run mode on a running service. In dry-run mode the
 * scaler still decides and logs each decision with outcome `dry_run`, but calls no driver.
 */
import { Argument, type Command } from 'commander';

import { AdminClient, DEFAULT_ADMIN_URL, formatPoolLine, type PoolSummary } from '../admin-client';
import { EXIT, type CliIo } from '../io';
import type { RegisterCommand } from './index';

export const registerDryRun: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('dry-run')
    .description('switch dry-run mode on a running scaler (decide and log, start or stop nothing)')
    .addArgument(new Argument('<mode>', 'on or off').choices(['on', 'off']))
    .option('--url <url>', 'admin API of the running service', DEFAULT_ADMIN_URL)
    .action(async (mode: 'on' | 'off', options: { url: string }) => {
      const enabled = mode === 'on';
      const pool = await new AdminClient(options.url, io.env).post<PoolSummary>('/api/v1/dry-run', {
        enabled,
      });
      io.stdout(`dry run ${mode}: ${formatPoolLine(pool)}\n`);
      setExit(EXIT.ok);
    });
};
