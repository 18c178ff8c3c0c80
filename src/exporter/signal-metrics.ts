/**
 * Registers every catalogue signal the exporter owns (all but the pool's `swarm_agents`) on a
 * prom-client Registry: counters and histograms fed by events, gauges read from snapshots.
 */
import { Gauge, type Registry } from 'prom-client';

import { SIGNALS, type Signal } from '../catalog/signals';
import { registerCustomMetric } from './metrics/custom-metric';
import { FastCounter } from './metrics/fast-counter';
import { FastHistogram } from './metrics/fast-histogram';
import { boundedValues, labelCombinations } from './labels';
import type { SnapshotStore } from './snapshot-store';

/** Signals the exporter publishes; `swarm_agents` belongs to the scaler. */
export function exporterSignals(): Signal[] {
  return SIGNALS.filter((signal) => signal.source !== 'pool');
}

export interface SignalMetricsOptions {
  registry: Registry;
  store: SnapshotStore;
  signals?: readonly Signal[];
  /** Values a gauge shows, by label value, while no live source reports that gauge. */
  gaugeFallbacks?: Map<string, Map<string, number>>;
}

/** The exporter's catalogue metrics, by metric name. */
export class SignalMetrics {
  readonly counters = new Map<string, FastCounter>();
  readonly histograms = new Map<string, FastHistogram>();
  readonly gauges = new Map<string, Gauge>();

  constructor(private readonly options: SignalMetricsOptions) {
    for (const signal of options.signals ?? exporterSignals()) this.register(signal);
  }

  /** Returns the counter of a catalogue metric; throws when the catalogue lacks it. */
  counter(metric: string): FastCounter {
    const counter = this.counters.get(metric);
    if (!counter) throw new Error(`counter ${metric} is not in the signal catalogue`);
    return counter;
  }

  /** Returns the histogram of a catalogue metric; throws when the catalogue lacks it. */
  histogram(metric: string): FastHistogram {
    const histogram = this.histograms.get(metric);
    if (!histogram) throw new Error(`histogram ${metric} is not in the signal catalogue`);
    return histogram;
  }

  private register(signal: Signal): void {
    const labelNames = signal.labels.map((label) => label.name);
    if (signal.type === 'gauge') {
      this.gauges.set(signal.metric, this.snapshotGauge(signal, labelNames));
      return;
    }
    const metric =
      signal.type === 'counter'
        ? new FastCounter(signal.metric, signal.help, labelNames)
        : new FastHistogram(signal.metric, signal.help, labelNames, signal.buckets ?? []);
    // Every allowed label set exists from the start (at 0), so rate() has a baseline and a
    // later event never adds a series.
    for (const labels of labelCombinations(signal.labels)) metric.cell(labels);
    registerCustomMetric(this.options.registry, metric);
    if (metric instanceof FastCounter) this.counters.set(signal.metric, metric);
    else this.histograms.set(signal.metric, metric);
  }

  private snapshotGauge(signal: Signal, labelNames: string[]): Gauge {
    const { store, gaugeFallbacks } = this.options;
    const labelName = labelNames[0];
    // Once any source reports a labelled gauge, every allowed label value is exported (0 where
    // no source gave one), so the series set never depends on what the sources send.
    const allValues = signal.labels[0] ? boundedValues(signal.labels[0]) : [''];
    return new Gauge({
      name: signal.metric,
      help: signal.help,
      labelNames,
      registers: [this.options.registry],
      collect() {
        this.reset();
        let values = store.aggregate(signal.metric);
        if (values.size === 0) values = gaugeFallbacks?.get(signal.metric) ?? values;
        if (values.size === 0) return;
        for (const labelValue of allValues) {
          const value = values.get(labelValue) ?? 0;
          if (labelName) this.set({ [labelName]: labelValue }, value);
          else this.set(value);
        }
      },
    });
  }
}
