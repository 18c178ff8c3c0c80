/** `swarm-scaler resume`: lifts a pause and a pinned target, so alerts drive the pool again. */
import type { Command } from 'commander';

import { AdminClient, DEFAULT_ADMIN_URL, formatPoolLine, type PoolSummary } from '../admin-client';
import { EXIT, type CliIo } from '../io';
import type { RegisterCommand } from './index';

export const registerResume: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('resume')
    .description('resume automatic scaling on a running scaler; also releases a pinned target')
    .option('--url <url>', 'admin API of the running service', DEFAULT_ADMIN_URL)
    .action(async (options: { url: string }) => {
      const pool = await new AdminClient(options.url, io.env).post<PoolSummary>('/api/v1/resume');
      io.stdout(`resumed: ${formatPoolLine(pool)}\n`);
      setExit(EXIT.ok);
    });
};
