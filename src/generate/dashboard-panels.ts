/**
 * Shared pieces of the generated Grafana dashboards, built with the Grafana Foundation SDK: the
 * datasource variable, time series panels with thresholds, links and common settings.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

import type { Unit } from '../catalog/signals';
import { humanizeForUnit } from './humanize';

/** Tags shared by every generated dashboard; the dashboard links select on them. */
export const DASHBOARD_TAGS = ['swarm-scaler', 'generated'];

/** Name of the datasource template variable. */
export const DATASOURCE_VARIABLE = 'datasource';

/** Datasource of every panel: the variable, so that one dashboard fits any Prometheus. */
export const DATASOURCE: common.DataSourceRef = {
  type: 'prometheus',
  uid: `\${${DATASOURCE_VARIABLE}}`,
};

/** Grafana's rate window variable; rule expressions use fixed windows instead. */
export const RATE_INTERVAL = '$__rate_interval';

/** A threshold line drawn on a panel, with the config entry it comes from. */
export interface PanelThreshold {
  value: number;
  /** Config path shown in the panel description, such as `scaling_rules.error_rate`. */
  source: string;
  /** `up`: the scaler adds agents above it; `down`: it retires agents below it. */
  direction: 'up' | 'down';
}

/** Content and size of a time series panel. */
export interface PanelSpec {
  id: number;
  title: string;
  description: string;
  unit: string;
  queries: { expr: string; legend?: string }[];
  thresholds?: PanelThreshold[];
  width?: number;
  stacked?: boolean;
}

/** Returns the datasource variable, limited to Prometheus datasources. */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE)
    .label('Data source')
    .type('prometheus')
    .description('Prometheus that scrapes swarm-scaler');
}

/** Returns a link to the other generated dashboards, found by their shared tags. */
export function dashboardsLink(): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder('swarm-scaler dashboards')
    .type(dashboard.DashboardLinkType.Dashboards)
    .tags(DASHBOARD_TAGS)
    .asDropdown(false)
    .includeVars(true)
    .keepTime(true);
}

/** Returns a link to one dashboard by uid, keeping the time range and the datasource. */
export function dashboardLink(title: string, uid: string): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(title)
    .type(dashboard.DashboardLinkType.Link)
    .url(`/d/${uid}`)
    .icon('dashboard')
    .tooltip(title)
    .includeVars(true)
    .keepTime(true);
}

/** Builds a time series panel; thresholds are drawn as dashed lines. */
export function timeseriesPanel(spec: PanelSpec): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .id(spec.id)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .span(spec.width ?? 8)
    .height(8)
    .min(0)
    .lineWidth(1)
    .fillOpacity(10)
    .legend(legend())
    .thresholds(thresholdsConfig(spec.thresholds ?? []))
    .thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(
        spec.thresholds?.length
          ? common.GraphThresholdsStyleMode.Dashed
          : common.GraphThresholdsStyleMode.Off,
      ),
    );
  if (spec.stacked) {
    panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  }
  spec.queries.forEach((query, index) =>
    panel.withTarget(promQuery(query.expr, query.legend, index)),
  );
  return panel;
}

/** Builds a Prometheus query for a panel; refIds are A, B, C... in order. */
export function promQuery(
  expr: string,
  legend: string | undefined,
  index: number,
): prometheus.DataqueryBuilder {
  const query = new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .expr(expr)
    .range()
    .refId(String.fromCharCode(65 + index));
  return legend === undefined ? query : query.legendFormat(legend);
}

function legend(): common.VizLegendOptionsBuilder {
  return new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom);
}

/**
 * Thresholds as Grafana steps, lowest first: blue below a scale-down threshold, green in the
 * normal range, red above a scale-up threshold. Equal values give one step.
 */
export function thresholdsConfig(thresholds: PanelThreshold[]): dashboard.ThresholdsConfigBuilder {
  const sorted = [...thresholds].sort((a, b) => a.value - b.value);
  const hasDown = sorted.some((threshold) => threshold.direction === 'down');
  const steps: dashboard.Threshold[] = [{ value: null, color: hasDown ? 'blue' : 'green' }];
  for (const threshold of sorted) {
    if (steps.some((step) => step.value === threshold.value)) continue;
    steps.push({ value: threshold.value, color: threshold.direction === 'down' ? 'green' : 'red' });
  }
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(steps);
}

/** Describes the thresholds of a panel for its description. */
export function describeThresholds(thresholds: PanelThreshold[], unit: Unit): string {
  if (thresholds.length === 0) return '';
  const parts = thresholds.map(
    (threshold) => `${humanizeForUnit(threshold.value, unit)} (${threshold.source})`,
  );
  return ` Dashed lines: scaling thresholds ${parts.join(', ')}.`;
}

/** Replaces fixed rate windows such as `[1m]` with Grafana's `$__rate_interval`. */
export function withRateInterval(expr: string): string {
  return expr.replace(/\[\d+[smh]\]/g, `[${RATE_INTERVAL}]`);
}

/** Uids of the generated dashboards; stable so links and bookmarks survive regeneration. */
export const DASHBOARD_UIDS = {
  framework: 'swarm-scaler-framework',
  scaler: 'swarm-scaler-pool',
} as const;

/**
 * Scaling decisions as annotations: a point wherever the decision counter moved. The scaler
 * exports `swarm_scaler_decisions_total{rule,action,outcome}`.
 */
export function decisionsAnnotation(): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name('Scaling decisions')
    .datasource(DATASOURCE)
    .enable(true)
    .iconColor('purple')
    .expr('sum by (rule, action, outcome) (changes(swarm_scaler_decisions_total[1m])) > 0')
    .step('30s')
    .titleFormat('{{action}} ({{outcome}})')
    .textFormat('scaling rule {{rule}}')
    .tagKeys('rule,action,outcome');
}

/** Starts a dashboard with the settings every generated dashboard shares. */
export function baseDashboard(
  title: string,
  uid: string,
  description: string,
): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(DASHBOARD_TAGS)
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .withVariable(datasourceVariable())
    .annotation(decisionsAnnotation())
    .link(dashboardsLink());
}
