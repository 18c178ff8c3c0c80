/**
 * Runs probes in the background, each on an interval and within a deadline, and keeps their last
 * samples for the scrape. A failed run drops that probe's samples and sets its `up` to 0;
 * samples older than `staleAfterMs` are dropped even if no run has failed since.
 */
import { Gauge, type Registry } from 'prom-client';

import type { Logger } from '../../log';
import { registerCustomMetric } from '../metrics/custom-metric';
import { ProbeError, type Probe, type ProbeSample } from './probe';
import { ProbeMetric } from './probe-metric';

export interface ProbeRunnerOptions {
  registry: Registry;
  logger: Logger;
  intervalMs: number;
  timeoutMs: number;
  /** Samples older than this are not exported; default three intervals. */
  staleAfterMs?: number;
}

interface ProbeState {
  probe: Probe;
  metrics: Map<string, ProbeMetric>;
  lastSuccessMs: number;
  /** The run in progress, if any. */
  inFlight?: Promise<void>;
  lastError?: string;
  timer?: NodeJS.Timeout;
}

/** Raised when a probe run passes its deadline. */
class ProbeTimeoutError extends Error {
  override name = 'ProbeTimeoutError';
  readonly code = 'PROBE_TIMEOUT';
}

/** Schedules probes and exports `swarm_exporter_probe_up` and `_duration_seconds`. */
export class ProbeRunner {
  private readonly states: ProbeState[] = [];
  private readonly up: Gauge;
  private readonly duration: Gauge;
  private stopped = false;

  constructor(private readonly options: ProbeRunnerOptions) {
    const registers = [options.registry];
    this.up = new Gauge({
      name: 'swarm_exporter_probe_up',
      help: '1 when the last run of a probe succeeded within its deadline, else 0.',
      labelNames: ['probe'],
      registers,
    });
    this.duration = new Gauge({
      name: 'swarm_exporter_probe_duration_seconds',
      help: 'Duration of the last run of a probe.',
      labelNames: ['probe'],
      registers,
    });
  }

  /** Names of the registered probes. */
  get names(): string[] {
    return this.states.map((state) => state.probe.name);
  }

  /** Registers a probe's metrics; it runs once `start()` is called. */
  add(probe: Probe): void {
    const staleAfterMs = this.options.staleAfterMs ?? this.options.intervalMs * 3;
    const state: ProbeState = { probe, metrics: new Map(), lastSuccessMs: 0 };
    const isFresh = (): boolean => Date.now() - state.lastSuccessMs <= staleAfterMs;
    for (const spec of probe.metrics) {
      const metric = new ProbeMetric(spec, isFresh);
      registerCustomMetric(this.options.registry, metric);
      state.metrics.set(spec.name, metric);
    }
    this.up.set({ probe: probe.name }, 0);
    this.states.push(state);
  }

  /** Runs every probe now and then on its interval; does not wait for the runs. */
  start(): void {
    for (const state of this.states) {
      void this.runOnce(state);
      state.timer = setInterval(() => void this.runOnce(state), this.options.intervalMs);
      state.timer.unref();
    }
  }

  /** Runs every probe once (or joins the run in progress) and waits for all of them. */
  async runAll(): Promise<void> {
    await Promise.all(this.states.map((state) => this.runOnce(state)));
  }

  /** Stops the timers and closes the probes. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const state of this.states) clearInterval(state.timer);
    await Promise.all(this.states.map((state) => state.probe.close?.()));
  }

  private runOnce(state: ProbeState): Promise<void> {
    if (this.stopped) return Promise.resolve();
    state.inFlight ??= this.run(state).finally(() => {
      state.inFlight = undefined;
    });
    return state.inFlight;
  }

  private async run(state: ProbeState): Promise<void> {
    const startedMs = Date.now();
    const name = state.probe.name;
    try {
      const samples = await this.collectWithDeadline(state.probe);
      this.store(state, samples);
      state.lastSuccessMs = Date.now();
      this.up.set({ probe: name }, 1);
      if (state.lastError) this.options.logger.info({ probe: name }, 'probe recovered');
      state.lastError = undefined;
    } catch (err) {
      for (const metric of state.metrics.values()) metric.reset();
      this.up.set({ probe: name }, 0);
      const message = err instanceof Error ? err.message : String(err);
      // Warn when the failure changes, not on every interval.
      if (err instanceof ProbeError && err.code === 'PROBE_NOT_READY') {
        this.options.logger.debug({ probe: name, err }, 'probe not ready');
      } else if (message !== state.lastError) {
        this.options.logger.warn({ probe: name, err }, 'probe failed');
      }
      state.lastError = message;
    } finally {
      this.duration.set({ probe: name }, (Date.now() - startedMs) / 1000);
    }
  }

  private async collectWithDeadline(probe: Probe): Promise<ProbeSample[]> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(
          new ProbeTimeoutError(`probe ${probe.name} timed out after ${this.options.timeoutMs} ms`),
        );
      }, this.options.timeoutMs);
    });
    try {
      return await Promise.race([probe.collect(controller.signal), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private store(state: ProbeState, samples: ProbeSample[]): void {
    const byMetric = new Map<string, ProbeSample[]>();
    for (const sample of samples) {
      const list = byMetric.get(sample.metric) ?? [];
      list.push(sample);
      byMetric.set(sample.metric, list);
    }
    for (const [name, metric] of state.metrics) metric.replace(byMetric.get(name) ?? []);
  }
}
