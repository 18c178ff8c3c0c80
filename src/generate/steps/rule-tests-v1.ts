/**
 * Step rule-tests/v1: one `promtool test rules` file per alert under alerts/tests/. Each file has
 * a quiet case (the measure on the safe side of the threshold: nothing fires) and a firing case
 * (pending one evaluation before `for:` has passed, firing with the scaler's labels and the exact
 * annotations once it has).
 */
import { alertAnnotations, alertLabels } from '../alert-expr';
import type { AlertSpec } from '../alert-spec';
import { renderAnnotation } from '../annotation-template';
import { kebabCase } from '../naming';
import { durationSeconds, formatDuration, type GenerateOptions } from '../options';
import { renderYaml } from '../render';
import { buildScenario, type Scenario, type Timing } from '../rule-test-fixtures';
import type { GenerationContext, GeneratorStep } from '../result';
import { ALERT_RULES_FILE } from './alert-rules-v1';

/** Folder of the generated rule tests in the output folder. */
export const RULE_TESTS_DIR = 'alerts/tests';

/** Time a quiet case runs past the firing time of its firing case, in seconds. */
const QUIET_MARGIN_SECONDS = 120;

interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
}

interface TestGroup {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: AlertRuleTest[];
}

export const ruleTestsStep: GeneratorStep = {
  id: 'rule-tests',
  version: 1,
  formats: ['prometheus'],
  apply(context, result) {
    for (const alert of context.alerts) {
      const tests = buildTests(alert, context.options);
      if (typeof tests === 'string') {
        result.untestedAlerts.push({ alert: alert.name, reason: tests });
        continue;
      }
      const path = `${RULE_TESTS_DIR}/${kebabCase(alert.name)}.test.yml`;
      result.files.push({ path, content: renderTestFile(tests, context, this) });
    }
  },
};

/** Returns the test groups of an alert, or the reason it has none. */
function buildTests(alert: AlertSpec, options: GenerateOptions): TestGroup[] | string {
  const intervalSeconds = durationSeconds(options.evaluationInterval);
  // valueAt does not depend on the number of samples, so a short probe finds the firing time.
  const probe: Timing = { intervalSeconds, samples: 2 };
  const firingProbe = buildScenario(alert, 'firing', probe);
  if (!firingProbe) return 'no input series can be derived for its expression (query: override)';
  const fireAt = firingTime(alert, firingProbe, intervalSeconds);
  if (fireAt === undefined) return 'its fixture never crosses the threshold';
  const endSeconds = fireAt + Math.ceil(QUIET_MARGIN_SECONDS / intervalSeconds) * intervalSeconds;
  const timing: Timing = { intervalSeconds, samples: Math.round(endSeconds / intervalSeconds) + 2 };
  const groups: TestGroup[] = [];
  const quiet = buildScenario(alert, 'quiet', timing);
  if (quiet) groups.push(quietGroup(alert, quiet, endSeconds, options));
  const firing = buildScenario(alert, 'firing', timing) as Scenario;
  groups.push(firingGroup(alert, firing, fireAt, options));
  return groups;
}

/** First evaluation at which the alert fires: `for:` after the condition first holds. */
function firingTime(
  alert: AlertSpec,
  scenario: Scenario,
  intervalSeconds: number,
): number | undefined {
  const limitSeconds = 3600;
  for (let t = 0; t <= limitSeconds; t += intervalSeconds) {
    const value = scenario.valueAt(t);
    if (value !== undefined && holds(alert, value)) {
      return t + Math.ceil(alert.forSeconds / intervalSeconds) * intervalSeconds;
    }
  }
  return undefined;
}

function holds(alert: AlertSpec, value: number): boolean {
  const { condition } = alert;
  if (condition.type === 'event') return value > 0;
  // Only firing scenarios are searched, and those of pipeline alerts hold from the first sample.
  if (condition.type === 'pipeline') return true;
  const { op, threshold } = condition;
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

function quietGroup(
  alert: AlertSpec,
  scenario: Scenario,
  endSeconds: number,
  options: GenerateOptions,
): TestGroup {
  return {
    name: `${alert.name} stays quiet on the safe side of its threshold`,
    interval: options.evaluationInterval,
    input_series: scenario.series,
    alert_rule_test: [
      { eval_time: formatDuration(endSeconds), alertname: alert.name, exp_alerts: [] },
    ],
  };
}

function firingGroup(
  alert: AlertSpec,
  scenario: Scenario,
  fireAt: number,
  options: GenerateOptions,
): TestGroup {
  const intervalSeconds = durationSeconds(options.evaluationInterval);
  const checks: AlertRuleTest[] = [];
  if (fireAt >= intervalSeconds && alert.forSeconds > 0) {
    const before = fireAt - intervalSeconds;
    checks.push({ eval_time: formatDuration(before), alertname: alert.name, exp_alerts: [] });
  }
  checks.push({
    eval_time: formatDuration(fireAt),
    alertname: alert.name,
    exp_alerts: [expectedAlert(alert, scenario, fireAt, options)],
  });
  return {
    name: `${alert.name} fires once for: has passed`,
    interval: options.evaluationInterval,
    input_series: scenario.series,
    alert_rule_test: checks,
  };
}

function expectedAlert(alert: AlertSpec, scenario: Scenario, t: number, options: GenerateOptions) {
  const value = scenario.valueAt(t) as number;
  const labels = { ...scenario.labels, ...alertLabels(alert, options) };
  const annotations = Object.fromEntries(
    Object.entries(alertAnnotations(alert, options)).map(([key, template]) => [
      key,
      renderAnnotation(template, value, labels),
    ]),
  );
  return { exp_labels: labels, exp_annotations: annotations };
}

function renderTestFile(
  tests: TestGroup[],
  context: GenerationContext,
  step: GeneratorStep,
): string {
  const file = {
    rule_files: [relativeRuleFile()],
    evaluation_interval: context.options.evaluationInterval,
    tests,
  };
  return renderYaml(file, context, step);
}

/** Returns the alert rule file's path relative to the tests, as promtool resolves it. */
function relativeRuleFile(): string {
  const depth = RULE_TESTS_DIR.split('/').length - 1;
  return `${'../'.repeat(depth)}${ALERT_RULES_FILE.split('/').slice(1).join('/')}`;
}
