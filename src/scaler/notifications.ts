/**
 * Turns alerts from a webhook payload or from Alertmanager's API into notification rows, and
 * splits off those the scaler ignores (unknown rule or kind, another swarm).
 */
import { ALERT_LABELS } from '../catalog/alert-contract';
import type { SwarmConfig } from '../config/model';
import type { NotificationRow } from '../store/scaler-repository';
import { lookupTarget, type IgnoreReason } from './alert-target';

/** An alert as both sources describe it. */
export interface IncomingAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
}

/** An alert the scaler records as ignored. */
export interface IgnoredAlert {
  fingerprint: string;
  reason: IgnoreReason;
  rule?: string;
  kind?: string;
}

/** Notifications to store, and the alerts that map to no config entry. */
export interface SortedAlerts {
  rows: NotificationRow[];
  ignored: IgnoredAlert[];
}

/** Parses a timestamp to whole milliseconds, so one instant always gives one key. */
export function toMillis(text: string): number {
  return Math.floor(Date.parse(text));
}

/** Maps alerts to notification rows for `swarm`, received at `receivedAt`. */
export function sortAlerts(
  alerts: IncomingAlert[],
  config: SwarmConfig,
  swarm: string,
  source: NotificationRow['source'],
  receivedAt: number,
): SortedAlerts {
  const rows: NotificationRow[] = [];
  const ignored: IgnoredAlert[] = [];
  for (const alert of alerts) {
    const lookup = lookupTarget(alert.labels, config, swarm);
    if ('ignored' in lookup) {
      ignored.push({
        fingerprint: alert.fingerprint,
        reason: lookup.ignored,
        rule: lookup.rule,
        kind: lookup.kind,
      });
      continue;
    }
    const endsAt = alert.endsAt === undefined ? undefined : toMillis(alert.endsAt);
    rows.push({
      fingerprint: alert.fingerprint,
      startsAt: toMillis(alert.startsAt),
      status: alert.status,
      endsAt: alert.status === 'resolved' ? endsAt : undefined,
      rule: lookup.target.rule,
      kind: lookup.target.kind,
      direction: lookup.target.direction,
      labels: alert.labels,
      annotations: alert.annotations,
      source,
      receivedAt,
    });
  }
  return { rows, ignored };
}

/** True for a firing watchdog notification: proof that the alert pipeline is alive. */
export function isWatchdogBeat(row: NotificationRow): boolean {
  return row.kind === 'watchdog' && row.status === 'firing';
}

/** The label that carries the swarm name, re-exported for callers that filter API results. */
export const SWARM_LABEL = ALERT_LABELS.swarm;
