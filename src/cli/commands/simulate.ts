/**
 * `swarm-scaler simulate`: publishes framework telemetry shaped from the config's thresholds, so
 * that the exporter, the rules and the dashboards can be watched on a stack without a framework.
 */
import path from 'node:path';

import type { Command } from 'commander';

import { loadConfig } from '../../config/load';
import { parseDuration, QuantityError } from '../../config/quantity';
import { createLogger } from '../../log';
import { LoadPlanError, runSimulation, type Shape } from '../../simulate';
import { DEFAULT_SUBJECT_PREFIX } from '../../telemetry/subjects';
import { DEFAULT_CONFIG } from '../defaults';
import { EXIT, type CliIo } from '../io';
import type { RegisterCommand } from './index';

interface SimulateFlags {
  config: string;
  nats?: string;
  subjectPrefix: string;
  rate: string;
  shape: string;
  steady: string;
  surge: string;
  calm: string;
  duration?: string;
  batch: string;
  loop?: boolean;
  lifecycle?: boolean;
}

const SHAPES: readonly Shape[] = ['steady', 'surge', 'calm', 'scenario'];

/** Raised for a flag value the simulator cannot use. */
class SimulateUsageError extends Error {
  override name = 'SimulateUsageError';
  readonly code = 'SIMULATE_USAGE';
}

function readPositive(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new SimulateUsageError(`invalid ${flag} "${value}": expected a positive number`);
  }
  return number;
}

function readSeconds(flag: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    if (err instanceof QuantityError) {
      throw new SimulateUsageError(`invalid ${flag} "${value}": ${err.message}`, { cause: err });
    }
    throw err;
  }
}

function readShape(value: string): Shape {
  if ((SHAPES as readonly string[]).includes(value)) return value as Shape;
  throw new SimulateUsageError(`invalid --shape "${value}": expected one of ${SHAPES.join(', ')}`);
}

/** Registers the `simulate` verb. */
export const registerSimulate: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('simulate')
    .description('publish simulated framework telemetry: steady load, an actor surge, calm')
    .option('-c, --config <file>', 'swarm YAML or Markdown document', DEFAULT_CONFIG)
    .option('--nats <url>', 'NATS server (env NATS_URL, default nats://127.0.0.1:4222)')
    .option('--subject-prefix <prefix>', 'telemetry subject prefix', DEFAULT_SUBJECT_PREFIX)
    .option(
      '--rate <events-per-second>',
      'events per second in total; rates fixed by thresholds (queries, NATS messages) come first',
      '100',
    )
    .option('--shape <shape>', `load shape: ${SHAPES.join(', ')}`, 'scenario')
    .option('--steady <duration>', 'length of the steady phase of the scenario', '60s')
    .option('--surge <duration>', 'length of the actor surge of the scenario', '60s')
    .option('--calm <duration>', 'length of the calm phase of the scenario', '60s')
    .option(
      '--duration <duration>',
      'run time of a single-phase shape (default: until interrupted)',
    )
    .option('--batch <events>', 'events per NATS message', '50')
    .option('--loop', 'repeat the scenario until interrupted')
    .option(
      '--lifecycle',
      'send SystemCore start-up events first; they fire the auto_spawn_on event alerts',
    )
    .action(async (flags: SimulateFlags) => {
      const { config } = loadConfig(path.resolve(io.cwd, flags.config));
      const logger = createLogger({ name: 'swarm-simulate' });
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop).once('SIGTERM', stop);
      try {
        const summary = await runSimulation(
          {
            config,
            natsUrl: flags.nats ?? io.env.NATS_URL ?? 'nats://127.0.0.1:4222',
            subjectPrefix: flags.subjectPrefix,
            ratePerSecond: readPositive('--rate', flags.rate),
            shape: readShape(flags.shape),
            phaseSeconds: {
              steady: readSeconds('--steady', flags.steady),
              surge: readSeconds('--surge', flags.surge),
              calm: readSeconds('--calm', flags.calm),
            },
            durationSeconds:
              flags.duration === undefined ? undefined : readSeconds('--duration', flags.duration),
            batch: Math.floor(readPositive('--batch', flags.batch)),
            loop: flags.loop ?? false,
            lifecycleEvents: flags.lifecycle ?? false,
            logger,
          },
          { signal: controller.signal },
        );
        io.stdout(
          `published ${summary.events} events and ${summary.snapshots} snapshots ` +
            `(${summary.phases.join(', ')})\n`,
        );
        setExit(EXIT.ok);
      } catch (err) {
        if (!(err instanceof SimulateUsageError || err instanceof LoadPlanError)) throw err;
        io.stderr(`swarm-scaler simulate: ${err.message}\n`);
        setExit(err instanceof SimulateUsageError ? EXIT.usage : EXIT.invalidConfig);
      } finally {
        process.off('SIGINT', stop).off('SIGTERM', stop);
      }
    });
};
