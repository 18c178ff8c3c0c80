/**
 * A histogram whose series are resolved once into cells, so that an observation on the ingest
 * path is a bucket search and three field updates, with no label hashing or allocation.
 *
 * prom-client's Registry renders it exactly as it renders a prom-client Histogram with the same
 * buckets: `le` first, then the series labels.
 */
import type { CustomMetric, RenderedMetric, RenderedValue } from './custom-metric';
import { seriesKey, type LabelValues } from './fast-counter';

/** One series of a FastHistogram. */
export class HistogramCell {
  /** Observations per bucket, not cumulative; the last slot is above the highest bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: LabelValues,
    private readonly bounds: Float64Array,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one observation. */
  observe(value: number): void {
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > bounds[index]) index++;
    this.counts[index]++;
    this.sum += value;
    this.count++;
  }
}

/** A histogram with pre-resolved series. */
export class FastHistogram implements CustomMetric {
  readonly type = 'histogram';
  private readonly bounds: Float64Array;
  private readonly cells = new Map<string, HistogramCell>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    buckets: readonly number[],
  ) {
    this.bounds = Float64Array.from([...buckets].sort((a, b) => a - b));
  }

  /** Returns the cell of a label set, creating its series (empty) on first use. */
  cell(labels: LabelValues = {}): HistogramCell {
    const key = seriesKey(this.labelNames, labels);
    let cell = this.cells.get(key);
    if (!cell) {
      cell = new HistogramCell({ ...labels }, this.bounds);
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** Number of label sets (each renders as buckets + 3 samples). */
  get seriesCount(): number {
    return this.cells.size;
  }

  /** Returns the samples with each sample's labels merged, as prom-client's `get()` does. */
  async get(): Promise<RenderedMetric> {
    const metric = await this.getForPromString();
    for (const value of metric.values) {
      value.labels = { ...value.labels, ...value.sharedLabels };
      delete value.sharedLabels;
    }
    return metric;
  }

  /** Returns the samples in the form prom-client's Registry renders into text. */
  async getForPromString(): Promise<RenderedMetric> {
    const values: RenderedValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const cell of this.cells.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += cell.counts[i];
        const labels = { le: this.bounds[i] };
        values.push({
          labels,
          sharedLabels: cell.labels,
          value: cumulative,
          metricName: bucketName,
        });
      }
      const inf = { labels: { le: '+Inf' }, sharedLabels: cell.labels, value: cell.count };
      values.push({ ...inf, metricName: bucketName });
      values.push({
        labels: {},
        sharedLabels: cell.labels,
        value: cell.sum,
        metricName: `${this.name}_sum`,
      });
      values.push({
        labels: {},
        sharedLabels: cell.labels,
        value: cell.count,
        metricName: `${this.name}_count`,
      });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values };
  }

  /** Empties every series and keeps them. */
  reset(): void {
    for (const cell of this.cells.values()) {
      cell.counts.fill(0);
      cell.sum = 0;
      cell.count = 0;
    }
  }
}
