/**
 * The alerts generated from a swarm config, before they are rendered: one spec per scaling rule,
 * per scaling trigger and direction, per dynamic specialist, per auto-spawn event, plus the
 * pipeline's own watchdog and exporter alerts.
 */
import type { AlertKind, ScalingDirection } from '../catalog/alert-contract';
import type { Unit } from '../catalog/signals';
import type { Comparison } from '../config/model';

/** Severity label values, as the monitoring mixins use them. */
export type Severity = 'critical' | 'warning' | 'info' | 'none';

/** The measure a threshold alert compares: from the catalogue or a `query:` override. */
export interface ComparedMeasure {
  /** Catalogue measure name; the key that rule tests look fixtures up by. */
  name: string;
  /** PromQL of the measure, from the catalogue or the override. */
  expr: string;
  unit: Unit;
  /** Human wording such as `active actors`. */
  description: string;
  /** True when the expression comes from the config's `query:`. */
  isOverride: boolean;
}

/** A comparison of a measure against a threshold from the config. */
export interface ThresholdCondition {
  type: 'threshold';
  measure: ComparedMeasure;
  op: Comparison;
  threshold: number;
}

/** A framework lifecycle event counted by `systemcore_lifecycle_events_total`. */
export interface EventCondition {
  type: 'event';
  /** Label value of `event`, such as `system_initialization`. */
  event: string;
  /** The event as written in `auto_spawn_on`. */
  text: string;
  /** Window in which one event keeps the alert firing, in seconds. */
  windowSeconds: number;
}

/** An alert with a fixed expression: the watchdog and the exporter checks. */
export interface PipelineCondition {
  type: 'pipeline';
  expr: string;
}

export type AlertCondition = ThresholdCondition | EventCondition | PipelineCondition;

export interface AlertSpec {
  /** CamelCase alert name with the shared prefix, such as `SwarmScalerErrorRateHigh`. */
  name: string;
  kind: AlertKind;
  /** Absent on pipeline alerts, which ask for neither more nor fewer agents. */
  direction?: ScalingDirection;
  /** Value of the `scaling_rule` label: the config key the alert comes from. */
  rule: string;
  /** Config path of the alert's source, such as `scaling_rules.error_rate`. */
  configPath: string;
  severity: Severity;
  condition: AlertCondition;
  forSeconds: number;
  /** Extra static labels, such as `event` on lifecycle event alerts. */
  extraLabels: Record<string, string>;
  summary: string;
  /** Go template text; shows `$value` humanized for the measure's unit. */
  description: string;
  /** Runbook file under docs/runbooks, such as `scaling-rule.md`. */
  runbook: string;
}
