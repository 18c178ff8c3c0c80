/**
 * Step scaler-dashboard/v1: dashboards/swarm-scaler.json, the pool and the scaler's decisions,
 * with decisions drawn as annotations.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

import { baseDashboard, DASHBOARD_UIDS, dashboardLink, timeseriesPanel } from '../dashboard-panels';
import { generatedNotice, renderJson } from '../render';
import type { GeneratorStep } from '../result';
import { scalerRows } from '../scaler-panels';
import { SCRAPE_JOB } from '../scrape-job';

/** Path of the scaler dashboard in the output folder. */
export const SCALER_DASHBOARD_FILE = 'dashboards/swarm-scaler.json';

export const scalerDashboardStep: GeneratorStep = {
  id: 'scaler-dashboard',
  version: 1,
  formats: ['prometheus', 'prometheus-operator'],
  apply(context, result) {
    const { config, options } = context;
    const builder = baseDashboard(
      `Swarm scaler (${options.swarmName})`,
      DASHBOARD_UIDS.scaler,
      generatedNotice(context, this),
    ).link(dashboardLink('Framework', DASHBOARD_UIDS.framework));
    let id = 1;
    for (const row of scalerRows(config, options.swarmName, SCRAPE_JOB)) {
      builder.withRow(new dashboard.RowBuilder(row.title).id(id++));
      for (const panel of row.panels) builder.withPanel(timeseriesPanel({ ...panel, id: id++ }));
    }
    result.files.push({ path: SCALER_DASHBOARD_FILE, content: renderJson(builder.build()) });
  },
};
