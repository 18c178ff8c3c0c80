/**
 * Maps an alert's labels to the config entry it stands for. Labels are data: they select an
 * entry of the scaler's own config and never name a command, a path or a role directly.
 */
import {
  ALERT_KINDS,
  ALERT_LABELS,
  type AlertKind,
  type ScalingDirection,
} from '../catalog/alert-contract';
import type { SwarmConfig } from '../config/model';

/** The config entry an alert acts through. */
export interface AlertTarget {
  kind: AlertKind;
  rule: string;
  direction: ScalingDirection;
}

/** Reason an alert is recorded but not acted on. */
export type IgnoreReason =
  | 'unknown_kind'
  | 'unknown_rule'
  | 'missing_rule'
  | 'other_swarm'
  | 'unsupported_direction';

/** The result of mapping: a target, or the reason the alert is ignored. */
export type TargetLookup =
  | { target: AlertTarget }
  | { ignored: IgnoreReason; kind?: string; rule?: string };

/** Normalizes an event name for comparison: `system initialization` equals `system_initialization`. */
export function normalizeEvent(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** Looks up the config entry named by `labels`. `swarm` is the swarm name this scaler serves. */
export function lookupTarget(
  labels: Record<string, string>,
  config: SwarmConfig,
  swarm: string,
): TargetLookup {
  const kindLabel = labels[ALERT_LABELS.kind];
  const rule = labels[ALERT_LABELS.rule];
  const swarmLabel = labels[ALERT_LABELS.swarm];
  if (swarmLabel !== undefined && swarmLabel !== swarm)
    return { ignored: 'other_swarm', kind: kindLabel, rule };
  if (!isAlertKind(kindLabel)) return { ignored: 'unknown_kind', kind: kindLabel, rule };
  const kind = kindLabel;
  if (kind === 'watchdog' || kind === 'exporter_down') {
    return { target: { kind, rule: rule ?? kind, direction: 'up' } };
  }
  if (!rule) return { ignored: 'missing_rule', kind };
  const direction: ScalingDirection = labels[ALERT_LABELS.direction] === 'down' ? 'down' : 'up';
  if (direction === 'down' && kind !== 'cpu')
    return { ignored: 'unsupported_direction', kind, rule };
  if (!isKnownRule(kind, rule, config)) return { ignored: 'unknown_rule', kind, rule };
  return { target: { kind, rule, direction } };
}

function isAlertKind(value: string | undefined): value is AlertKind {
  return value !== undefined && (ALERT_KINDS as readonly string[]).includes(value);
}

function isKnownRule(kind: AlertKind, rule: string, config: SwarmConfig): boolean {
  switch (kind) {
    case 'rule':
      return config.scalingRules.some((entry) => entry.name === rule);
    case 'cpu':
      return config.triggers.cpu !== undefined;
    case 'queue':
      return config.triggers.queue !== undefined;
    case 'error':
      return config.triggers.error !== undefined;
    case 'framework':
      return config.triggers.framework.some((entry) => entry.name === rule);
    case 'dynamic':
      return config.categories.some((category) =>
        category.agents.some((agent) => agent.id === rule && agent.spawnWhen),
      );
    case 'event':
      return config.categories.some((category) =>
        category.agents.some((agent) =>
          agent.autoSpawnOn.some((event) => normalizeEvent(event) === normalizeEvent(rule)),
        ),
      );
    default:
      return true;
  }
}

/** Cooldown of the config entry behind an alert, in seconds. */
export function cooldownSeconds(
  target: Pick<AlertTarget, 'kind' | 'rule'>,
  config: SwarmConfig,
): number {
  const fallback = config.scaler.defaultCooldownSeconds;
  switch (target.kind) {
    case 'rule':
      return (
        config.scalingRules.find((entry) => entry.name === target.rule)?.cooldownSeconds ?? fallback
      );
    case 'cpu':
      return config.triggers.cpu?.cooldownSeconds ?? fallback;
    case 'queue':
      return config.triggers.queue?.cooldownSeconds ?? fallback;
    case 'error':
      return config.triggers.error?.cooldownSeconds ?? fallback;
    case 'framework':
      return (
        config.triggers.framework.find((entry) => entry.name === target.rule)?.cooldownSeconds ??
        fallback
      );
    default:
      return fallback;
  }
}
