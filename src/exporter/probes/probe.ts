/** The seam every infrastructure probe implements, and the samples it returns. */

/** A metric a probe fills; its series are replaced at each successful probe run. */
export interface ProbeMetricSpec {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  labelNames: readonly string[];
}

/** One value read by a probe. */
export interface ProbeSample {
  metric: string;
  labels?: Record<string, string>;
  value: number;
}

/** A source of infrastructure metrics, read in the background on an interval. */
export interface Probe {
  /** Value of the `probe` label, such as `nats_varz`. */
  readonly name: string;
  readonly metrics: readonly ProbeMetricSpec[];
  /** Reads the current values; must stop work when `signal` aborts. */
  collect(signal: AbortSignal): Promise<ProbeSample[]>;
  /** Releases connections; called once when the exporter stops. */
  close?(): Promise<void>;
}

/**
 * Raised when a probe cannot read its source; `retryable` is true when the next run may work.
 * `PROBE_NOT_READY` means a dependency that is reported elsewhere (the exporter's own NATS
 * connection) is down, so the runner logs it at debug instead of warning twice.
 */
export class ProbeError extends Error {
  override name = 'ProbeError';

  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
    readonly code: 'PROBE_FAILED' | 'PROBE_NOT_READY' = 'PROBE_FAILED',
  ) {
    super(message, options);
  }
}
