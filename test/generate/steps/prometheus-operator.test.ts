import { rmSync } from 'node:fs';

import { parse, stringify } from 'yaml';

import { generate } from '../../../src/generate/generate';
import { alertRulesStep } from '../../../src/generate/steps/alert-rules-v1';
import {
  PROMETHEUS_RULE_FILE,
  prometheusOperatorStep,
} from '../../../src/generate/steps/prometheus-operator-v1';
import { recordingRulesStep } from '../../../src/generate/steps/recording-rules-v1';
import { exampleConfig, fileAt, runTool, writeTemp } from '../support';

interface PrometheusRuleResource {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { groups: { name: string; rules: unknown[] }[] };
}

describe('prometheus-operator step', () => {
  const steps = [alertRulesStep, recordingRulesStep, prometheusOperatorStep];
  const result = generate(exampleConfig(), { format: 'prometheus-operator' }, steps);
  const resource = parse(fileAt(result.files, PROMETHEUS_RULE_FILE)) as PrometheusRuleResource;

  test('writes one PrometheusRule in place of the rule files', () => {
    expect(result.files.map((file) => file.path)).toEqual([PROMETHEUS_RULE_FILE]);
    expect(resource.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(resource.kind).toBe('PrometheusRule');
    expect(resource.metadata.name).toBe('swarm-scaler-ms-framework');
  });

  test('carries alerting and recording groups', () => {
    const names = resource.spec.groups.map((group) => group.name);
    expect(names).toContain('swarm-scaler.scaling-rules');
    expect(names).toContain('swarm-scaler.framework-records');
  });

  test('promtool check rules accepts its groups', () => {
    const content = stringify({ groups: resource.spec.groups });
    const dir = writeTemp([{ path: 'groups.yml', content }]);
    const { code, output } = runTool('promtool', ['check', 'rules', 'groups.yml'], dir);
    rmSync(dir, { recursive: true, force: true });
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  test('plain format writes no PrometheusRule', () => {
    const plain = generate(exampleConfig(), {}, steps);
    expect(plain.files.map((file) => file.path)).not.toContain(PROMETHEUS_RULE_FILE);
  });
});
