/**
 * Step framework-dashboard/v1: dashboards/swarm-framework.json. The first row shows the config's
 * `framework_metrics` queries verbatim. Then one row per framework layer shows the measures that
 * the scaling alerts compare, with their thresholds, and every catalogue signal of that layer.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

import { baseDashboard, DASHBOARD_UIDS, dashboardLink, timeseriesPanel } from '../dashboard-panels';
import {
  configQueryPanels,
  LAYER_ROWS,
  measurePanels,
  signalPanels,
  type PanelDraft,
} from '../framework-panels';
import { generatedNotice, renderJson } from '../render';
import type { GeneratorStep } from '../result';

/** Path of the framework dashboard in the output folder. */
export const FRAMEWORK_DASHBOARD_FILE = 'dashboards/swarm-framework.json';

export const frameworkDashboardStep: GeneratorStep = {
  id: 'framework-dashboard',
  version: 1,
  formats: ['prometheus', 'prometheus-operator'],
  apply(context, result) {
    const { config, alerts } = context;
    const rows: { title: string; panels: PanelDraft[] }[] = [
      {
        title: 'Framework metrics (framework_metrics)',
        panels: configQueryPanels(config.dashboards, alerts),
      },
      ...LAYER_ROWS.map(({ layer, title }) => ({
        title,
        panels: [...measurePanels(layer, alerts), ...signalPanels(layer)],
      })),
    ];
    const builder = baseDashboard(
      `Swarm framework (${context.options.swarmName})`,
      DASHBOARD_UIDS.framework,
      generatedNotice(context, this),
    ).link(dashboardLink('Scaler and pool', DASHBOARD_UIDS.scaler));
    let id = 1;
    for (const row of rows.filter((candidate) => candidate.panels.length > 0)) {
      builder.withRow(new dashboard.RowBuilder(row.title).id(id++));
      for (const panel of row.panels) builder.withPanel(timeseriesPanel({ ...panel, id: id++ }));
    }
    result.files.push({ path: FRAMEWORK_DASHBOARD_FILE, content: renderJson(builder.build()) });
  },
};
