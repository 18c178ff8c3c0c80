/**
 * Step recording-rules/v1: the derived series that the config's dashboard queries name, so those
 * queries return data verbatim. Rates come from counters here, since the exporter publishes
 * counters, not per-second gauges. Written to alerts/recording-rules.yml.
 */
import { renderYaml } from '../render';
import type { GeneratorStep, PrometheusRule, RuleGroup } from '../result';

/** Path of the recording rule file in the output folder. */
export const RECORDING_RULES_FILE = 'alerts/recording-rules.yml';

// Same window as the catalogue's measures: four scrapes at the default 15s interval.
const WINDOW = '1m';

/**
 * Recording rules by the name they publish. Each ratio filters out zero denominators with
 * `> 0`, so no rule yields NaN or Inf: a kind with no recovery attempts has no series.
 */
export const RECORDING_RULES: readonly PrometheusRule[] = [
  {
    record: 'jetstream_kv_operations_per_second',
    expr: `sum by (bucket) (rate(jetstream_kv_operations_total[${WINDOW}]))`,
  },
  {
    record: 'error_recovery_success_rate',
    expr:
      `sum by (kind) (rate(error_recovery_successes_total[${WINDOW}]))` +
      ` / (sum by (kind) (rate(error_recovery_attempts_total[${WINDOW}])) > 0)`,
  },
];

export const recordingRulesStep: GeneratorStep = {
  id: 'recording-rules',
  version: 1,
  formats: ['prometheus', 'prometheus-operator'],
  apply(context, result) {
    const group: RuleGroup = {
      name: 'swarm-scaler.framework-records',
      interval: context.options.evaluationInterval,
      rules: RECORDING_RULES.map((rule) => ({ ...rule })),
    };
    result.recordingGroups.push(group);
    if (context.options.format === 'prometheus') {
      const content = renderYaml({ groups: [group] }, context, this);
      result.files.push({ path: RECORDING_RULES_FILE, content });
    }
  },
};
