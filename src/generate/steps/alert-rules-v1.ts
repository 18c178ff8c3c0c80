/**
 * Step alert-rules/v1: one alert rule group per source of alerts (scaling rules, scaling
 * triggers, dynamic specialists, lifecycle events, pipeline), written to alerts/alerts.yml.
 */
import type { AlertKind } from '../../catalog/alert-contract';
import { alertRule } from '../alert-expr';
import { renderYaml } from '../render';
import type { GeneratorStep, RuleGroup } from '../result';

/** Path of the alert rule file in the output folder. */
export const ALERT_RULES_FILE = 'alerts/alerts.yml';

const GROUPS: readonly { name: string; kinds: readonly AlertKind[] }[] = [
  { name: 'swarm-scaler.scaling-rules', kinds: ['rule'] },
  { name: 'swarm-scaler.scaling-triggers', kinds: ['cpu', 'queue', 'error', 'framework'] },
  { name: 'swarm-scaler.dynamic-specialists', kinds: ['dynamic'] },
  { name: 'swarm-scaler.lifecycle-events', kinds: ['event'] },
  { name: 'swarm-scaler.pipeline', kinds: ['watchdog', 'exporter_down'] },
];

export const alertRulesStep: GeneratorStep = {
  id: 'alert-rules',
  version: 1,
  formats: ['prometheus', 'prometheus-operator'],
  apply(context, result) {
    const { alerts, options } = context;
    const groups: RuleGroup[] = GROUPS.map((group) => ({
      name: group.name,
      interval: options.evaluationInterval,
      rules: alerts
        .filter((alert) => group.kinds.includes(alert.kind))
        .map((alert) => alertRule(alert, options)),
    })).filter((group) => group.rules.length > 0);
    result.alertGroups.push(...groups);
    if (options.format === 'prometheus') {
      const content = renderYaml({ groups }, context, this);
      result.files.push({ path: ALERT_RULES_FILE, content });
    }
  },
};
