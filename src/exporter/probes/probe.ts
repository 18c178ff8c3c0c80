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

/** Raised when a probe cannot read its source; `retryable` is true when the next run may work. */
export class ProbeError extends Error {
  override name = 'ProbeError';
  readonly code = 'PROBE_FAILED';

  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
