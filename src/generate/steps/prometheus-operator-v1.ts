/**
 * Step prometheus-operator/v1: with `--format prometheus-operator`, the alerting and recording
 * rule groups as one PrometheusRule resource (monitoring.coreos.com/v1) in
 * alerts/prometheus-rule.yml, in place of the plain rule files.
 */
import { renderYaml } from '../render';
import type { GeneratorStep } from '../result';

/** Path of the PrometheusRule resource in the output folder. */
export const PROMETHEUS_RULE_FILE = 'alerts/prometheus-rule.yml';

export const prometheusOperatorStep: GeneratorStep = {
  id: 'prometheus-operator',
  version: 1,
  formats: ['prometheus-operator'],
  apply(context, result) {
    const resource = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: `swarm-scaler-${context.options.swarmName}`,
        labels: {
          'app.kubernetes.io/name': 'swarm-scaler',
          'app.kubernetes.io/part-of': context.options.swarmName,
        },
      },
      spec: { groups: [...result.alertGroups, ...result.recordingGroups] },
    };
    result.files.push({ path: PROMETHEUS_RULE_FILE, content: renderYaml(resource, context, this) });
  },
};
