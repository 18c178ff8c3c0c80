/** FastCounter and FastHistogram render exactly as prom-client's own Counter and Histogram. */
import { Counter, Histogram, Registry } from 'prom-client';

import { registerCustomMetric } from '../../src/exporter/metrics/custom-metric';
import { FastCounter } from '../../src/exporter/metrics/fast-counter';
import { FastHistogram } from '../../src/exporter/metrics/fast-histogram';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS = [0, 0.0005, 0.001, 0.002, 0.05, 0.1, 0.7, 3, 12];

describe('fast metrics', () => {
  test('histogram text equals prom-client', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new FastHistogram('latency_seconds', 'Latency.', ['pool'], BUCKETS);
    registerCustomMetric(ours, fast);
    const reference = new Histogram({
      name: 'latency_seconds',
      help: 'Latency.',
      labelNames: ['pool'],
      buckets: BUCKETS,
      registers: [theirs],
    });
    for (const pool of ['a', 'b']) {
      const cell = fast.cell({ pool });
      for (const value of OBSERVATIONS) {
        cell.observe(value);
        reference.observe({ pool }, value);
      }
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    // prom-client adds `exemplar` fields even with exemplars off; the rest must match.
    const withoutExemplars = JSON.parse(
      JSON.stringify(await theirs.getMetricsAsJSON(), (key, value) =>
        key === 'exemplar' ? undefined : value,
      ),
    );
    expect(await ours.getMetricsAsJSON()).toEqual(withoutExemplars);
  });

  test('unlabelled histogram text equals prom-client', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new FastHistogram('init_seconds', 'Init.', [], BUCKETS);
    registerCustomMetric(ours, fast);
    const reference = new Histogram({
      name: 'init_seconds',
      help: 'Init.',
      buckets: BUCKETS,
      registers: [theirs],
    });
    for (const value of OBSERVATIONS) {
      fast.cell().observe(value);
      reference.observe(value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  test('counter text equals prom-client', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new FastCounter('queries_total', 'Queries.', ['pool']);
    registerCustomMetric(ours, fast);
    const reference = new Counter({
      name: 'queries_total',
      help: 'Queries.',
      labelNames: ['pool'],
      registers: [theirs],
    });
    fast.cell({ pool: 'a' }).inc(3);
    fast.cell({ pool: 'b' }).inc();
    reference.inc({ pool: 'a' }, 3);
    reference.inc({ pool: 'b' });
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  test('reset keeps series at zero', async () => {
    const fast = new FastCounter('queries_total', 'Queries.', ['pool']);
    fast.cell({ pool: 'a' }).inc(5);
    fast.reset();
    expect((await fast.get()).values).toEqual([{ labels: { pool: 'a' }, value: 0 }]);
  });
});
