/**
 * Builds the resolved swarm model from the validated YAML: quantities in base units, categories,
 * roles resolved, and documented defaults filled in.
 */
import { buildCategories } from './build-agents';
import { BuildContext } from './build-context';
import { checkBounds } from './check-bounds';
import { buildRules, buildTriggers } from './build-triggers';
import type { ConfigIssue } from './errors';
import type { ConfigWarning, ScalerSettings, SwarmConfig } from './model';
import { RoleResolver } from './resolve';
import { SECTION_KEYS, type CategoryFile, type SwarmFile } from './schema';
import type { YamlSource } from './yaml-source';

/** Defaults used where the config is silent; docs/config.md lists them. */
export const DEFAULTS = {
  forSeconds: 30,
  cooldownSeconds: 60,
  scaleUpStabilizationSeconds: 0,
  scaleDownStabilizationSeconds: 60,
  heartbeatTtlSeconds: 30,
  reconcileSchedule: '*/10 * * * * *',
  watchdogIntervalSeconds: 60,
  startDelaySeconds: 1,
  driverTimeoutSeconds: 10,
} as const;

/** Options of buildModel besides the data. */
export interface BuildOptions {
  format: 'yaml' | 'markdown';
  strict: boolean;
}

/** Builds the model; problems come back as issues rather than exceptions so all are reported. */
export function buildModel(
  data: SwarmFile,
  source: YamlSource,
  options: BuildOptions,
): { config: SwarmConfig; warnings: ConfigWarning[]; issues: ConfigIssue[] } {
  const context = new BuildContext(source, options.strict);
  const sections: readonly string[] = SECTION_KEYS;
  const categoryEntries = Object.entries(data).filter(([key]) => !sections.includes(key)) as [
    string,
    CategoryFile,
  ][];
  const categories = buildCategories(categoryEntries, context);
  const scaler = buildScaler(data, context);
  const scope = { context, resolver: new RoleResolver(categories, options.strict), scaler };
  const scalingRules = buildRules(data.scaling_rules, scope);
  const triggers = buildTriggers(data.scaling_triggers, scope);
  data.framework_metrics.forEach((panel, index) =>
    context.promql(['framework_metrics', index, 'query'], panel.query),
  );

  const config: SwarmConfig = {
    source: { file: source.file, format: options.format },
    swarm: {
      topology: data.swarm.topology,
      baseAgents: data.swarm.base_agents,
      maxAgents: data.swarm.max_agents,
    },
    autoScale: buildAutoScale(data.swarm),
    scalingRules,
    categories,
    triggers,
    dashboards: data.framework_metrics.map(({ name, query }) => ({ name, query })),
    scaler,
    driver: buildDriver(data.driver, context),
    roles: scope.resolver.roles(),
  };
  checkBounds(config, data.swarm, context);
  return { config, warnings: context.warnings, issues: context.issues };
}

function buildAutoScale(swarm: SwarmFile['swarm']): SwarmConfig['autoScale'] {
  const raw = swarm.auto_scale;
  return {
    enabled: raw?.enabled ?? true,
    minAgents: raw?.min_agents ?? swarm.base_agents,
    maxAgents: raw?.max_agents ?? swarm.max_agents,
    strategy: raw?.strategy ?? 'framework-aware',
  };
}

function buildScaler(data: SwarmFile, context: BuildContext): ScalerSettings {
  const raw = data.scaler ?? {};
  const duration = (key: Exclude<keyof typeof raw, 'reconcile_schedule'>, fallback: number) =>
    context.quantityOr(['scaler', key], 'duration', raw[key], fallback);
  return {
    scaleUpStabilizationSeconds: duration(
      'scale_up_stabilization',
      DEFAULTS.scaleUpStabilizationSeconds,
    ),
    scaleDownStabilizationSeconds: duration(
      'scale_down_stabilization',
      DEFAULTS.scaleDownStabilizationSeconds,
    ),
    heartbeatTtlSeconds: duration('heartbeat_ttl', DEFAULTS.heartbeatTtlSeconds),
    reconcileSchedule: raw.reconcile_schedule ?? DEFAULTS.reconcileSchedule,
    defaultForSeconds: duration('default_for', DEFAULTS.forSeconds),
    defaultCooldownSeconds: duration('default_cooldown', DEFAULTS.cooldownSeconds),
    watchdogIntervalSeconds: duration('watchdog_interval', DEFAULTS.watchdogIntervalSeconds),
  };
}

function buildDriver(raw: SwarmFile['driver'], context: BuildContext): SwarmConfig['driver'] {
  return {
    kind: raw?.kind ?? 'in-process',
    startDelaySeconds: context.quantityOr(
      ['driver', 'start_delay'],
      'duration',
      raw?.start_delay,
      DEFAULTS.startDelaySeconds,
    ),
    timeoutSeconds: context.quantityOr(
      ['driver', 'timeout'],
      'duration',
      raw?.timeout,
      DEFAULTS.driverTimeoutSeconds,
    ),
    options: raw?.options ?? {},
  };
}
