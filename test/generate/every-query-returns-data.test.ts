/**
 * Runs a real Prometheus with the generated prometheus.yml and rules against a target that
 * serves every catalogue metric, and checks that every dashboard query, the annotation query,
 * every alert's measure and every recording rule returns at least one series.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

import { Counter, Gauge, Histogram, Registry } from 'prom-client';

import { SIGNALS, type Signal } from '../../src/catalog/signals';
import { alertExpr } from '../../src/generate/alert-expr';
import type { AlertSpec } from '../../src/generate/alert-spec';
import { collectAlerts } from '../../src/generate/collect-alerts';
import { generate } from '../../src/generate/generate';
import { SCALER_METRICS } from '../../src/generate/scaler-panels';
import { RECORDED_SERIES } from '../../src/generate/steps/recording-rules-v1';
import {
  freePort,
  queryPrometheus,
  startPrometheus,
  type RunningServer,
} from '../support/prom-stack';
import { exampleConfig, writeTemp } from './support';

jest.setTimeout(90_000);

const DATA_TIMEOUT_MS = 45_000;

interface DashboardJson {
  panels: { type: string; targets?: { expr: string }[] }[];
  annotations: { list: { expr?: string }[] };
}

describe('every generated query returns data', () => {
  const config = exampleConfig();
  let target: Server;
  let prometheus: RunningServer;
  let workDir = '';
  let dashboards: DashboardJson[] = [];

  beforeAll(async () => {
    const registry = fillRegistry();
    target = createServer((request, response) => {
      void registry.metrics().then((body) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(body);
      });
    });
    const targetPort = await freePort();
    await new Promise<void>((resolve) => target.listen(targetPort, '127.0.0.1', resolve));

    const result = generate(config, {
      serviceAddress: `127.0.0.1:${targetPort}`,
      alertmanagerAddress: `127.0.0.1:${await freePort()}`,
      scrapeInterval: '1s',
      evaluationInterval: '1s',
    });
    workDir = writeTemp(result.files.filter((file) => !file.path.startsWith('alerts/tests/')));
    dashboards = result.files
      .filter((file) => file.path.endsWith('.json'))
      .map((file) => JSON.parse(file.content) as DashboardJson);
    prometheus = await startPrometheus({
      configFile: path.join(workDir, 'prometheus', 'prometheus.yml'),
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((resolve) => target?.close(resolve));
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test('Prometheus loaded every generated rule', async () => {
    const response = await fetch(`${prometheus.url}/api/v1/rules`);
    const body = (await response.json()) as { data: { groups: { rules: unknown[] }[] } };
    const loaded = body.data.groups.flatMap((group) => group.rules).length;
    expect(loaded).toBe(collectAlerts(config, 'swarm-scaler').length + RECORDED_SERIES.length);
  });

  test('dashboard, annotation, alert and recording queries all return series', async () => {
    const queries = new Map<string, string>();
    for (const dashboard of dashboards) {
      for (const panel of dashboard.panels) {
        for (const targetQuery of panel.targets ?? []) queries.set(targetQuery.expr, 'panel');
      }
      for (const annotation of dashboard.annotations.list) {
        if (annotation.expr) queries.set(annotation.expr, 'annotation');
      }
    }
    for (const alert of collectAlerts(config, 'swarm-scaler')) {
      queries.set(measureExpr(alert), `alert ${alert.name}`);
    }
    for (const series of RECORDED_SERIES) {
      queries.set(series.expr, `recording rule ${series.record}`);
      queries.set(series.record, `recorded series ${series.record}`);
    }
    for (const query of config.dashboards)
      queries.set(query.query, `framework_metrics ${query.name}`);

    const empty = await waitForData([...queries.keys()], prometheus.url);
    expect(empty.map((expr) => `${queries.get(expr)}: ${expr}`)).toEqual([]);
    expect(queries.size).toBeGreaterThan(60);
  });
});

/**
 * The expression an alert compares, without the comparison, so it returns data below the
 * threshold too. `absent(x)` becomes `x`, which exists while the target is up.
 */
function measureExpr(alert: AlertSpec): string {
  const { condition } = alert;
  if (condition.type === 'threshold') return condition.measure.expr;
  const expr = alertExpr(alert);
  if (condition.type === 'event') return expr.replace(/ > 0$/, '');
  const absent = /^absent\((.*)\)$/.exec(expr);
  if (absent) return absent[1];
  return expr.replace(/ == 0$/, '');
}

/** Polls until every query returns a series or the time is up; returns those still empty. */
async function waitForData(queries: string[], url: string): Promise<string[]> {
  const deadline = Date.now() + DATA_TIMEOUT_MS;
  let empty = queries;
  while (empty.length > 0 && Date.now() < deadline) {
    const results = await Promise.all(
      empty.map(async (expr) => {
        const sent = expr.replace(/\$__rate_interval/g, '1m');
        return (await queryPrometheus(url, sent)).length > 0 ? undefined : expr;
      }),
    );
    empty = results.filter((expr): expr is string => expr !== undefined);
    if (empty.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return empty;
}

/**
 * Builds a registry with every catalogue signal and the scaler's self-metrics, all nonzero.
 * Counters and histograms grow on every scrape, so their rates are above zero.
 */
// NOTE: this registry replaces the exporter's, so the test checks the generated queries
// against the catalogue, not against what the exporter actually publishes.
function fillRegistry(): Registry {
  const registry = new Registry();
  for (const signal of SIGNALS) {
    const labelSets = exampleLabelSets(signal);
    const labelNames = signal.labels.map((label) => label.name);
    const base = { name: signal.metric, help: signal.help, labelNames, registers: [registry] };
    if (signal.type === 'counter') {
      new Counter({
        ...base,
        collect() {
          for (const labels of labelSets) this.inc(labels, 5);
        },
      });
    } else if (signal.type === 'gauge') {
      new Gauge({
        ...base,
        collect() {
          for (const labels of labelSets) this.set(labels, 3);
        },
      });
    } else {
      const buckets = [...(signal.buckets ?? [])];
      const collect = function (this: Histogram) {
        for (const labels of labelSets) this.observe(labels, 0.02);
      };
      new Histogram({ ...base, buckets, collect });
    }
  }
  addScalerMetrics(registry);
  return registry;
}

/** Returns one label set per allowed value of the first label, other labels at their first. */
function exampleLabelSets(signal: Signal): Record<string, string>[] {
  const [first, ...rest] = signal.labels;
  if (!first) return [{}];
  const fixed = Object.fromEntries(
    rest.map((label) => [label.name, label.values?.[0] ?? 'example']),
  );
  return (first.values ?? ['example']).map((value) => ({ [first.name]: value, ...fixed }));
}

function addScalerMetrics(registry: Registry): void {
  const registers = [registry];
  new Counter({
    name: SCALER_METRICS.decisions,
    help: 'Scaling decisions.',
    labelNames: ['rule', 'action', 'outcome'],
    registers,
    collect() {
      this.inc({ rule: 'error_rate', action: 'spawn', outcome: 'applied' });
    },
  });
  new Counter({
    name: SCALER_METRICS.skippedSteps,
    help: 'Skipped steps.',
    labelNames: ['reason'],
    registers,
    collect() {
      this.inc({ reason: 'cooldown' });
    },
  });
  new Histogram({
    name: SCALER_METRICS.alertToSpawn,
    help: 'Alert to spawn latency.',
    buckets: [0.5, 1, 2, 5, 10, 30],
    registers,
    collect() {
      this.observe(1.5);
    },
  });
  new Counter({
    name: SCALER_METRICS.webhookRequests,
    help: 'Webhook requests.',
    labelNames: ['status'],
    registers,
    collect() {
      this.inc({ status: '200' });
    },
  });
  new Gauge({ name: SCALER_METRICS.desiredAgents, help: 'Desired agents.', registers }).set(22);
  new Gauge({ name: SCALER_METRICS.frozen, help: 'Frozen.', registers }).set(0);
  new Gauge({ name: SCALER_METRICS.paused, help: 'Paused.', registers }).set(0);
}
