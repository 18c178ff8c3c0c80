/**
 * Input series for generated rule tests. For each catalogue measure, a fixture builds series
 * that put the measure on the firing or the quiet side of a threshold. It also returns the value
 * the alert expression has at each evaluation, so that the expected annotations are exact.
 *
 * Counters start at 0, which stops Prometheus from extrapolating a rate or increase back past the
 * first sample. So before the window is full, rate(x[W]) = slope × t / W, and after it, the slope.
 */
import { findSignal } from '../catalog/signals';
import type { Comparison } from '../config/model';
import type { AlertSpec } from './alert-spec';
import { LIFECYCLE_METRIC } from './alert-expr';

/** `firing`: the alert condition holds. `quiet`: it does not. */
export type Side = 'firing' | 'quiet';

export interface InputSeries {
  series: string;
  values: string;
}

/** Series for one test case and the alert expression's value at time `t` seconds. */
export interface Scenario {
  series: InputSeries[];
  valueAt(t: number): number | undefined;
  /** Labels the alert keeps from its input series. */
  labels: Record<string, string>;
}

/** Test timing: evaluation interval and number of samples per series, both in the test's terms. */
export interface Timing {
  intervalSeconds: number;
  samples: number;
}

type Fixture = (
  side: Side,
  op: Comparison,
  threshold: number,
  timing: Timing,
) => Scenario | undefined;

/** Window of the catalogue's rate measures, in seconds. */
const RATE_WINDOW_SECONDS = 60;

const gauge =
  (metric: string, integer: boolean): Fixture =>
  (side, op, threshold, timing) => {
    const value = targetValue(side, op, threshold, integer);
    return constantScenario([{ series: metric, values: steady(value, 0, timing) }], value);
  };

const counterRate =
  (metric: string): Fixture =>
  (side, op, threshold, timing) => {
    const perSecond = targetValue(side, op, threshold, false);
    const series = [
      { series: metric, values: steady(0, perSecond * timing.intervalSeconds, timing) },
    ];
    const valueAt = (t: number) =>
      t === 0 ? undefined : (perSecond * Math.min(t, RATE_WINDOW_SECONDS)) / RATE_WINDOW_SECONDS;
    return { series, valueAt, labels: {} };
  };

const rateRatio =
  (numerator: string, denominator: string): Fixture =>
  (side, op, threshold, timing) => {
    const ratio = targetValue(side, op, threshold, false);
    const perStep = 100 * timing.intervalSeconds;
    const series = [
      { series: numerator, values: steady(0, ratio * perStep, timing) },
      { series: denominator, values: steady(0, perStep, timing) },
    ];
    return { series, valueAt: (t) => (t === 0 ? undefined : ratio), labels: {} };
  };

const gaugeRatio =
  (numerator: string, denominator: string): Fixture =>
  (side, op, threshold, timing) => {
    const ratio = targetValue(side, op, threshold, false);
    const series = [
      { series: numerator, values: steady(ratio * 100, 0, timing) },
      { series: denominator, values: steady(100, 0, timing) },
    ];
    return constantScenario(series, ratio);
  };

/**
 * p99 of a histogram: every observation lands in one bucket (lo, hi], so histogram_quantile
 * returns lo + 0.99 × (hi - lo). Firing above a threshold needs lo ≥ threshold, quiet needs
 * hi ≤ threshold. Returns undefined when the buckets have no such bucket.
 */
const histogramP99 =
  (metric: string): Fixture =>
  (side, op, threshold, timing) => {
    const bounds = findSignal(metric)?.buckets ?? [];
    const wantsAbove = (side === 'firing') === (op === '>' || op === '>=');
    const index = wantsAbove
      ? bounds.findIndex((bound, i) => i > 0 && bounds[i - 1] >= threshold)
      : findLastIndex(bounds, (bound) => bound <= threshold);
    if (index < 0) return undefined;
    const [lower, upper] = [index === 0 ? 0 : bounds[index - 1], bounds[index]];
    const series = [...bounds.map(String), '+Inf'].map((le, i) => ({
      series: `${metric}_bucket{le="${le}"}`,
      values: steady(0, i >= index ? 10 : 0, timing),
    }));
    const quantile = lower + (upper - lower) * 0.99;
    return { series, valueAt: (t) => (t === 0 ? undefined : quantile), labels: {} };
  };

const FIXTURES: Record<string, Fixture> = {
  systemcore_operations: gauge('systemcore_operations_in_flight', true),
  actor_system_load: gauge('actors_active{actor_type="worker"}', true),
  actor_count: gauge('actors_active{actor_type="worker"}', true),
  database_operations: counterRate('pg_queries_total{pool="primary"}'),
  transport_throughput: counterRate('nats_messages_processed_total'),
  nats_throughput: counterRate('nats_messages_processed_total'),
  error_rate: rateRatio('framework_errors_total{kind="actor"}', 'framework_requests_total'),
  database_connections: gaugeRatio(
    'pg_pool_active_connections{pool="primary"}',
    'pg_pool_max_connections{pool="primary"}',
  ),
  cpu_utilization: gauge('framework_cpu_utilization_ratio', false),
  memory_usage: gauge('framework_memory_utilization_ratio', false),
  pending_tasks: gauge('task_queue_depth{priority="normal"}', true),
  response_time: histogramP99('framework_request_duration_seconds'),
  actor_queue_depth: gauge('actor_mailbox_depth{actor_type="worker"}', true),
};

/** Names of the catalogue measures that have a fixture. */
export function fixtureMeasures(): string[] {
  return Object.keys(FIXTURES);
}

/**
 * Builds the scenario of one alert and side, or undefined when no fixture applies: a `query:`
 * override, a measure without fixture, or the watchdog's quiet side, which does not exist.
 */
export function buildScenario(alert: AlertSpec, side: Side, timing: Timing): Scenario | undefined {
  const { condition } = alert;
  if (condition.type === 'threshold') {
    if (condition.measure.isOverride) return undefined;
    const fixture = FIXTURES[condition.measure.name];
    return fixture?.(side, condition.op, condition.threshold, timing);
  }
  if (condition.type === 'event') {
    const series = `${LIFECYCLE_METRIC}{event="${condition.event}"}`;
    const perStep = side === 'firing' ? 1 : 0;
    const windowSeconds = condition.windowSeconds;
    const valueAt = (t: number) =>
      t === 0 ? undefined : (perStep * Math.min(t, windowSeconds)) / timing.intervalSeconds;
    return { series: [{ series, values: steady(0, perStep, timing) }], valueAt, labels: {} };
  }
  return pipelineScenario(alert, side, timing);
}

function pipelineScenario(alert: AlertSpec, side: Side, timing: Timing): Scenario | undefined {
  const expr = alert.condition.type === 'pipeline' ? alert.condition.expr : '';
  const job = /job="([^"]+)"/.exec(expr)?.[1] ?? '';
  const instance = 'exporter:9477';
  if (alert.kind === 'watchdog') {
    if (side === 'quiet') return undefined;
    return constantScenario([{ series: 'up{job="unrelated"}', values: steady(1, 0, timing) }], 1);
  }
  if (expr.startsWith('absent(')) {
    const series =
      side === 'firing' ? `up{job="unrelated"}` : `up{job="${job}",instance="${instance}"}`;
    return { ...constantScenario([{ series, values: steady(1, 0, timing) }], 1), labels: { job } };
  }
  const value = side === 'firing' ? 0 : 1;
  const series = `up{job="${job}",instance="${instance}"}`;
  const scenario = constantScenario([{ series, values: steady(value, 0, timing) }], value);
  return { ...scenario, labels: { job, instance } };
}

/** Returns a value on the requested side of the threshold: half or 1.5 times it. */
function targetValue(side: Side, op: Comparison, threshold: number, integer: boolean): number {
  const wantsAbove = (side === 'firing') === (op === '>' || op === '>=');
  if (threshold === 0) return wantsAbove ? 1 : -1;
  const value = threshold * (wantsAbove ? 1.5 : 0.5);
  if (!integer) return value;
  return wantsAbove ? Math.ceil(value) : Math.min(Math.floor(value), threshold - 1);
}

function constantScenario(series: InputSeries[], value: number): Scenario {
  return { series, valueAt: () => value, labels: {} };
}

/** promtool's expanding notation: `start+stepxN`, N + 1 samples. */
function steady(start: number, step: number, timing: Timing): string {
  return `${tidy(start)}+${tidy(step)}x${timing.samples - 1}`;
}

/** Drops binary noise such as 75.00000000000001 from sample values. */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return i;
  return -1;
}
