/**
 * Step recording-rules/v1: the derived series that the config's dashboard queries name, so those
 * queries return data verbatim. Rates come from counters here, since the exporter publishes
 * counters, not per-second gauges. Written to alerts/recording-rules.yml.
 */
import type { Unit } from '../../catalog/signals';
import { renderYaml } from '../render';
import type { GeneratorStep, PrometheusRule, RuleGroup } from '../result';

/** Path of the recording rule file in the output folder. */
export const RECORDING_RULES_FILE = 'alerts/recording-rules.yml';

// Same window as the catalogue's measures: four scrapes at the default 15s interval.
const WINDOW = '1m';

/** A series published by a recording rule, with the unit dashboards show it in. */
export interface RecordedSeries {
  record: string;
  expr: string;
  unit: Unit;
}

/**
 * Recorded series by the name they publish. The ratio filters out zero denominators with `> 0`,
 * so no rule yields NaN or Inf: a kind with no recovery attempts has no series.
 */
export const RECORDED_SERIES: readonly RecordedSeries[] = [
  {
    record: 'jetstream_kv_operations_per_second',
    expr: `sum by (bucket) (rate(jetstream_kv_operations_total[${WINDOW}]))`,
    unit: 'ops',
  },
  {
    record: 'error_recovery_success_rate',
    expr:
      `sum by (kind) (rate(error_recovery_successes_total[${WINDOW}]))` +
      ` / (sum by (kind) (rate(error_recovery_attempts_total[${WINDOW}])) > 0)`,
    unit: 'percentunit',
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
      rules: RECORDED_SERIES.map(({ record, expr }): PrometheusRule => ({ record, expr })),
    };
    result.recordingGroups.push(group);
    if (context.options.format === 'prometheus') {
      const content = renderYaml({ groups: [group] }, context, this);
      result.files.push({ path: RECORDING_RULES_FILE, content });
    }
  },
};
