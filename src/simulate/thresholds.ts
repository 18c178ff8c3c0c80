/**
 * The thresholds of a swarm config, gathered by measure: the lowest value at which any scaling
 * rule, trigger or `spawn_when` condition would fire. The simulator keeps its load under them.
 */
import type { SwarmConfig } from '../config/model';

/** The lowest firing threshold of each measure, plus the CPU band that fires nothing. */
export interface ThresholdMap {
  /** Lowest threshold by catalogue measure name; a measure above it fires something. */
  upper: Map<string, number>;
  /** CPU ratio below which the CPU trigger scales down; undefined without a CPU trigger. */
  cpuScaleDown?: number;
  /** Measures the config overrides with its own `query:`; the simulator cannot steer those. */
  overridden: string[];
}

/** Collects the thresholds of every rule, trigger and dynamic specialist of `config`. */
export function collectThresholds(config: SwarmConfig): ThresholdMap {
  const upper = new Map<string, number>();
  const overridden: string[] = [];
  const add = (measure: string, threshold: number): void => {
    const previous = upper.get(measure);
    upper.set(measure, previous === undefined ? threshold : Math.min(previous, threshold));
  };

  for (const rule of config.scalingRules) {
    if (rule.measure.query) overridden.push(rule.measure.name);
    add(rule.measure.name, rule.threshold);
  }
  for (const trigger of config.triggers.framework) {
    if (trigger.measure.query) overridden.push(trigger.measure.name);
    add(trigger.measure.name, trigger.threshold);
  }
  const { cpu, queue, error } = config.triggers;
  if (cpu) add('cpu_utilization', cpu.scaleUpThreshold);
  if (queue) add('pending_tasks', queue.pendingTasksThreshold);
  if (error) add('error_rate', error.errorRateThreshold);
  for (const category of config.categories) {
    for (const agent of category.agents) {
      const condition = agent.spawnWhen;
      if (condition && (condition.op === '>' || condition.op === '>='))
        add(condition.measure, condition.threshold);
    }
  }
  return { upper, cpuScaleDown: cpu?.scaleDownThreshold, overridden };
}
