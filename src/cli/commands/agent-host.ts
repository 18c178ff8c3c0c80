/**
 * `swarm-scaler agent-host`: serves spawn requests of the NATS pool driver and runs the agents in
 * this process, with heartbeats, until SIGINT or SIGTERM.
 */
import type { Command } from 'commander';

import { parseDuration, QuantityError } from '../../config/quantity';
import { createLogger } from '../../log';
import { AgentHost } from '../../pool/agent-host';
import { DEFAULT_NATS_URL } from '../../pool/nats';
import { DEFAULT_SUBJECT_ROOT } from '../../pool/nats-protocol';
import { EXIT, type CliIo } from '../io';
import type { RegisterCommand } from './index';

interface AgentHostFlags {
  nats?: string;
  subjectRoot?: string;
  spawnSubject?: string;
  heartbeatInterval: string;
  startDelay: string;
  capacity?: string;
  hostId?: string;
}

/** Registers the `agent-host` verb. */
export const registerAgentHost: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('agent-host')
    .description(
      'run agents for the NATS pool driver: answer spawns, publish heartbeats, retire on command',
    )
    .option('--nats <url>', `NATS server (env NATS_URL, default ${DEFAULT_NATS_URL})`)
    .option(
      '--subject-root <root>',
      `root of the agent subjects (env SWARM_DRIVER_SUBJECT_ROOT, default ${DEFAULT_SUBJECT_ROOT})`,
    )
    .option(
      '--spawn-subject <subject>',
      'subject of spawn requests (env SWARM_DRIVER_SPAWN_SUBJECT, default <root>.spawn)',
    )
    .option('--heartbeat-interval <duration>', 'time between two heartbeats of an agent', '2s')
    .option('--start-delay <duration>', 'time an agent takes to become ready after a spawn', '0s')
    .option('--capacity <count>', 'agents this host runs at once (default: unbounded)')
    .option(
      '--host-id <name>',
      'name of this host in replies and events (default <hostname>-<pid>)',
    )
    .action(async (flags: AgentHostFlags) => {
      const logger = createLogger({ name: 'swarm-agent-host' });
      const host = new AgentHost({
        url: flags.nats ?? io.env.NATS_URL ?? DEFAULT_NATS_URL,
        subjectRoot: flags.subjectRoot ?? io.env.SWARM_DRIVER_SUBJECT_ROOT ?? DEFAULT_SUBJECT_ROOT,
        spawnSubject: flags.spawnSubject ?? (io.env.SWARM_DRIVER_SPAWN_SUBJECT || undefined),
        heartbeatIntervalMs: readDurationMs('--heartbeat-interval', flags.heartbeatInterval),
        startDelayMs: readDurationMs('--start-delay', flags.startDelay),
        capacity:
          flags.capacity === undefined ? undefined : readCount('--capacity', flags.capacity),
        hostId: flags.hostId,
        logger,
      });
      await host.start();
      io.stdout(`agent host ${host.hostId} serving ${host.subjects.spawn}\n`);

      const reason = await Promise.race([
        waitForSignal(),
        host.closed().then(() => 'closed' as const),
      ]);
      logger.info({ reason }, 'agent host stopping');
      await host.stop();
      setExit(reason === 'closed' ? EXIT.failure : EXIT.ok);
    });
};

function readDurationMs(flag: string, value: string): number {
  try {
    return parseDuration(value) * 1000;
  } catch (err) {
    const detail = err instanceof QuantityError ? err.message : String(err);
    throw new Error(`invalid ${flag}: ${detail}`, { cause: err });
  }
}

function readCount(flag: string, value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`invalid ${flag} "${value}": expected a whole number of agents >= 1`);
  }
  return count;
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
