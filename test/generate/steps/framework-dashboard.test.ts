import { generate } from '../../../src/generate/generate';
import {
  FRAMEWORK_DASHBOARD_FILE,
  frameworkDashboardStep,
} from '../../../src/generate/steps/framework-dashboard-v1';
import { dashboardSchemaErrors, exampleConfig, fileAt, testWithDashboardSchema } from '../support';
import { exprsOf, expectSharedSettings, panelsOf, type DashboardJson } from './dashboard-json';

describe('framework-dashboard step', () => {
  const config = exampleConfig();
  const result = generate(config, {}, [frameworkDashboardStep]);
  const dashboard = JSON.parse(fileAt(result.files, FRAMEWORK_DASHBOARD_FILE)) as DashboardJson;

  test('has a stable uid and links to the scaler dashboard', () => {
    expect(dashboard.uid).toBe('swarm-scaler-framework');
    expect(dashboard.links.map((link) => link.url)).toContain('/d/swarm-scaler-pool');
  });

  test('shares tags, variable, units and annotations', () => {
    expectSharedSettings(dashboard);
  });

  test('framework_metrics queries appear verbatim', () => {
    const exprs = exprsOf(dashboard);
    for (const query of config.dashboards) expect(exprs).toContain(query.query);
  });

  test('rows cover every framework layer', () => {
    const rows = dashboard.panels.filter((panel) => panel.type === 'row').map((row) => row.title);
    expect(rows).toEqual([
      'Framework metrics (framework_metrics)',
      'SystemCore',
      'Actors and supervision',
      'Event bus and errors',
      'Data layer: PostgreSQL and JetStream KV',
      'Transport: NATS',
      'Runtime and task queues',
    ]);
  });

  test.each([
    ['Active actors', [null, 10, 50]],
    ['Errors per request', [null, 0.05]],
    ['CPU utilisation', [null, 0.3, 0.7]],
    ['Actor System Load', [null, 1000]],
    ['PostgreSQL Pool Utilization', [null, 0.8]],
    ['NATS Message Throughput', [null]],
  ])('panel %s draws the config thresholds', (title, steps) => {
    const panel = panelsOf(dashboard).find((candidate) => candidate.title === title);
    expect(panel?.fieldConfig?.defaults.thresholds?.steps.map((step) => step.value)).toEqual(steps);
  });

  test('rate queries use $__rate_interval', () => {
    const rates = exprsOf(dashboard).filter((expr) => expr.includes('rate('));
    expect(rates.length).toBeGreaterThan(10);
  });

  testWithDashboardSchema()('validates against the Grafana dashboard schema', () => {
    expect(dashboardSchemaErrors(dashboard)).toEqual([]);
  });
});
