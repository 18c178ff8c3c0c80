import { generate } from '../../../src/generate/generate';
import { SCALER_METRICS } from '../../../src/generate/scaler-panels';
import {
  SCALER_DASHBOARD_FILE,
  scalerDashboardStep,
} from '../../../src/generate/steps/scaler-dashboard-v1';
import { dashboardSchemaErrors, exampleConfig, fileAt, testWithDashboardSchema } from '../support';
import { exprsOf, expectSharedSettings, panelsOf, type DashboardJson } from './dashboard-json';

describe('scaler-dashboard step', () => {
  const config = exampleConfig();
  const result = generate(config, {}, [scalerDashboardStep]);
  const dashboard = JSON.parse(fileAt(result.files, SCALER_DASHBOARD_FILE)) as DashboardJson;

  test('has a stable uid and links to the framework dashboard', () => {
    expect(dashboard.uid).toBe('swarm-scaler-pool');
    expect(dashboard.links.map((link) => link.url)).toContain('/d/swarm-scaler-framework');
  });

  test('shares tags, variable, units and annotations', () => {
    expectSharedSettings(dashboard);
  });

  test('reads every scaler self-metric', () => {
    const exprs = exprsOf(dashboard).join('\n');
    for (const metric of Object.values(SCALER_METRICS)) expect(exprs).toContain(metric);
  });

  test('shows the pool by category and role', () => {
    const exprs = exprsOf(dashboard);
    expect(exprs).toContain('sum by (category) (swarm_agents{state=~"starting|running"})');
    expect(exprs).toContain('sum by (role) (swarm_agents{state=~"starting|running"})');
  });

  test('desired against actual draws the auto_scale bounds', () => {
    const panel = panelsOf(dashboard).find((p) => p.title === 'Desired against actual agents');
    const steps = panel?.fieldConfig?.defaults.thresholds?.steps.map((step) => step.value);
    expect(steps).toEqual([null, config.autoScale.minAgents, config.autoScale.maxAgents]);
    expect(panel?.targets).toHaveLength(2);
  });

  testWithDashboardSchema()('validates against the Grafana dashboard schema', () => {
    expect(dashboardSchemaErrors(dashboard)).toEqual([]);
  });
});
