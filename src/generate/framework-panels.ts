/**
 * Panel specs of the framework dashboard: the config's `framework_metrics` queries verbatim,
 * the measures that scaling alerts compare (with their thresholds), and one panel per catalogue
 * signal, grouped by framework layer.
 */
import { findMeasure } from '../catalog/measures';
import { findSignal, SIGNALS, type Layer, type Signal, type Unit } from '../catalog/signals';
import type { DashboardQuery } from '../config/model';
import type { AlertSpec, ThresholdCondition } from './alert-spec';
import {
  describeThresholds,
  RATE_INTERVAL,
  withRateInterval,
  type PanelSpec,
  type PanelThreshold,
} from './dashboard-panels';
import { RECORDED_SERIES } from './steps/recording-rules-v1';

/** A panel spec without its id; ids are given in dashboard order. */
export type PanelDraft = Omit<PanelSpec, 'id'>;

/** Layers shown as rows, in order, with their row titles. */
export const LAYER_ROWS: readonly { layer: Layer; title: string }[] = [
  { layer: 'systemcore', title: 'SystemCore' },
  { layer: 'actors', title: 'Actors and supervision' },
  { layer: 'eventbus', title: 'Event bus and errors' },
  { layer: 'data', title: 'Data layer: PostgreSQL and JetStream KV' },
  { layer: 'transport', title: 'Transport: NATS' },
  { layer: 'runtime', title: 'Runtime and task queues' },
];

/** Builds one panel per `framework_metrics` entry, its query sent to Prometheus unchanged. */
export function configQueryPanels(queries: DashboardQuery[], alerts: AlertSpec[]): PanelDraft[] {
  return queries.map((query) => {
    const metrics = metricNames(query.query);
    const measured = matchingMeasure(query.query, metrics, alerts);
    const unit = measured?.unit ?? queryUnit(query.query, metrics);
    const thresholds = measured ? thresholdsOf(measured.conditions, measured.alerts) : [];
    return {
      title: query.name,
      description:
        `"${query.name}" from framework_metrics, queried verbatim: ${query.query}.` +
        describeThresholds(thresholds, unit),
      unit,
      queries: [{ expr: query.query }],
      thresholds,
    };
  });
}

/** Builds one panel per measure that an alert compares, in this layer, with every threshold. */
export function measurePanels(layer: Layer, alerts: AlertSpec[]): PanelDraft[] {
  const byExpr = new Map<string, AlertSpec[]>();
  for (const alert of alerts) {
    if (alert.condition.type !== 'threshold' || measureLayer(alert.condition) !== layer) continue;
    const key = alert.condition.measure.expr;
    byExpr.set(key, [...(byExpr.get(key) ?? []), alert]);
  }
  return [...byExpr.entries()].map(([expr, group]) => {
    const conditions = group.map((alert) => alert.condition as ThresholdCondition);
    const { unit, description } = conditions[0].measure;
    const thresholds = thresholdsOf(conditions, group);
    return {
      title: capitalize(description),
      description:
        `${capitalize(description)}, as the scaling alerts compute it.` +
        describeThresholds(thresholds, unit),
      unit,
      queries: [{ expr: withRateInterval(expr), legend: description }],
      thresholds,
    };
  });
}

/** Builds one panel per catalogue signal of this layer. */
export function signalPanels(layer: Layer): PanelDraft[] {
  return SIGNALS.filter((signal) => signal.layer === layer).map((signal) => ({
    title: signal.metric,
    description: signal.help,
    unit: signal.type === 'counter' ? 'ops' : signal.unit,
    queries: [signalQuery(signal)],
    stacked: signal.type !== 'histogram' && signal.labels.length > 0,
  }));
}

function signalQuery(signal: Signal): { expr: string; legend: string } {
  const label = signal.labels[0]?.name;
  const by = label ? ` by (${label})` : '';
  const legend = label ? `{{${label}}}` : signal.metric;
  switch (signal.type) {
    case 'counter':
      return { expr: `sum${by} (rate(${signal.metric}[${RATE_INTERVAL}]))`, legend };
    case 'gauge':
      return { expr: `sum${by} (${signal.metric})`, legend };
    case 'histogram': {
      const groups = label ? `le, ${label}` : 'le';
      const expr =
        `histogram_quantile(0.99, sum by (${groups}) ` +
        `(rate(${signal.metric}_bucket[${RATE_INTERVAL}])))`;
      return { expr, legend: label ? `p99 {{${label}}}` : 'p99' };
    }
  }
}

function measureLayer(condition: ThresholdCondition): Layer {
  const metric = findMeasure(condition.measure.name)?.metrics[0];
  return (metric && findSignal(metric)?.layer) || 'runtime';
}

/**
 * Finds the measure a verbatim query shows, so its thresholds can be drawn. It must read the
 * same metrics, and both or neither must take a rate, so that a counter's total is never drawn
 * against a per-second limit.
 */
function matchingMeasure(query: string, metrics: string[], alerts: AlertSpec[]) {
  const hasRate = /\brate\(/.test(query);
  const conditions: ThresholdCondition[] = [];
  const matched: AlertSpec[] = [];
  for (const alert of alerts) {
    if (alert.condition.type !== 'threshold') continue;
    const spec = findMeasure(alert.condition.measure.name);
    if (!spec || alert.condition.measure.isOverride) continue;
    const sameMetrics = sameSet(spec.metrics, metrics);
    if (!sameMetrics || /\brate\(/.test(spec.expr) !== hasRate) continue;
    conditions.push(alert.condition);
    matched.push(alert);
  }
  if (conditions.length === 0) return undefined;
  return { unit: conditions[0].measure.unit, conditions, alerts: matched };
}

function queryUnit(query: string, metrics: string[]): Unit {
  const recorded = RECORDED_SERIES.find((series) => series.record === query.trim());
  if (recorded) return recorded.unit;
  const signal = metrics.length === 1 ? findSignal(metrics[0]) : undefined;
  if (signal && query.trim() === signal.metric) return signal.unit;
  if (metrics.length === 2 && query.includes('/')) return 'percentunit';
  return 'short';
}

function thresholdsOf(conditions: ThresholdCondition[], alerts: AlertSpec[]): PanelThreshold[] {
  const thresholds = conditions.map((condition, i) => ({
    value: condition.threshold,
    source: alerts[i].configPath,
    direction: alerts[i].direction ?? 'up',
  }));
  return thresholds.filter(
    (threshold, i) => thresholds.findIndex((other) => other.source === threshold.source) === i,
  );
}

/** Metric and recorded series names in a PromQL expression that the catalogue or rules know. */
function metricNames(query: string): string[] {
  const names = query.match(/[A-Za-z_:][A-Za-z0-9_:]*/g) ?? [];
  const known = (name: string) =>
    findSignal(name) !== undefined || RECORDED_SERIES.some((series) => series.record === name);
  return [...new Set(names.filter(known))];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

function capitalize(text: string): string {
  return text.length === 0 ? text : text[0].toUpperCase() + text.slice(1);
}
