import { rmSync } from 'node:fs';

import { parse } from 'yaml';

import { findSignal } from '../../../src/catalog/signals';
import { generate } from '../../../src/generate/generate';
import {
  RECORDING_RULES_FILE,
  recordingRulesStep,
} from '../../../src/generate/steps/recording-rules-v1';
import type { RuleGroup } from '../../../src/generate/result';
import { exampleConfig, fileAt, runTool, writeTemp } from '../support';

describe('recording-rules step', () => {
  const config = exampleConfig();
  const result = generate(config, {}, [recordingRulesStep]);
  const content = fileAt(result.files, RECORDING_RULES_FILE);
  const rules = (parse(content) as { groups: RuleGroup[] }).groups.flatMap((group) => group.rules);

  test('records every dashboard series the exporter does not export', () => {
    const records = rules.map((rule) => rule.record);
    const bareNames = config.dashboards.map((entry) => entry.query).filter((q) => /^\w+$/.test(q));
    const derived = bareNames.filter((name) => findSignal(name) === undefined);
    expect(derived).toEqual(['jetstream_kv_operations_per_second', 'error_recovery_success_rate']);
    expect(records).toEqual(derived);
  });

  test('ratio guards its denominator', () => {
    const rate = rules.find((rule) => rule.record === 'error_recovery_success_rate');
    expect(rate?.expr).toMatch(
      /\/ \(sum by \(kind\) \(rate\(error_recovery_attempts_total\[1m\]\)\) > 0\)$/,
    );
  });

  test('promtool yields no NaN for zero attempts', () => {
    const dir = writeTemp([
      ...result.files,
      {
        path: 'alerts/tests/records.test.yml',
        content: [
          'rule_files: [../recording-rules.yml]',
          'evaluation_interval: 15s',
          'tests:',
          '  - interval: 15s',
          '    input_series:',
          '      - series: error_recovery_attempts_total{kind="actor"}',
          '        values: 0+4x10',
          '      - series: error_recovery_successes_total{kind="actor"}',
          '        values: 0+3x10',
          '      - series: error_recovery_attempts_total{kind="timeout"}',
          '        values: 0+0x10',
          '      - series: error_recovery_successes_total{kind="timeout"}',
          '        values: 0+0x10',
          '      - series: jetstream_kv_operations_total{bucket="cache",operation="get"}',
          '        values: 0+30x10',
          '    promql_expr_test:',
          '      - expr: error_recovery_success_rate',
          '        eval_time: 2m',
          '        exp_samples:',
          '          - labels: error_recovery_success_rate{kind="actor"}',
          '            value: 0.75',
          '      - expr: jetstream_kv_operations_per_second',
          '        eval_time: 2m',
          '        exp_samples:',
          '          - labels: jetstream_kv_operations_per_second{bucket="cache"}',
          '            value: 2',
          '',
        ].join('\n'),
      },
    ]);
    const { code, output } = runTool(
      'promtool',
      ['test', 'rules', 'alerts/tests/records.test.yml'],
      dir,
    );
    rmSync(dir, { recursive: true, force: true });
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });
});
