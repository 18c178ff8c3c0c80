/**
 * Renders a loaded config for people: rules and triggers with thresholds in base units, agents
 * per category against capacity, how each spawn name resolved, and the warnings.
 */
import { findMeasure } from '../catalog/measures';
import { kindOfUnit } from './measure-ref';
import type { ConfigWarning, LoadedConfig, Measure, ResolvedRole, SwarmConfig } from './model';
import { formatBaseUnits, type QuantityKind } from './quantity';

/** Pads the columns of `rows` to a common width; the first row is the header. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
        .join('  '),
    )
    .map((line) => `  ${line}`.trimEnd())
    .join('\n');
}

/** Formats the whole `validate` report. */
export function formatSummary(loaded: LoadedConfig): string {
  const { config, warnings } = loaded;
  const sections = [
    `${config.source.file}: valid (${config.source.format})`,
    formatSwarm(config),
    `Scaling rules (${config.scalingRules.length})\n${formatRules(config)}`,
    `Triggers\n${formatTriggers(config)}`,
    `Agents per category\n${formatCategories(config)}`,
    `Name resolution (${config.roles.length} names)\n${formatRoles(config.roles)}`,
    `Warnings (${warnings.length})${warnings.length > 0 ? `\n${formatWarnings(warnings)}` : ''}`,
  ];
  return `${sections.join('\n\n')}\n`;
}

function formatSwarm(config: SwarmConfig): string {
  const { swarm, autoScale } = config;
  const auto = autoScale.enabled
    ? `on, ${autoScale.minAgents}..${autoScale.maxAgents} agents, strategy ${autoScale.strategy}`
    : 'off';
  return `Swarm: ${swarm.topology}, ${swarm.baseAgents} base agents, at most ${swarm.maxAgents}; auto-scale ${auto}`;
}

function formatRules(config: SwarmConfig): string {
  const rows = [['RULE', 'MEASURE', 'THRESHOLD', 'FOR', 'COOLDOWN', 'SPAWN']];
  for (const rule of config.scalingRules) {
    rows.push([
      rule.name,
      measureLabel(rule.measure),
      threshold(rule.threshold, rule.measure),
      duration(rule.forSeconds),
      duration(rule.cooldownSeconds),
      roleList(rule.spawn),
    ]);
  }
  return formatTable(rows);
}

/** Formats the trigger table shared by `validate` and `triggers list`. */
export function formatTriggers(config: SwarmConfig): string {
  const rows = [['TRIGGER', 'KIND', 'MEASURE', 'THRESHOLD', 'FOR', 'COOLDOWN', 'ACTION']];
  const { cpu, queue, error, framework } = config.triggers;
  if (cpu) {
    const up = formatBaseUnits(cpu.scaleUpThreshold, 'ratio');
    const down = formatBaseUnits(cpu.scaleDownThreshold, 'ratio');
    rows.push([
      'cpu_scaling',
      'cpu',
      'cpu_utilization',
      `up > ${up}, down < ${down}`,
      duration(cpu.forSeconds),
      duration(cpu.cooldownSeconds),
      `+/- ${cpu.agentsPerTrigger} agents`,
    ]);
  }
  if (queue) {
    const action = `+${queue.scaleUpAgents} agents${queue.priorityAware ? ', priority-aware' : ''}`;
    rows.push([
      'queue_scaling',
      'queue',
      'pending_tasks',
      `> ${queue.pendingTasksThreshold}`,
      duration(queue.forSeconds),
      duration(queue.cooldownSeconds),
      action,
    ]);
  }
  if (error) {
    rows.push([
      'error_scaling',
      'error',
      'error_rate',
      `> ${formatBaseUnits(error.errorRateThreshold, 'ratio')}`,
      duration(error.forSeconds),
      duration(error.cooldownSeconds),
      roleList(error.spawn),
    ]);
  }
  for (const trigger of framework) {
    rows.push([
      trigger.name,
      'framework',
      measureLabel(trigger.measure),
      `> ${threshold(trigger.threshold, trigger.measure)}`,
      duration(trigger.forSeconds),
      duration(trigger.cooldownSeconds),
      roleList(trigger.spawn),
    ]);
  }
  return rows.length > 1 ? formatTable(rows) : '  (none)';
}

function formatCategories(config: SwarmConfig): string {
  const rows = [['CATEGORY', 'AGENT TYPES', 'CREATED ROLES', 'CAPACITY', 'MODE']];
  for (const category of config.categories) {
    const created = config.roles.filter(
      (role) => role.via === 'created' && role.category === category.name,
    ).length;
    rows.push([
      category.name,
      String(category.agents.length),
      String(created),
      String(category.capacity),
      category.dynamic ? 'dynamic' : 'standing',
    ]);
  }
  const total = config.categories.reduce((sum, category) => sum + category.capacity, 0);
  rows.push(['total', '', '', `${total} (max_agents ${config.autoScale.maxAgents})`, '']);
  return formatTable(rows);
}

function formatRoles(roles: ResolvedRole[]): string {
  const rows = [['NAME', 'ROLE', 'CATEGORY', 'VIA', 'WHY']];
  for (const role of roles)
    rows.push([role.requested, role.role, role.category, role.via, role.reason ?? '']);
  return formatTable(rows);
}

/** Formats one line per warning: `file:line:column: path: message`. */
export function formatWarnings(warnings: ConfigWarning[]): string {
  return warnings
    .map(({ source, message }) => {
      const where = source
        ? `${source.file}:${source.line}:${source.column}: ${source.path ? `${source.path}: ` : ''}`
        : '';
      return `  ${where}${message}`;
    })
    .join('\n');
}

function measureLabel(measure: Measure): string {
  return measure.query === undefined ? measure.name : `${measure.name} (query)`;
}

function threshold(value: number, measure: Measure): string {
  const spec = findMeasure(measure.name);
  const kind: QuantityKind = spec ? kindOfUnit(spec.unit) : (measure.thresholdKind ?? 'count');
  return formatBaseUnits(value, kind);
}

function duration(seconds: number): string {
  return formatBaseUnits(seconds, 'duration');
}

function roleList(roles: ResolvedRole[]): string {
  return roles
    .map((role) => (role.role === role.requested ? role.role : `${role.requested} -> ${role.role}`))
    .join(', ');
}
