/**
 * The labels that generated alerts carry and the scaler reads. The scaler acts on these labels
 * only and looks up what to spawn in its own config, so an alert's labels can never name an
 * arbitrary role, command or path.
 */

/** Label names set on every generated alert that the scaler acts on. */
export const ALERT_LABELS = {
  /** Name of the rule or trigger in the swarm YAML, such as `actor_system_load`. */
  rule: 'scaling_rule',
  /** Kind of config entry the alert comes from (see AlertKind). */
  kind: 'scaling_kind',
  /** `up` or `down`: whether a firing alert requests more or fewer agents. */
  direction: 'scaling_direction',
  /** Name of the swarm, so that several swarms can share one Alertmanager. */
  swarm: 'swarm',
} as const;

/**
 * Kinds of alert: `rule` (scaling_rules), `cpu`, `queue`, `error` and `framework`
 * (scaling_triggers), `dynamic` (an agent's spawn_when), `event` (an agent's auto_spawn_on),
 * and the pipeline's own `watchdog` and `exporter_down`.
 */
export const ALERT_KINDS = [
  'rule',
  'cpu',
  'queue',
  'error',
  'framework',
  'dynamic',
  'event',
  'watchdog',
  'exporter_down',
] as const;

export type AlertKind = (typeof ALERT_KINDS)[number];

export type ScalingDirection = 'up' | 'down';

/** Value of the `swarm` label; the swarm YAML has no name field, so every swarm uses this default. */
export const DEFAULT_SWARM_NAME = 'ms-framework';

/** Default HTTP port of `swarm-scaler serve`. */
export const DEFAULT_PORT = 9477;

/** Path of the Alertmanager webhook receiver. */
export const WEBHOOK_PATH = '/webhook/alertmanager';
