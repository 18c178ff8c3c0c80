/**
 * `swarm-scaler monitor --interval 1s`: shows the live pool and the active triggers of a running
 * service. On a terminal it redraws the screen; otherwise it prints plain blocks of lines, one per
 * interval. `--once` prints one block and exits.
 */
import type { Command } from 'commander';

import { parseDuration } from '../../config/quantity';
import { AdminClient, DEFAULT_ADMIN_URL, formatPoolLine, type PoolSummary } from '../admin-client';
import { EXIT, type CliIo } from '../io';
import type { RegisterCommand } from './index';

interface MonitorOptions {
  interval: string;
  once?: boolean;
  url: string;
}

interface AlertSummary {
  rule: string;
  kind: string;
  direction: string;
  status: string;
  startsAt: string;
  acted: boolean;
  granted: string[];
  lastSkip: string | null;
}

const CLEAR_SCREEN = '\x1b[2J\x1b[H';

export const registerMonitor: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('monitor')
    .description('show the live pool and active triggers of a running scaler')
    .option('-i, --interval <duration>', 'refresh interval, such as 1s or 500ms', '1s')
    .option('--once', 'print one snapshot and exit')
    .option('--url <url>', 'admin API of the running service', DEFAULT_ADMIN_URL)
    .action(async (options: MonitorOptions) => {
      const intervalMs = parseInterval(options.interval);
      if (intervalMs === undefined) {
        io.stderr(
          `monitor: invalid --interval "${options.interval}": give a duration such as 1s, 500ms or 1m\n`,
        );
        setExit(EXIT.usage);
        return;
      }
      const client = new AdminClient(options.url, io.env);
      const isTty = Boolean(process.stdout.isTTY) && io.env.SWARM_SCALER_PLAIN === undefined;
      for (;;) {
        const block = await snapshot(client);
        io.stdout(isTty ? `${CLEAR_SCREEN}${block}` : `${block}\n`);
        if (options.once) break;
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
      setExit(EXIT.ok);
    });
};

function parseInterval(text: string): number | undefined {
  try {
    const seconds = parseDuration(text);
    return seconds > 0 ? seconds * 1000 : undefined;
  } catch {
    return undefined;
  }
}

async function snapshot(client: AdminClient): Promise<string> {
  const pool = await client.get<PoolSummary>('/api/v1/pool');
  const { alerts } = await client.get<{ alerts: AlertSummary[] }>('/api/v1/alerts');
  return formatSnapshot(pool, alerts, new Date());
}

/** Formats one monitor block: the pool line, agents per category, then the active triggers. */
export function formatSnapshot(pool: PoolSummary, alerts: AlertSummary[], at: Date): string {
  const lines = [`${at.toISOString()} ${formatPoolLine(pool)}`];
  for (const [category, count] of Object.entries(pool.byCategory).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    lines.push(`  ${category.padEnd(24)} ${count}`);
  }
  const active = alerts.filter((alert) => alert.kind !== 'watchdog');
  lines.push(active.length === 0 ? 'triggers: none' : 'triggers:');
  for (const alert of active) {
    let effect = 'pending';
    if (alert.acted) effect = `+${alert.granted.length}`;
    else if (alert.lastSkip) effect = `waiting (${alert.lastSkip})`;
    lines.push(
      `  ${alert.rule} ${alert.kind}/${alert.direction} ${alert.status} since ${alert.startsAt} ${effect}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
