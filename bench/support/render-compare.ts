/**
 * Times /metrics rendering at 10,000 series: the exporter's own metric kinds (fast counters and
 * histograms, snapshot gauges summed over 10 sources, probe samples) against prom-client's
 * Counter, Histogram and Gauge holding the same series. Both outputs must be identical.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { Signal } from '../../src/catalog/signals';
import { ProbeMetric } from '../../src/exporter/probes/probe-metric';
import { registerCustomMetric } from '../../src/exporter/metrics/custom-metric';
import { SignalMetrics } from '../../src/exporter/signal-metrics';
import { SnapshotStore } from '../../src/exporter/snapshot-store';
import type { BenchEntry } from '../entry';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const COUNTER_SERIES = 3000;
const HISTOGRAM_SETS = 250; // 16 samples each: 4,000
const GAUGE_VALUES = 1999; // plus `other`: 2,000
const PROBE_SERIES = 1000;
const SOURCES = 10;

const ids = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}`);

const SIGNALS: Signal[] = [
  {
    metric: 'bench_events_total',
    type: 'counter',
    help: 'Events.',
    unit: 'short',
    labels: [{ name: 'id', values: ids('c', COUNTER_SERIES - 1) }],
    source: 'event',
    layer: 'runtime',
  },
  {
    metric: 'bench_latency_seconds',
    type: 'histogram',
    help: 'Latency.',
    unit: 's',
    labels: [{ name: 'id', values: ids('h', HISTOGRAM_SETS - 1) }],
    source: 'event',
    layer: 'runtime',
    buckets: BUCKETS,
  },
  {
    metric: 'bench_queue_depth',
    type: 'gauge',
    help: 'Depth.',
    unit: 'short',
    labels: [{ name: 'id', values: ids('g', GAUGE_VALUES) }],
    source: 'snapshot',
    layer: 'runtime',
  },
];

const observation = (i: number): number => ((i * 7919) % 1000) / 400;

function buildOurs(): Registry {
  const registry = new Registry();
  const store = new SnapshotStore({ signals: SIGNALS, defaultTtlSeconds: 3600 });
  const metrics = new SignalMetrics({ registry, store, signals: SIGNALS });
  const counter = metrics.counter('bench_events_total');
  [...ids('c', COUNTER_SERIES - 1), 'other'].forEach((id, i) => counter.cell({ id }).inc(i + 1));
  const histogram = metrics.histogram('bench_latency_seconds');
  for (const id of [...ids('h', HISTOGRAM_SETS - 1), 'other']) {
    for (let i = 0; i < 20; i++) histogram.cell({ id }).observe(observation(i));
  }
  for (let source = 0; source < SOURCES; source++) {
    const values = Object.fromEntries(ids('g', GAUGE_VALUES).map((id, i) => [id, i % 5]));
    store.put({ v: 1, source: `s${source}`, gauges: { bench_queue_depth: values } });
  }
  const probe = new ProbeMetric(
    { name: 'bench_probe_value', help: 'Probe.', type: 'gauge', labelNames: ['id'] },
    () => true,
  );
  probe.replace(
    ids('p', PROBE_SERIES).map((id, i) => ({
      metric: 'bench_probe_value',
      labels: { id },
      value: i,
    })),
  );
  registerCustomMetric(registry, probe);
  return registry;
}

function buildReference(): Registry {
  const registry = new Registry();
  const registers = [registry];
  const counter = new Counter({
    name: 'bench_events_total',
    help: 'Events.',
    labelNames: ['id'],
    registers,
  });
  [...ids('c', COUNTER_SERIES - 1), 'other'].forEach((id, i) => counter.inc({ id }, i + 1));
  const histogram = new Histogram({
    name: 'bench_latency_seconds',
    help: 'Latency.',
    labelNames: ['id'],
    buckets: BUCKETS,
    registers,
  });
  for (const id of [...ids('h', HISTOGRAM_SETS - 1), 'other']) {
    for (let i = 0; i < 20; i++) histogram.observe({ id }, observation(i));
  }
  const gauge = new Gauge({
    name: 'bench_queue_depth',
    help: 'Depth.',
    labelNames: ['id'],
    registers,
  });
  ids('g', GAUGE_VALUES).forEach((id, i) => gauge.set({ id }, (i % 5) * SOURCES));
  gauge.set({ id: 'other' }, 0);
  const probe = new Gauge({
    name: 'bench_probe_value',
    help: 'Probe.',
    labelNames: ['id'],
    registers,
  });
  ids('p', PROBE_SERIES).forEach((id, i) => probe.set({ id }, i));
  return registry;
}

async function timeRender(registry: Registry): Promise<number> {
  const started = performance.now();
  await registry.metrics();
  return performance.now() - started;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Renders both registries 40 times, alternating, and returns the median times. */
export async function compareRender(): Promise<BenchEntry[]> {
  const ours = buildOurs();
  const reference = buildReference();
  const [ourText, referenceText] = [await ours.metrics(), await reference.metrics()];
  if (ourText !== referenceText)
    throw new Error('render benchmark: the two registries do not render the same text');
  const series = ourText.split('\n').filter((line) => line && !line.startsWith('#')).length;
  const ourTimes: number[] = [];
  const referenceTimes: number[] = [];
  for (let i = 0; i < 45; i++) {
    const ourTime = await timeRender(ours);
    const referenceTime = await timeRender(reference);
    if (i < 5) continue; // warm-up
    ourTimes.push(ourTime);
    referenceTimes.push(referenceTime);
  }
  const value = median(ourTimes);
  const baseline = median(referenceTimes);
  return [
    {
      name: `exporter_metrics_render_${series}_series`,
      value: round(value),
      unit: 'ms',
      baseline: round(baseline),
      ratio: round(value / baseline),
    },
  ];
}

const round = (value: number): number => Math.round(value * 1000) / 1000;
