/**
 * Runs the real service (exporter, scaler on in-memory PGlite, in-process pool) fed by the real
 * simulator over NATS, with a real Prometheus and Alertmanager on the generated configuration,
 * and checks that every dashboard query, the annotation query, every alert's measure, every
 * recording rule and every `framework_metrics` query returns at least one series.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { WEBHOOK_PATH } from '../../src/catalog/alert-contract';
import { alertExpr } from '../../src/generate/alert-expr';
import type { AlertSpec } from '../../src/generate/alert-spec';
import { collectAlerts } from '../../src/generate/collect-alerts';
import { generate } from '../../src/generate/generate';
import { RECORDED_SERIES } from '../../src/generate/steps/recording-rules-v1';
import { createLogger } from '../../src/log';
import { startService, type RunningService } from '../../src/server/service';
import { runSimulation } from '../../src/simulate';
import {
  freePort,
  queryPrometheus,
  startAlertmanager,
  startPrometheus,
  type RunningServer,
} from '../support/prom-stack';
import { exampleConfig, writeTemp } from './support';

jest.setTimeout(90_000);

const DATA_TIMEOUT_MS = 40_000;
const TOKEN = 'every-query-token';

interface DashboardJson {
  panels: { type: string; targets?: { expr: string }[] }[];
  annotations: { list: { expr?: string }[] };
}

describe('every generated query returns data', () => {
  const config = exampleConfig();
  const telemetryPrefix = `every-query-${process.pid}-${randomBytes(3).toString('hex')}`;
  const simulation = new AbortController();
  let simulationDone: Promise<unknown> = Promise.resolve();
  let service: RunningService | undefined;
  let alertmanager: RunningServer | undefined;
  let prometheus: RunningServer | undefined;
  let workDir = '';
  let tokenDir = '';
  let dashboards: DashboardJson[] = [];

  beforeAll(async () => {
    const alertmanagerPort = await freePort();
    service = await startService(
      config,
      {
        host: '127.0.0.1',
        port: 0,
        natsUrl: 'nats://127.0.0.1:4222',
        telemetryPrefix,
        // No dataDir: the scaler keeps its store in an in-memory PGlite.
        dataDir: undefined,
        alertmanagerUrl: `http://127.0.0.1:${alertmanagerPort}`,
        auth: { bearerToken: TOKEN },
        dryRun: false,
        env: {},
      },
      createLogger({ level: 'silent' }),
    );

    tokenDir = mkdtempSync(path.join(tmpdir(), 'swarm-token-'));
    const tokenFile = path.join(tokenDir, 'webhook-token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const result = generate(config, {
      serviceAddress: `127.0.0.1:${service.port}`,
      alertmanagerAddress: `127.0.0.1:${alertmanagerPort}`,
      webhookCredentialsFile: tokenFile,
      scrapeInterval: '1s',
      evaluationInterval: '1s',
      groupInterval: '2s',
    });
    workDir = writeTemp(result.files.filter((file) => !file.path.startsWith('alerts/tests/')));
    dashboards = result.files
      .filter((file) => file.path.endsWith('.json'))
      .map((file) => JSON.parse(file.content) as DashboardJson);

    simulationDone = runSimulation(
      { config, subjectPrefix: telemetryPrefix, shape: 'steady', lifecycleEvents: true },
      { signal: simulation.signal },
    );
    alertmanager = await startAlertmanager({
      configFile: path.join(workDir, 'prometheus', 'alertmanager.yml'),
      port: alertmanagerPort,
    });
    prometheus = await startPrometheus({
      configFile: path.join(workDir, 'prometheus', 'prometheus.yml'),
      // The watchdog fires at the first evaluation, often before the notifier has discovered
      // Alertmanager; that send is dropped, and the default resend delay is one minute.
      extraArgs: ['--rules.alert.resend-delay=1s'],
    });
    await driveScaler(service.port, prometheus.url);
  });

  afterAll(async () => {
    simulation.abort();
    await simulationDone;
    await prometheus?.stop();
    await alertmanager?.stop();
    await service?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    if (tokenDir) rmSync(tokenDir, { recursive: true, force: true });
  });

  test('Prometheus loaded every generated rule', async () => {
    const response = await fetch(`${prometheus?.url}/api/v1/rules`);
    const body = (await response.json()) as { data: { groups: { rules: unknown[] }[] } };
    const loaded = body.data.groups.flatMap((group) => group.rules).length;
    expect(loaded).toBe(collectAlerts(config, 'swarm-scaler').length + RECORDED_SERIES.length);
  });

  test('Alertmanager delivers the watchdog to the scaler', async () => {
    const port = service?.port ?? 0;
    const deadline = Date.now() + 20_000;
    while ((await isFrozen(port)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // The scaler freezes scale-down until the first watchdog notification arrives.
    expect(await isFrozen(port)).toBe(false);
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
    expect(config.dashboards).toHaveLength(7);
    for (const query of config.dashboards)
      queries.set(query.query, `framework_metrics ${query.name}`);

    const empty = await waitForData([...queries.keys()], prometheus?.url ?? '');
    expect(empty.map((expr) => `${queries.get(expr)}: ${expr}`)).toEqual([]);
    expect(queries.size).toBeGreaterThan(60);
  });
});

/** Returns the scaler's scale-down freeze flag from its pool API. */
async function isFrozen(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/pool`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return ((await response.json()) as { frozen: boolean }).frozen;
}

/**
 * Sends the scaler the notification Alertmanager sends for one firing instance of the
 * `actor_system_load` rule. The first instance spawns the rule's specialists; a later one arrives
 * inside the rule's cooldown, so the scaler skips it and logs a `skip` decision.
 */
async function notifyRuleFiring(port: number, instance: string): Promise<void> {
  const labels = {
    alertname: 'SwarmActorSystemLoadHigh',
    scaling_rule: 'actor_system_load',
    scaling_kind: 'rule',
    scaling_direction: 'up',
    swarm: 'ms-framework',
    instance,
  };
  const response = await fetch(`http://127.0.0.1:${port}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({
      version: '4',
      groupKey: `{}:{scaling_rule="actor_system_load",instance="${instance}"}`,
      status: 'firing',
      receiver: 'swarm-scaler',
      groupLabels: { scaling_rule: 'actor_system_load' },
      commonLabels: labels,
      commonAnnotations: {},
      alerts: [
        {
          status: 'firing',
          labels,
          annotations: {},
          startsAt: new Date(Date.now() - 2000).toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          fingerprint: `every-query-${instance}`,
        },
      ],
    }),
  });
  expect(response.status).toBe(200);
}

/**
 * Drives the scaler so its self-metric panels have series: a spawn, then skips within the
 * cooldown. The annotation query (`changes(...) > 0`) needs a counter that grows between two
 * scrapes, so the last skip is sent only after Prometheus has scraped the skip series once.
 */
async function driveScaler(port: number, prometheusUrl: string): Promise<void> {
  await notifyRuleFiring(port, 'first');
  await notifyRuleFiring(port, 'second');
  const skips = 'swarm_scaler_decisions_total{rule="actor_system_load", action="skip"}';
  const deadline = Date.now() + 15_000;
  while ((await queryPrometheus(prometheusUrl, skips)).length === 0) {
    if (Date.now() > deadline) throw new Error(`Prometheus scraped no ${skips} within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await notifyRuleFiring(port, 'third');
}

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
