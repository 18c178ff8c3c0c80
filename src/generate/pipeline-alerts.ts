/**
 * The pipeline's own alerts. The watchdog always fires, so its silence at the scaler means the
 * path from Prometheus through Alertmanager is broken. The exporter alerts tell the scaler that
 * scaling alerts resolved for lack of data, not for low load, so it must not scale down.
 */
import type { SwarmConfig } from '../config/model';
import type { AlertSpec } from './alert-spec';
import { ALERT_PREFIX } from './naming';

/** Name of the watchdog alert; Alertmanager routes it on its own. */
export const WATCHDOG_ALERT = `${ALERT_PREFIX}Watchdog`;

/** Builds the watchdog, exporter-down and exporter-absent alerts for the scrape job `job`. */
export function collectPipelineAlerts(config: SwarmConfig, job: string): AlertSpec[] {
  const forSeconds = config.scaler.defaultForSeconds;
  const selector = `up{job="${job}"}`;
  return [
    {
      name: WATCHDOG_ALERT,
      kind: 'watchdog',
      rule: 'watchdog',
      configPath: 'pipeline.watchdog',
      severity: 'none',
      condition: { type: 'pipeline', expr: 'vector(1)' },
      forSeconds: 0,
      extraLabels: {},
      summary: 'Always firing: proves that alerts reach the scaler.',
      description:
        'This alert fires on purpose ({{ $value }}). When the scaler stops receiving it, the' +
        ' path from Prometheus through Alertmanager to the scaler is broken.',
      runbook: 'watchdog.md',
    },
    {
      name: `${ALERT_PREFIX}ExporterDown`,
      kind: 'exporter_down',
      rule: 'exporter_down',
      configPath: 'pipeline.exporter_down',
      severity: 'critical',
      condition: { type: 'pipeline', expr: `${selector} == 0` },
      forSeconds,
      extraLabels: {},
      summary: `Prometheus cannot scrape ${job} on {{ $labels.instance }}.`,
      description:
        `Scrapes of {{ $labels.instance }} (job ${job}) fail (up = {{ $value }}); scaling` +
        ' alerts resolve for lack of data, so the scaler holds scale-down.',
      runbook: 'exporter-down.md',
    },
    {
      name: `${ALERT_PREFIX}ExporterAbsent`,
      kind: 'exporter_down',
      rule: 'exporter_down',
      configPath: 'pipeline.exporter_absent',
      severity: 'critical',
      condition: { type: 'pipeline', expr: `absent(${selector})` },
      forSeconds,
      extraLabels: {},
      summary: `Prometheus has no scrape target for job ${job}.`,
      description:
        `No series ${selector} exists ({{ $value }} absent): the target is missing from service` +
        ' discovery, so scaling alerts cannot fire and the scaler holds scale-down.',
      runbook: 'exporter-down.md',
    },
  ];
}
