import { parse } from 'yaml';

import { generate } from '../../../src/generate/generate';
import { alertRulesStep } from '../../../src/generate/steps/alert-rules-v1';
import { grafanaProvisioningStep } from '../../../src/generate/steps/grafana-provisioning-v1';
import {
  PROMETHEUS_RULE_FILE,
  prometheusOperatorStep,
} from '../../../src/generate/steps/prometheus-operator-v1';
import { recordingRulesStep } from '../../../src/generate/steps/recording-rules-v1';
import { exampleConfig, fileAt } from '../support';

describe('grafana-provisioning step', () => {
  const result = generate(exampleConfig(), { prometheusAddress: '127.0.0.1:9999' }, [
    grafanaProvisioningStep,
  ]);

  test('datasource points at Prometheus', () => {
    const file = fileAt(result.files, 'dashboards/provisioning/datasources/prometheus.yml');
    const parsed = parse(file) as { datasources: { type: string; url: string; uid: string }[] };
    expect(parsed.datasources).toEqual([
      expect.objectContaining({
        type: 'prometheus',
        url: 'http://127.0.0.1:9999',
        uid: 'prometheus',
      }),
    ]);
  });

  test('dashboard provider reads the mounted dashboards folder', () => {
    const file = fileAt(result.files, 'dashboards/provisioning/dashboards/swarm-scaler.yml');
    const parsed = parse(file) as { providers: { type: string; options: { path: string } }[] };
    expect(parsed.providers[0].type).toBe('file');
    expect(parsed.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
  });
});

describe('prometheus-operator step', () => {
  const steps = [alertRulesStep, recordingRulesStep, prometheusOperatorStep];

  test('writes one PrometheusRule with every group', () => {
    const result = generate(exampleConfig(), { format: 'prometheus-operator' }, steps);
    expect(result.files.map((file) => file.path)).toEqual([PROMETHEUS_RULE_FILE]);
    const resource = parse(fileAt(result.files, PROMETHEUS_RULE_FILE)) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string };
      spec: { groups: { name: string; rules: unknown[] }[] };
    };
    expect(resource.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(resource.kind).toBe('PrometheusRule');
    expect(resource.metadata.name).toBe('swarm-scaler-ms-framework');
    const names = resource.spec.groups.map((group) => group.name);
    expect(names).toContain('swarm-scaler.scaling-rules');
    expect(names).toContain('swarm-scaler.framework-records');
  });

  test('plain format writes no PrometheusRule', () => {
    const result = generate(exampleConfig(), {}, steps);
    expect(result.files.map((file) => file.path)).not.toContain(PROMETHEUS_RULE_FILE);
  });
});
