/**
 * Turns a swarm config into alert specs: every scaling rule, every scaling trigger (both CPU
 * directions), every dynamic specialist's `spawn_when`, every agent's `auto_spawn_on` event, and
 * the pipeline's watchdog and exporter alerts. Names are checked for clashes.
 */
import { findMeasure } from '../catalog/measures';
import type { Comparison, Measure, ResolvedRole, SwarmConfig } from '../config/model';
import type { AlertSpec, ComparedMeasure, Severity, ThresholdCondition } from './alert-spec';
import { GenerateError } from './errors';
import { humanizeForUnit, valueTemplate } from './humanize';
import { ALERT_PREFIX, pascalCase, snakeCase } from './naming';
import { collectPipelineAlerts } from './pipeline-alerts';

/** Shortest window in which one lifecycle event keeps its alert firing, in seconds. */
const MIN_EVENT_WINDOW_SECONDS = 300;

const OP_WORDS: Record<Comparison, string> = {
  '>': 'above',
  '>=': 'at or above',
  '<': 'below',
  '<=': 'at or below',
};

/**
 * Builds every alert spec for `config` in a stable order. Throws GenerateError on a name clash.
 */
export function collectAlerts(config: SwarmConfig, job: string): AlertSpec[] {
  const alerts = [
    ...ruleAlerts(config),
    ...triggerAlerts(config),
    ...dynamicAlerts(config),
    ...eventAlerts(config),
    ...collectPipelineAlerts(config, job),
  ];
  assertUniqueNames(alerts);
  return alerts;
}

function ruleAlerts(config: SwarmConfig): AlertSpec[] {
  return config.scalingRules.map((rule) =>
    thresholdAlert({
      name: `${ALERT_PREFIX}${pascalCase(rule.name)}High`,
      kind: 'rule',
      rule: rule.name,
      configPath: rule.source?.path ?? `scaling_rules.${rule.name}`,
      condition: condition(rule.measure, '>', rule.threshold),
      forSeconds: rule.forSeconds,
      action: `spawns ${roleList(rule.spawn)}`,
      runbook: 'scaling-rule.md',
    }),
  );
}

function triggerAlerts(config: SwarmConfig): AlertSpec[] {
  const { cpu, queue, error, framework } = config.triggers;
  const alerts: AlertSpec[] = [];
  if (cpu) {
    const base = { kind: 'cpu', rule: 'cpu_scaling', forSeconds: cpu.forSeconds } as const;
    const cpuMeasure: Measure = { name: 'cpu_utilization', query: queryOverride(cpu) };
    alerts.push(
      thresholdAlert({
        ...base,
        name: `${ALERT_PREFIX}CpuScalingUp`,
        configPath: 'scaling_triggers.cpu_scaling.scale_up_threshold',
        condition: condition(cpuMeasure, '>', cpu.scaleUpThreshold),
        action: `adds ${cpu.agentsPerTrigger} agents`,
        runbook: 'scaling-trigger.md',
      }),
      thresholdAlert({
        ...base,
        name: `${ALERT_PREFIX}CpuScalingDown`,
        direction: 'down',
        severity: 'info',
        configPath: 'scaling_triggers.cpu_scaling.scale_down_threshold',
        condition: condition(cpuMeasure, '<', cpu.scaleDownThreshold),
        action: `retires ${cpu.agentsPerTrigger} agents`,
        runbook: 'scaling-trigger.md',
      }),
    );
  }
  if (queue) {
    alerts.push(
      thresholdAlert({
        name: `${ALERT_PREFIX}QueueScalingUp`,
        kind: 'queue',
        rule: 'queue_scaling',
        configPath: 'scaling_triggers.queue_scaling.pending_tasks_threshold',
        condition: condition(
          { name: 'pending_tasks', query: queryOverride(queue) },
          '>',
          queue.pendingTasksThreshold,
        ),
        forSeconds: queue.forSeconds,
        action: `adds ${queue.scaleUpAgents} agents`,
        runbook: 'scaling-trigger.md',
      }),
    );
  }
  if (error) {
    alerts.push(
      thresholdAlert({
        name: `${ALERT_PREFIX}ErrorScalingUp`,
        kind: 'error',
        rule: 'error_scaling',
        configPath: 'scaling_triggers.error_scaling.error_rate_threshold',
        condition: condition(
          { name: 'error_rate', query: queryOverride(error) },
          '>',
          error.errorRateThreshold,
        ),
        forSeconds: error.forSeconds,
        action: `spawns ${roleList(error.spawn)}`,
        runbook: 'scaling-trigger.md',
      }),
    );
  }
  for (const trigger of framework) {
    alerts.push(
      thresholdAlert({
        name: `${ALERT_PREFIX}Framework${pascalCase(trigger.name)}High`,
        kind: 'framework',
        rule: trigger.name,
        configPath: `scaling_triggers.framework_scaling.${trigger.name}`,
        condition: condition(trigger.measure, '>', trigger.threshold),
        forSeconds: trigger.forSeconds,
        action: `spawns ${roleList(trigger.spawn)}`,
        runbook: 'scaling-trigger.md',
      }),
    );
  }
  return alerts;
}

function dynamicAlerts(config: SwarmConfig): AlertSpec[] {
  const agents = config.categories.flatMap((category) =>
    category.agents.map((agent) => ({ agent, category })),
  );
  return agents.flatMap(({ agent, category }) => {
    const when = agent.spawnWhen;
    if (!when) return [];
    return [
      thresholdAlert({
        name: `${ALERT_PREFIX}Dynamic${pascalCase(agent.id)}`,
        kind: 'dynamic',
        rule: agent.id,
        configPath: `${category.name}.agents.${agent.id}.spawn_when`,
        condition: condition({ name: when.measure }, when.op, when.threshold),
        forSeconds: config.scaler.defaultForSeconds,
        action: `spawns ${agent.id} (spawn_when: ${when.text})`,
        runbook: 'dynamic-specialist.md',
      }),
    ];
  });
}

/**
 * Builds one alert per distinct `auto_spawn_on` event, labelled with the snake-cased event.
 * The scaler spawns every agent that lists the event, so one alert serves them all.
 */
function eventAlerts(config: SwarmConfig): AlertSpec[] {
  const forSeconds = config.scaler.defaultForSeconds;
  const windowSeconds = Math.max(MIN_EVENT_WINDOW_SECONDS, 2 * forSeconds);
  const events = new Map<string, { text: string; agents: string[]; configPath: string }>();
  for (const category of config.categories) {
    for (const agent of category.agents) {
      for (const text of agent.autoSpawnOn) {
        const event = snakeCase(text);
        const configPath = `${category.name}.agents.${agent.id}.auto_spawn_on`;
        const entry = events.get(event) ?? { text, agents: [], configPath };
        entry.agents.push(agent.id);
        events.set(event, entry);
      }
    }
  }
  return [...events.entries()].map(
    ([event, { text, agents, configPath }]): AlertSpec => ({
      name: `${ALERT_PREFIX}Lifecycle${pascalCase(event)}`,
      kind: 'event',
      direction: 'up',
      rule: event,
      configPath,
      severity: 'warning',
      condition: { type: 'event', event, text, windowSeconds },
      forSeconds,
      extraLabels: { event },
      summary: `Framework event "${text}" seen: spawn ${nameList(agents)}.`,
      description:
        `{{ $value | humanize }} "${text}" events in the last ${windowSeconds / 60}m;` +
        ` the scaler spawns ${nameList(agents)} (auto_spawn_on).`,
      runbook: 'lifecycle-event.md',
    }),
  );
}

interface ThresholdAlertInput {
  name: string;
  kind: AlertSpec['kind'];
  direction?: AlertSpec['direction'];
  severity?: Severity;
  rule: string;
  configPath: string;
  condition: ThresholdCondition;
  forSeconds: number;
  /** The scaler's action while the alert fires, such as `spawns a and b`. */
  action: string;
  runbook: string;
}

function thresholdAlert(input: ThresholdAlertInput): AlertSpec {
  const { measure, op, threshold } = input.condition;
  const limit = humanizeForUnit(threshold, measure.unit);
  const words = OP_WORDS[op];
  return {
    name: input.name,
    kind: input.kind,
    direction: input.direction ?? 'up',
    rule: input.rule,
    configPath: input.configPath,
    severity: input.severity ?? 'warning',
    condition: input.condition,
    forSeconds: input.forSeconds,
    extraLabels: {},
    summary: `${capitalize(measure.description)} ${words} ${limit} (${input.configPath}).`,
    description:
      `${capitalize(measure.description)} is ${valueTemplate(measure.unit)}, ${words} the` +
      ` threshold of ${limit}; the scaler ${input.action}.`,
    runbook: input.runbook,
  };
}

function condition(measure: Measure, op: Comparison, threshold: number): ThresholdCondition {
  return { type: 'threshold', measure: compareMeasure(measure), op, threshold };
}

/** Resolves a config measure against the catalogue; a `query:` override replaces the expression. */
export function compareMeasure(measure: Measure): ComparedMeasure {
  const known = findMeasure(measure.name);
  if (measure.query !== undefined) {
    return {
      name: measure.name,
      expr: measure.query,
      unit: known?.unit ?? 'short',
      description: known?.description ?? measure.name.replace(/_/g, ' '),
      isOverride: true,
    };
  }
  if (!known) {
    throw new GenerateError(
      'GENERATE_MEASURE_UNKNOWN',
      `measure "${measure.name}" is not in the catalogue: add a query: to its config entry`,
    );
  }
  const { name, expr, unit, description } = known;
  return { name, expr, unit, description, isOverride: false };
}

/** Returns the `query:` of a built-in trigger, for config models that carry one. */
function queryOverride(trigger: object): string | undefined {
  return 'query' in trigger && typeof trigger.query === 'string' ? trigger.query : undefined;
}

/** Lists spawn names as written in the config, so the text does not change with resolution. */
function roleList(roles: ResolvedRole[]): string {
  return nameList(roles.map((role) => role.requested));
}

function nameList(items: string[]): string {
  const names = [...new Set(items)];
  return names.length <= 1
    ? names.join('')
    : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function capitalize(text: string): string {
  return text.length === 0 ? text : text[0].toUpperCase() + text.slice(1);
}

function assertUniqueNames(alerts: AlertSpec[]): void {
  const seen = new Map<string, string>();
  for (const alert of alerts) {
    const other = seen.get(alert.name);
    if (other !== undefined) {
      throw new GenerateError(
        'GENERATE_NAME_CLASH',
        `alert name ${alert.name} is generated for both ${other} and ${alert.configPath}:` +
          ' rename one of the two config entries',
      );
    }
    seen.set(alert.name, alert.configPath);
  }
}
