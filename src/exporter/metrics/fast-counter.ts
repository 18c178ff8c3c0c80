/**
 * A counter whose series are resolved once into cells, so that an increment on the ingest path
 * is one field update with no label hashing or allocation.
 *
 * prom-client's Registry renders it exactly as it renders a prom-client Counter.
 */
import type { CustomMetric, RenderedMetric, RenderedValue } from './custom-metric';

export type LabelValues = Record<string, string>;

/** One series of a FastCounter. */
export class CounterCell {
  value = 0;

  constructor(readonly labels: LabelValues) {}

  /** Adds `amount` (default 1). */
  inc(amount = 1): void {
    this.value += amount;
  }
}

/** Returns the map key of a label set, in label-name order. */
export function seriesKey(labelNames: readonly string[], labels: LabelValues): string {
  return labelNames.map((name) => labels[name]).join('\u0000');
}

/** A counter with pre-resolved series. */
export class FastCounter implements CustomMetric {
  readonly type = 'counter';
  private readonly cells = new Map<string, CounterCell>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
  ) {}

  /** Returns the cell of a label set, creating its series (at 0) on first use. */
  cell(labels: LabelValues = {}): CounterCell {
    const key = seriesKey(this.labelNames, labels);
    let cell = this.cells.get(key);
    if (!cell) {
      cell = new CounterCell({ ...labels });
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** Number of series. */
  get seriesCount(): number {
    return this.cells.size;
  }

  /** Returns the series in the form prom-client's Registry renders. */
  async get(): Promise<RenderedMetric> {
    const values: RenderedValue[] = [];
    for (const cell of this.cells.values()) values.push({ labels: cell.labels, value: cell.value });
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values };
  }

  /** Sets every series back to 0 and keeps them. */
  reset(): void {
    for (const cell of this.cells.values()) cell.value = 0;
  }
}
