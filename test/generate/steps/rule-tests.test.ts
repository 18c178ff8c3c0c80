import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'yaml';

import { generate } from '../../../src/generate/generate';
import { fixtureMeasures } from '../../../src/generate/rule-test-fixtures';
import { alertRulesStep } from '../../../src/generate/steps/alert-rules-v1';
import { RULE_TESTS_DIR, ruleTestsStep } from '../../../src/generate/steps/rule-tests-v1';
import { MEASURES } from '../../../src/catalog/measures';
import { exampleConfig, runTool, writeTemp } from '../support';

interface TestFile {
  tests: {
    name: string;
    alert_rule_test: { exp_alerts: { exp_labels: Record<string, string> }[] }[];
  }[];
}

describe('rule-tests step', () => {
  const config = exampleConfig();
  const result = generate(config, {}, [alertRulesStep, ruleTestsStep]);
  const testFiles = result.files.filter((file) => file.path.startsWith(`${RULE_TESTS_DIR}/`));
  const alertCount = result.alertGroups.flatMap((group) => group.rules).length;

  test('every alert of the example has a test file', () => {
    expect(result.untestedAlerts).toEqual([]);
    expect(testFiles).toHaveLength(alertCount);
  });

  test('every catalogue measure has a fixture', () => {
    expect(fixtureMeasures().sort()).toEqual(MEASURES.map((measure) => measure.name).sort());
  });

  test('firing cases expect the labels the scaler reads', () => {
    for (const file of testFiles) {
      const parsed = parse(file.content) as TestFile;
      const firing = parsed.tests.at(-1)!;
      const expected = firing.alert_rule_test.at(-1)!.exp_alerts[0].exp_labels;
      expect(expected.scaling_rule).toBeTruthy();
      expect(expected.scaling_kind).toBeTruthy();
      expect(expected.swarm).toBe('ms-framework');
    }
  });

  test('threshold alerts have a quiet and a firing case', () => {
    const file = testFiles.find((f) => f.path.endsWith('swarm-scaler-error-rate-high.test.yml'))!;
    const parsed = parse(file.content) as TestFile;
    expect(parsed.tests.map((t) => t.name)).toEqual([
      'SwarmScalerErrorRateHigh stays quiet on the safe side of its threshold',
      'SwarmScalerErrorRateHigh fires once for: has passed',
    ]);
    const firingChecks = parsed.tests[1].alert_rule_test;
    expect(firingChecks[0].exp_alerts).toEqual([]);
    expect(firingChecks[1].exp_alerts).toHaveLength(1);
  });

  test('promtool test rules passes on every file', () => {
    const dir = writeTemp(result.files);
    const files = testFiles.map((file) => file.path);
    const { code, output } = runTool('promtool', ['test', 'rules', ...files], dir);
    rmSync(dir, { recursive: true, force: true });
    expect(output).not.toContain('FAILED');
    expect(output.match(/SUCCESS/g)).toHaveLength(files.length);
    expect(code).toBe(0);
  });

  test('promtool test rules fails when a threshold moves', () => {
    const dir = writeTemp(result.files);
    const rulesFile = path.join(dir, 'alerts/alerts.yml');
    const text = readFileSync(rulesFile, 'utf8');
    const moved = text.replace(/(actors_active\)\)?) > 10\n/, '$1 > 20\n');
    expect(moved).not.toBe(text);
    writeFileSync(rulesFile, moved);
    const target = `${RULE_TESTS_DIR}/swarm-scaler-actor-system-load-high.test.yml`;
    const { code, output } = runTool('promtool', ['test', 'rules', target], dir);
    rmSync(dir, { recursive: true, force: true });
    expect(output).toContain('FAILED');
    expect(code).not.toBe(0);
  });

  test('query override gets no test and a reason', () => {
    const overridden = structuredClone(config);
    overridden.scalingRules[0].measure = { name: 'custom', query: 'sum(my_metric)' };
    const custom = generate(overridden, {}, [alertRulesStep, ruleTestsStep]);
    const name = 'SwarmScalerSystemcoreOperationsHigh';
    expect(custom.untestedAlerts.map((entry) => entry.alert)).toEqual([name]);
    expect(custom.untestedAlerts[0].reason).toContain('query: override');
    const paths = custom.files.map((file) => file.path);
    expect(paths).not.toContain(
      `${RULE_TESTS_DIR}/swarm-scaler-systemcore-operations-high.test.yml`,
    );
  });

  test('short evaluation intervals still give passing tests', () => {
    const fast = generate(config, { evaluationInterval: '7s' }, [alertRulesStep, ruleTestsStep]);
    const dir = writeTemp(fast.files);
    const files = fast.files.filter((f) => f.path.startsWith(RULE_TESTS_DIR)).map((f) => f.path);
    const { code, output } = runTool('promtool', ['test', 'rules', ...files], dir);
    rmSync(dir, { recursive: true, force: true });
    expect(output).not.toContain('FAILED');
    expect(code).toBe(0);
  });
});
