/** The generator steps, in the order they run. Later steps may read what earlier ones added. */
import type { GeneratorStep } from '../result';
import { alertRulesStep } from './alert-rules-v1';
import { alertmanagerConfigStep } from './alertmanager-config-v1';
import { frameworkDashboardStep } from './framework-dashboard-v1';
import { grafanaProvisioningStep } from './grafana-provisioning-v1';
import { prometheusConfigStep } from './prometheus-config-v1';
import { prometheusOperatorStep } from './prometheus-operator-v1';
import { recordingRulesStep } from './recording-rules-v1';
import { ruleTestsStep } from './rule-tests-v1';
import { scalerDashboardStep } from './scaler-dashboard-v1';

export const STEPS: readonly GeneratorStep[] = [
  alertRulesStep,
  recordingRulesStep,
  ruleTestsStep,
  prometheusOperatorStep,
  prometheusConfigStep,
  alertmanagerConfigStep,
  frameworkDashboardStep,
  scalerDashboardStep,
  grafanaProvisioningStep,
];
