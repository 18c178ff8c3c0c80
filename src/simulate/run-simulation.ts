/**
 * Runs the simulator: publishes telemetry for a shape of load until its phases end or the
 * caller aborts. Snapshots come once per second from one source; events come every tick.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';

import type { SwarmConfig } from '../config/model';
import type { Logger } from '../log';
import { TelemetryPublisher } from '../telemetry/publisher';
import { EventMix } from './event-mix';
import { planLoad, type LoadPlan, type Phase } from './load-plan';

export type Shape = Phase | 'scenario';

export interface SimulationOptions {
  config: SwarmConfig;
  /** NATS server URL; ignored when `connection` is given. */
  natsUrl?: string;
  /** An open connection to publish on; the simulator leaves it open. */
  connection?: NatsConnection;
  subjectPrefix?: string;
  /** Events per second in total; default 100. */
  ratePerSecond?: number;
  shape?: Shape;
  /** Seconds of each scenario phase; defaults 60 each. */
  phaseSeconds?: Partial<Record<Phase, number>>;
  /** Seconds to run a single-phase shape; runs until aborted when absent. */
  durationSeconds?: number;
  /** Events per message; default 50. */
  batch?: number;
  /** Repeat the scenario until aborted. */
  loop?: boolean;
  /**
   * Send one `system_initialization` and one `component_registration` event at the start. They
   * fire the generated event alerts (agents spawned on `auto_spawn_on`), so the default is off.
   */
  lifecycleEvents?: boolean;
  /** Snapshot source id; default `simulator-<pid>`. */
  source?: string;
  /** Interval between event ticks, in milliseconds; default 200. */
  tickMs?: number;
  logger?: Logger;
}

/** Counts of what a run published. */
export interface SimulationSummary {
  events: number;
  snapshots: number;
  phases: Phase[];
}

interface PhaseStep {
  phase: Phase;
  seconds: number;
}

/** Returns the phases a shape runs, once; Infinity means until aborted. */
export function phasesOf(options: SimulationOptions): PhaseStep[] {
  const shape = options.shape ?? 'steady';
  if (shape !== 'scenario') return [{ phase: shape, seconds: options.durationSeconds ?? Infinity }];
  const seconds = (phase: Phase): number => options.phaseSeconds?.[phase] ?? 60;
  return (['steady', 'surge', 'calm'] as const).map((phase) => ({
    phase,
    seconds: seconds(phase),
  }));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Publishes simulated telemetry; resolves with what was published. */
export async function runSimulation(
  options: SimulationOptions,
  { signal }: { signal?: AbortSignal } = {},
): Promise<SimulationSummary> {
  const steps = phasesOf(options);
  const plans = new Map(steps.map((step) => [step.phase, planLoad(options.config, step.phase)]));
  const nc =
    options.connection ?? (await connect({ servers: options.natsUrl ?? 'nats://127.0.0.1:4222' }));
  const publisher = new TelemetryPublisher(nc, {
    subjectPrefix: options.subjectPrefix,
    maxBatch: options.batch ?? 50,
  });
  const mix = new EventMix(publisher, options.ratePerSecond ?? 100);
  const summary: SimulationSummary = { events: 0, snapshots: 0, phases: [] };
  if (options.lifecycleEvents) mix.startup();
  const run = { publisher, mix, summary, options, signal };
  try {
    do {
      for (const step of steps) {
        if (signal?.aborted) break;
        summary.phases.push(step.phase);
        options.logger?.info(
          { phase: step.phase, seconds: step.seconds },
          'simulation phase started',
        );
        await runPhase(run, plans.get(step.phase) as LoadPlan, step.seconds);
      }
    } while (options.loop && !signal?.aborted);
    await publisher.flush();
  } finally {
    if (!options.connection) await nc.drain();
  }
  summary.events = publisher.publishedEvents;
  return summary;
}

interface RunState {
  publisher: TelemetryPublisher;
  mix: EventMix;
  summary: SimulationSummary;
  options: SimulationOptions;
  signal?: AbortSignal;
}

async function runPhase(run: RunState, plan: LoadPlan, seconds: number): Promise<void> {
  const tickMs = run.options.tickMs ?? 200;
  const source = run.options.source ?? `simulator-${process.pid}`;
  const endMs = Date.now() + seconds * 1000;
  let lastTickMs = Date.now();
  let lastSnapshotMs = 0;
  while (!run.signal?.aborted && Date.now() < endMs) {
    const now = Date.now();
    if (now - lastSnapshotMs >= 1000) {
      run.publisher.snapshot({ source, ttl_seconds: 5, gauges: plan.gauges });
      run.summary.snapshots++;
      lastSnapshotMs = now;
    }
    run.mix.tick(plan, Math.max(tickMs, now - lastTickMs) / 1000);
    lastTickMs = now;
    await run.publisher.flush();
    await sleep(Math.min(tickMs, Math.max(0, endMs - Date.now())), run.signal);
  }
}
