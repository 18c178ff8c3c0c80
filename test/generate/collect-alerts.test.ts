import { ALERT_KINDS } from '../../src/catalog/alert-contract';
import { collectAlerts } from '../../src/generate/collect-alerts';
import { GenerateError } from '../../src/generate/errors';
import { alertExpr, alertLabels, asOperand } from '../../src/generate/alert-expr';
import { resolveOptions } from '../../src/generate/options';
import { exampleConfig } from './support';

const options = resolveOptions();

describe('collectAlerts', () => {
  const config = exampleConfig();
  const alerts = collectAlerts(config, 'swarm-scaler');
  const byName = new Map(alerts.map((alert) => [alert.name, alert]));

  test('one alert per rule, trigger direction, spawn_when and event', () => {
    const ruleCount = config.scalingRules.length;
    const frameworkCount = config.triggers.framework.length;
    const dynamicCount = config.categories
      .flatMap((c) => c.agents)
      .filter((a) => a.spawnWhen).length;
    const events = config.categories.flatMap((c) => c.agents).flatMap((a) => a.autoSpawnOn);
    const eventCount = new Set(events.map((text) => text.replace(/\W+/g, '_'))).size;
    const expected = ruleCount + 2 + 1 + 1 + frameworkCount + dynamicCount + eventCount + 3;
    expect(alerts).toHaveLength(expected);
  });

  test('names share the prefix and are unique', () => {
    for (const alert of alerts) expect(alert.name).toMatch(/^SwarmScaler[A-Z][A-Za-z0-9]*$/);
    expect(byName.size).toBe(alerts.length);
  });

  test('every kind of the contract is generated', () => {
    const kinds = new Set(alerts.map((alert) => alert.kind));
    for (const kind of ALERT_KINDS) expect(kinds).toContain(kind);
  });

  test('scaling rule alert carries the contract labels', () => {
    const alert = byName.get('SwarmScalerErrorRateHigh');
    expect(alert).toBeDefined();
    expect(alertLabels(alert!, options)).toEqual({
      severity: 'warning',
      scaling_rule: 'error_rate',
      scaling_kind: 'rule',
      scaling_direction: 'up',
      swarm: 'ms-framework',
    });
    expect(alert!.forSeconds).toBe(
      config.scalingRules.find((r) => r.name === 'error_rate')!.forSeconds,
    );
  });

  test('cpu trigger scales both ways', () => {
    const up = byName.get('SwarmScalerCpuScalingUp')!;
    const down = byName.get('SwarmScalerCpuScalingDown')!;
    expect(alertExpr(up)).toBe('max(framework_cpu_utilization_ratio) > 0.7');
    expect(alertExpr(down)).toBe('max(framework_cpu_utilization_ratio) < 0.3');
    expect(down.direction).toBe('down');
    expect(down.rule).toBe('cpu_scaling');
  });

  test('spawn_when keeps its comparison and base-unit threshold', () => {
    const alert = byName.get('SwarmScalerDynamicPerformanceProfiler')!;
    expect(alertExpr(alert)).toMatch(/^histogram_quantile\(0\.99, .*\) > 0\.1$/);
    expect(alert.rule).toBe('performance-profiler');
  });

  test('auto_spawn_on events become snake-cased label values', () => {
    const alert = byName.get('SwarmScalerLifecycleSystemInitialization')!;
    expect(alertExpr(alert)).toBe(
      'sum(increase(systemcore_lifecycle_events_total{event="system_initialization"}[5m])) > 0',
    );
    expect(alertLabels(alert, options)).toMatchObject({
      scaling_rule: 'system_initialization',
      scaling_kind: 'event',
      event: 'system_initialization',
    });
    expect(alert.description).toContain('spawns systemcore-specialist');
  });

  test('pipeline alerts watch the scrape job', () => {
    expect(alertExpr(byName.get('SwarmScalerWatchdog')!)).toBe('vector(1)');
    expect(alertExpr(byName.get('SwarmScalerExporterDown')!)).toBe('up{job="swarm-scaler"} == 0');
    expect(alertExpr(byName.get('SwarmScalerExporterAbsent')!)).toBe(
      'absent(up{job="swarm-scaler"})',
    );
    expect(byName.get('SwarmScalerExporterDown')!.severity).toBe('critical');
  });

  test('descriptions show the value humanized for the unit', () => {
    expect(byName.get('SwarmScalerErrorRateHigh')!.description).toContain('humanizePercentage');
    expect(byName.get('SwarmScalerDynamicPerformanceProfiler')!.description).toContain(
      'humanizeDuration',
    );
    for (const alert of alerts) expect(alert.description).toContain('$value');
  });

  test('query override replaces the catalogue expression', () => {
    const overridden = structuredClone(config);
    overridden.scalingRules[0].measure = { name: 'custom', query: 'sum(my_metric) / 2' };
    const alert = collectAlerts(overridden, 'swarm-scaler')[0];
    expect(alertExpr(alert)).toBe(`(sum(my_metric) / 2) > ${overridden.scalingRules[0].threshold}`);
  });

  test('unknown measure without query is rejected', () => {
    const broken = structuredClone(config);
    broken.scalingRules[0].measure = { name: 'no_such_measure' };
    expect(() => collectAlerts(broken, 'swarm-scaler')).toThrow(GenerateError);
    expect(() => collectAlerts(broken, 'swarm-scaler')).toThrow('add a query:');
  });

  test('clashing names are rejected', () => {
    const clash = structuredClone(config);
    clash.scalingRules.push({ ...clash.scalingRules[0], name: 'error-rate' });
    clash.scalingRules.push({ ...clash.scalingRules[0], name: 'error_rate' });
    expect(() => collectAlerts(clash, 'swarm-scaler')).toThrow('rename one');
  });
});

describe('asOperand', () => {
  test.each([
    ['sum(actors_active)', 'sum(actors_active)'],
    ['up{job="x"}', 'up{job="x"}'],
    ['sum by (le) (rate(x[1m]))', 'sum by (le) (rate(x[1m]))'],
    ['sum(a) / clamp_min(sum(b), 1)', '(sum(a) / clamp_min(sum(b), 1))'],
    ['a / b', '(a / b)'],
  ])('%s', (expr, operand) => {
    expect(asOperand(expr)).toBe(operand);
  });
});
