/**
 * Builds `scaling_rules` and `scaling_triggers`: measures, thresholds in base units, timing with
 * defaults, and spawn lists resolved to roles.
 */
import type { BuildContext, Path } from './build-context';
import { resolveMeasure } from './measure-ref';
import type { ResolvedRole, ScalerSettings, ScalingRule, ScalingTriggers } from './model';
import type { RoleResolver } from './resolve';
import type { SwarmFile } from './schema';

interface TriggerScope {
  context: BuildContext;
  resolver: RoleResolver;
  scaler: ScalerSettings;
}

/** Builds every scaling rule, in file order. */
export function buildRules(rules: SwarmFile['scaling_rules'], scope: TriggerScope): ScalingRule[] {
  return Object.entries(rules).flatMap(([name, rule]) => {
    const path = ['scaling_rules', name];
    const ref = resolveMeasure({ name, ...rule }, path, scope.context);
    const threshold =
      ref && scope.context.quantity([...path, 'threshold'], ref.kind, rule.threshold);
    const spawn = resolveSpawn(rule.spawn_agents, [...path, 'spawn_agents'], scope);
    if (!ref || threshold === undefined) return [];
    return [
      {
        name,
        measure: ref.measure,
        threshold,
        spawn,
        ...timing(rule, path, scope),
        source: scope.context.source.locate(path),
      },
    ];
  });
}

/** Builds the cpu, queue, error and framework triggers. */
export function buildTriggers(
  raw: SwarmFile['scaling_triggers'],
  scope: TriggerScope,
): ScalingTriggers {
  const triggers: ScalingTriggers = { framework: [] };
  const { context } = scope;
  const base = ['scaling_triggers'];
  if (raw?.cpu_scaling) {
    const cpu = raw.cpu_scaling;
    const path = [...base, 'cpu_scaling'];
    if (cpu.query !== undefined) context.promql([...path, 'query'], cpu.query);
    const up = context.quantityOr(
      [...path, 'scale_up_threshold'],
      'ratio',
      cpu.scale_up_threshold,
      0.7,
    );
    const down = context.quantityOr(
      [...path, 'scale_down_threshold'],
      'ratio',
      cpu.scale_down_threshold,
      0.3,
    );
    if (down >= up) {
      context.issue(
        'inconsistent',
        [...path, 'scale_down_threshold'],
        `scale_down_threshold ${down * 100}% is not below scale_up_threshold ${up * 100}%, so the pool would flap: lower scale_down_threshold`,
      );
    }
    triggers.cpu = {
      ...query(cpu.query),
      scaleUpThreshold: up,
      scaleDownThreshold: down,
      agentsPerTrigger: cpu.agents_per_trigger,
      ...timing(cpu, path, scope),
    };
  }
  if (raw?.queue_scaling) {
    const queue = raw.queue_scaling;
    const path = [...base, 'queue_scaling'];
    if (queue.query !== undefined) context.promql([...path, 'query'], queue.query);
    triggers.queue = {
      ...query(queue.query),
      pendingTasksThreshold: context.quantityOr(
        [...path, 'pending_tasks_threshold'],
        'count',
        queue.pending_tasks_threshold,
        0,
      ),
      scaleUpAgents: queue.scale_up_agents,
      priorityAware: queue.priority_aware,
      ...timing(queue, path, scope),
    };
  }
  if (raw?.error_scaling) {
    const error = raw.error_scaling;
    const path = [...base, 'error_scaling'];
    if (error.query !== undefined) context.promql([...path, 'query'], error.query);
    triggers.error = {
      ...query(error.query),
      errorRateThreshold: context.quantityOr(
        [...path, 'error_rate_threshold'],
        'ratio',
        error.error_rate_threshold,
        0.05,
      ),
      spawn: resolveSpawn(error.spawn_specialists, [...path, 'spawn_specialists'], scope),
      ...timing(error, path, scope),
    };
  }
  for (const [name, trigger] of Object.entries(raw?.framework_scaling ?? {})) {
    const path = [...base, 'framework_scaling', name];
    const ref = resolveMeasure({ name, ...trigger }, path, context);
    const threshold = ref && context.quantity([...path, 'threshold'], ref.kind, trigger.threshold);
    const spawn = resolveSpawn(trigger.spawn, [...path, 'spawn'], scope);
    if (!ref || threshold === undefined) continue;
    triggers.framework.push({
      name,
      measure: ref.measure,
      threshold,
      spawn,
      ...timing(trigger, path, scope),
      source: context.source.locate(path),
    });
  }
  return triggers;
}

/** Explains a lenient resolution in one sentence. */
export function describeResolution(role: ResolvedRole): string {
  if (role.via === 'created') {
    return `"${role.requested}" matches no agent, so it becomes a new role in ${role.category} (${role.reason ?? 'created'}): define an agent with this id to give it capabilities`;
  }
  const matchKind = role.via === 'near' ? 'as a near match' : 'by capability';
  return `"${role.requested}" is not an agent id; it resolves ${matchKind} to agent "${role.role}" in ${role.category} (${role.reason ?? role.via})`;
}

function timing(entry: { for?: unknown; cooldown?: unknown }, path: Path, scope: TriggerScope) {
  const { context, scaler } = scope;
  return {
    forSeconds: context.quantityOr(
      [...path, 'for'],
      'duration',
      entry.for,
      scaler.defaultForSeconds,
    ),
    cooldownSeconds: context.quantityOr(
      [...path, 'cooldown'],
      'duration',
      entry.cooldown,
      scaler.defaultCooldownSeconds,
    ),
  };
}

function query(text: string | undefined): { query?: string } {
  return text === undefined ? {} : { query: text };
}

/** Resolves one spawn list; unresolved names (strict mode) are issues, lenient matches warnings. */
function resolveSpawn(names: string[], path: Path, scope: TriggerScope): ResolvedRole[] {
  const { context } = scope;
  const results = scope.resolver.resolveList(names);
  const roles: ResolvedRole[] = [];
  results.forEach((result, index) => {
    if (!('role' in result)) {
      context.issue('unresolved-name', [...path, index], result.message);
      return;
    }
    if (result.via !== 'id')
      context.warn('name-resolved', [...path, index], describeResolution(result));
    const twin = roles.find((role) => role.role === result.role);
    if (twin) {
      context.warn(
        'duplicate-role',
        [...path, index],
        `"${result.requested}" and "${twin.requested}" both resolve to role "${result.role}", so this entry spawns two agents of it`,
      );
    }
    roles.push(result);
  });
  return roles;
}
