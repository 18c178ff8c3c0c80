/**
 * Runs promtool, amtool and the dashboard schema on the generated files committed at the
 * repository root, the ones the compose stack and operators use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { dashboardSchemaErrors, repoRoot, runTool, testWithDashboardSchema } from './support';

describe('committed generated files', () => {
  test('promtool check rules accepts the rule files', () => {
    const files = ['alerts/alerts.yml', 'alerts/recording-rules.yml'];
    const { code, output } = runTool('promtool', ['check', 'rules', ...files], repoRoot);
    expect(output).not.toContain('FAILED');
    expect(code).toBe(0);
  });

  test('promtool test rules passes every committed rule test', () => {
    const tests = readdirSync(path.join(repoRoot, 'alerts', 'tests'))
      .filter((name) => name.endsWith('.test.yml'))
      .map((name) => path.join('alerts', 'tests', name));
    expect(tests.length).toBeGreaterThan(0);
    const { code, output } = runTool('promtool', ['test', 'rules', ...tests], repoRoot);
    expect(output).not.toContain('FAILED');
    expect(output.match(/SUCCESS/g)).toHaveLength(tests.length);
    expect(code).toBe(0);
  });

  test('promtool check config loads both rule files', () => {
    const args = ['check', 'config', 'prometheus/prometheus.yml'];
    const { code, output } = runTool('promtool', args, repoRoot);
    expect(output).toContain('SUCCESS: 2 rule files found');
    expect(code).toBe(0);
  });

  test('amtool check-config accepts alertmanager.yml', () => {
    const args = ['check-config', 'prometheus/alertmanager.yml'];
    const { code, output } = runTool('amtool', args, repoRoot);
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  testWithDashboardSchema()('dashboards validate against the Grafana dashboard schema', () => {
    const files = readdirSync(path.join(repoRoot, 'dashboards')).filter((n) => n.endsWith('.json'));
    expect(files).toEqual(['swarm-framework.json', 'swarm-scaler.json']);
    for (const file of files) {
      const dashboard = JSON.parse(readFileSync(path.join(repoRoot, 'dashboards', file), 'utf8'));
      expect({ file, errors: dashboardSchemaErrors(dashboard) }).toEqual({ file, errors: [] });
    }
  });
});
