/** `swarm-scaler scale --target N`: pins the pool size on a running service; `--unpin` releases it. */
import type { Command } from 'commander';

import { AdminClient, DEFAULT_ADMIN_URL, formatPoolLine, type PoolSummary } from '../admin-client';
import { EXIT, type CliIo } from '../io';
import type { RegisterCommand } from './index';

interface ScaleOptions {
  target?: string;
  unpin?: boolean;
  url: string;
}

export const registerScale: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('scale')
    .description(
      'pin the pool of a running scaler to a number of agents (within min_agents..max_agents)',
    )
    .option('-t, --target <agents>', 'desired number of agents')
    .option('--unpin', 'release the pin and let alerts drive the pool again')
    .option('--url <url>', 'admin API of the running service', DEFAULT_ADMIN_URL)
    .action(async (options: ScaleOptions) => {
      const target = parseTarget(options);
      if (target === 'invalid') {
        io.stderr(
          'scale: give --target with a whole number of agents, such as --target 30, or --unpin\n',
        );
        setExit(EXIT.usage);
        return;
      }
      const pool = await new AdminClient(options.url, io.env).post<PoolSummary>('/api/v1/scale', {
        target,
      });
      io.stdout(
        `${target === null ? 'unpinned' : `pinned at ${target}`}: ${formatPoolLine(pool)}\n`,
      );
      setExit(EXIT.ok);
    });
};

function parseTarget(options: ScaleOptions): number | null | 'invalid' {
  if (options.unpin) return options.target === undefined ? null : 'invalid';
  if (options.target === undefined || !/^\d+$/.test(options.target)) return 'invalid';
  return Number(options.target);
}
