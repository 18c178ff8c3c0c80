/** `swarm-scaler pause`: stops automatic scaling on a running service; alerts are still recorded. */
import type { Command } from 'commander';

import { AdminClient, DEFAULT_ADMIN_URL, formatPoolLine, type PoolSummary } from '../admin-client';
import { EXIT, type CliIo } from '../io';
import type { RegisterCommand } from './index';

export const registerPause: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('pause')
    .description('pause automatic scaling on a running scaler (alerts are still recorded)')
    .option('--url <url>', 'admin API of the running service', DEFAULT_ADMIN_URL)
    .action(async (options: { url: string }) => {
      const pool = await new AdminClient(options.url, io.env).post<PoolSummary>('/api/v1/pause');
      io.stdout(`paused: ${formatPoolLine(pool)}\n`);
      setExit(EXIT.ok);
    });
};
