/**
 * The shape prom-client's Registry reads from a metric, and the one cast that lets a metric of
 * ours be registered next to prom-client's own.
 */
import type { Metric, Registry } from 'prom-client';

/** One sample as prom-client's Registry renders it. */
export interface RenderedValue {
  value: number;
  labels: Record<string, string | number>;
  /** Labels rendered after `labels`; prom-client's histograms put series labels here. */
  sharedLabels?: Record<string, string>;
  metricName?: string;
}

/** A metric as prom-client's Registry reads it in `metrics()` and `getMetricsAsJSON()`. */
export interface RenderedMetric {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  aggregator: 'sum';
  values: RenderedValue[];
}

/** A metric that prom-client's Registry can render. */
export interface CustomMetric {
  readonly name: string;
  get(): Promise<RenderedMetric>;
  reset(): void;
}

/**
 * Registers a custom metric. prom-client 15's Registry only reads `name`, `get()` and `reset()`
 * (lib/registry.js), but its typings accept only its own classes, hence the cast.
 */
export function registerCustomMetric(registry: Registry, metric: CustomMetric): void {
  registry.registerMetric(metric as unknown as Metric<string>);
}
