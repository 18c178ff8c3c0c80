/**
 * A metric whose series are the last fresh samples of a probe. The scrape only reads this
 * cache; it never waits for a probe.
 */
import type { CustomMetric, RenderedMetric } from '../metrics/custom-metric';
import type { ProbeMetricSpec, ProbeSample } from './probe';

/** Renders the cached samples of one probe metric. */
export class ProbeMetric implements CustomMetric {
  private samples: ProbeSample[] = [];

  constructor(
    private readonly spec: ProbeMetricSpec,
    private readonly isFresh: () => boolean,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  /** Replaces the cached samples. */
  replace(samples: ProbeSample[]): void {
    this.samples = samples;
  }

  /** Returns the cached samples, or none once they are stale. */
  async get(): Promise<RenderedMetric> {
    const samples = this.isFresh() ? this.samples : [];
    return {
      name: this.spec.name,
      help: this.spec.help,
      type: this.spec.type,
      aggregator: 'sum',
      values: samples.map((sample) => ({ labels: sample.labels ?? {}, value: sample.value })),
    };
  }

  /** Drops the cached samples. */
  reset(): void {
    this.samples = [];
  }
}
