/** `swarm-scaler decisions`: prints the decision log of a running service, newest first. */
import type { Command } from 'commander';

import { AdminClient, DEFAULT_ADMIN_URL } from '../admin-client';
import { EXIT, type CliIo } from '../io';
import type { RegisterCommand } from './index';

interface DecisionsOptions {
  rule?: string;
  limit: string;
  cursor?: string;
  json?: boolean;
  url: string;
}

interface DecisionEntry {
  id: number;
  at: number;
  rule: string;
  action: string;
  outcome: string;
  reason?: string;
  agentId?: string;
  role?: string;
  dueAt?: number;
}

export const registerDecisions: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('decisions')
    .description('print the decision log of a running scaler, newest first')
    .option('--rule <rule>', 'only decisions of this rule or trigger, such as cpu_scaling')
    .option('--limit <n>', 'number of entries (1-500)', '50')
    .option('--cursor <id>', 'continue below this decision id (printed as "next cursor")')
    .option('--json', 'print the raw JSON page')
    .option('--url <url>', 'admin API of the running service', DEFAULT_ADMIN_URL)
    .action(async (options: DecisionsOptions) => {
      const page = await new AdminClient(options.url, io.env).get<{
        decisions: DecisionEntry[];
        nextCursor: number | null;
      }>('/api/v1/decisions', { rule: options.rule, limit: options.limit, cursor: options.cursor });
      if (options.json) io.stdout(`${JSON.stringify(page, null, 2)}\n`);
      else {
        for (const entry of page.decisions) io.stdout(`${formatDecision(entry)}\n`);
        if (page.nextCursor !== null) io.stdout(`next cursor: ${page.nextCursor}\n`);
      }
      setExit(EXIT.ok);
    });
};

/** Formats one decision as a line: time, rule, action and outcome, then the details that are set. */
export function formatDecision(entry: DecisionEntry): string {
  const details = [
    entry.reason ? `reason=${entry.reason}` : '',
    entry.role ? `role=${entry.role}` : '',
    entry.agentId ? `agent=${entry.agentId}` : '',
    entry.dueAt ? `due=${new Date(entry.dueAt).toISOString()}` : '',
  ].filter(Boolean);
  return [
    new Date(entry.at).toISOString(),
    `#${entry.id}`,
    entry.rule,
    entry.action,
    entry.outcome,
    ...details,
  ].join(' ');
}
