/** The simulator's load against the config's thresholds, phase by phase. */
import type { SwarmConfig } from '../../src/config/model';
import { collectThresholds, planLoad, type LoadPlan } from '../../src/simulate';
import { exampleConfig } from '../exporter/support';

const sum = (value: number | Record<string, number>): number =>
  typeof value === 'number' ? value : Object.values(value).reduce((a, b) => a + b, 0);

/** Computes each measure's value under a plan, as its catalogue PromQL would. */
function measureValues(plan: LoadPlan): Record<string, number> {
  const gauges = plan.gauges;
  const actors = sum(gauges.actors_active);
  return {
    systemcore_operations: sum(gauges.systemcore_operations_in_flight),
    actor_system_load: actors,
    actor_count: actors,
    database_operations: plan.rates.pgQueries,
    transport_throughput: plan.rates.natsMessages,
    nats_throughput: plan.rates.natsMessages,
    error_rate: plan.rates.errorsPerRequest,
    database_connections:
      sum(gauges.pg_pool_active_connections) / sum(gauges.pg_pool_max_connections),
    cpu_utilization: gauges.framework_cpu_utilization_ratio as number,
    memory_usage: gauges.framework_memory_utilization_ratio as number,
    pending_tasks: sum(gauges.task_queue_depth),
    // histogram_quantile never returns more than the bucket bound that contains every observation.
    response_time: plan.maxLatencySeconds,
    actor_queue_depth: Math.max(
      ...Object.values(gauges.actor_mailbox_depth as Record<string, number>),
    ),
  };
}

function withThresholds(config: SwarmConfig, thresholds: Record<string, number>): SwarmConfig {
  return {
    ...config,
    scalingRules: config.scalingRules.map((rule) => ({
      ...rule,
      threshold: thresholds[rule.name] ?? rule.threshold,
    })),
    triggers: {
      ...config.triggers,
      framework: config.triggers.framework.map((t) => ({
        ...t,
        threshold: thresholds[t.name] ?? t.threshold,
      })),
    },
  };
}

describe('load plan', () => {
  const config = exampleConfig();
  const thresholds = collectThresholds(config);

  test('every config measure is modelled', () => {
    const modelled = Object.keys(measureValues(planLoad(config, 'steady')));
    expect([...thresholds.upper.keys()].filter((measure) => !modelled.includes(measure))).toEqual(
      [],
    );
  });

  test.each(['steady', 'calm'] as const)('%s stays below every threshold', (phase) => {
    const values = measureValues(planLoad(config, phase));
    for (const [measure, threshold] of thresholds.upper) {
      expect({ measure, value: values[measure] < threshold }).toEqual({ measure, value: true });
    }
    expect(values.cpu_utilization).toBeGreaterThan(thresholds.cpuScaleDown!);
  });

  test.each(['steady', 'calm', 'surge'] as const)(
    '%s gives every gauge a nonzero value',
    (phase) => {
      const plan = planLoad(config, phase);
      for (const [metric, value] of Object.entries(plan.gauges)) {
        expect({ metric, nonzero: sum(value) > 0 }).toEqual({ metric, nonzero: true });
      }
    },
  );

  test('surge raises only actor load', () => {
    const values = measureValues(planLoad(config, 'surge'));
    expect(values.actor_system_load).toBe(30);
    expect(values.actor_system_load).toBeGreaterThan(thresholds.upper.get('actor_system_load')!);
    expect(values.actor_count).toBeLessThan(thresholds.upper.get('actor_count')!);
    for (const [measure, threshold] of thresholds.upper) {
      if (measure === 'actor_system_load') continue;
      expect({ measure, value: values[measure] < threshold }).toEqual({ measure, value: true });
    }
  });

  test('thresholds come from the config', () => {
    const changed = withThresholds(config, {
      actor_system_load: 4,
      actor_count: 12,
      systemcore_operations: 2,
    });
    const steady = measureValues(planLoad(changed, 'steady'));
    const surge = measureValues(planLoad(changed, 'surge'));
    expect(steady.actor_system_load).toBeLessThan(4);
    expect(steady.systemcore_operations).toBeLessThan(2);
    expect(surge.actor_system_load).toBe(8);
  });

  test('no room for a surge is an error', () => {
    const changed = withThresholds(config, { actor_system_load: 10, actor_count: 11 });
    expect(() => planLoad(changed, 'surge')).toThrow(
      /strictly between actor_system_load \(10\) and actor_count \(11\)/,
    );
  });
});
