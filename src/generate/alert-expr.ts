/** PromQL and rule text of an alert spec. */
import { ALERT_LABELS } from '../catalog/alert-contract';
import type { AlertSpec } from './alert-spec';
import type { GenerateOptions } from './options';
import { formatDuration } from './options';
import type { PrometheusRule } from './result';

/** Name of the counter that lifecycle event alerts read. */
export const LIFECYCLE_METRIC = 'systemcore_lifecycle_events_total';

/** Returns the PromQL of an alert. */
export function alertExpr(alert: AlertSpec): string {
  const { condition } = alert;
  switch (condition.type) {
    case 'threshold':
      return `${asOperand(condition.measure.expr)} ${condition.op} ${condition.threshold}`;
    case 'event':
      return (
        `sum(increase(${LIFECYCLE_METRIC}{event="${condition.event}"}` +
        `[${formatDuration(condition.windowSeconds)}])) > 0`
      );
    case 'pipeline':
      return condition.expr;
  }
}

/** Returns the labels of an alert: severity, the scaler's contract labels, then extras. */
export function alertLabels(alert: AlertSpec, options: GenerateOptions): Record<string, string> {
  const labels: Record<string, string> = {
    severity: alert.severity,
    [ALERT_LABELS.rule]: alert.rule,
    [ALERT_LABELS.kind]: alert.kind,
  };
  if (alert.direction) labels[ALERT_LABELS.direction] = alert.direction;
  labels[ALERT_LABELS.swarm] = options.swarmName;
  return { ...labels, ...alert.extraLabels };
}

/** Returns the annotations of an alert. */
export function alertAnnotations(
  alert: AlertSpec,
  options: GenerateOptions,
): Record<string, string> {
  return {
    summary: alert.summary,
    description: alert.description,
    runbook_url: `${options.runbookBaseUrl.replace(/\/$/, '')}/${alert.runbook}`,
  };
}

/** Returns the alerting rule of an alert, as written to a rule file. */
export function alertRule(alert: AlertSpec, options: GenerateOptions): PrometheusRule {
  const rule: PrometheusRule = { alert: alert.name, expr: alertExpr(alert) };
  if (alert.forSeconds > 0) rule.for = formatDuration(alert.forSeconds);
  rule.labels = alertLabels(alert, options);
  rule.annotations = alertAnnotations(alert, options);
  return rule;
}

/**
 * Wraps an expression in parentheses unless it is one function call or one selector, so that a
 * comparison appended to it applies to the whole expression.
 */
export function asOperand(expr: string): string {
  const text = expr.trim();
  if (/^[A-Za-z_:][A-Za-z0-9_:]*(\{[^{}]*\})?$/.test(text)) return text;
  const call = /^[A-Za-z_][A-Za-z0-9_]*(\s+(by|without)\s*\([^()]*\))?\s*\(/.exec(text);
  if (call && closingParen(text, call[0].length - 1) === text.length - 1) return text;
  return `(${text})`;
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    if (text[i] === ')') depth--;
    if (depth === 0) return i;
  }
  return -1;
}
