/** Shared test inputs: the example config and Alertmanager-shaped alerts and payloads. */
import path from 'node:path';

import { loadConfig } from '../../src/config/load';
import type { SwarmConfig } from '../../src/config/model';

export const EXAMPLE_CONFIG: SwarmConfig = loadConfig(
  path.join(__dirname, '..', '..', 'ms-framework-swarm.yaml'),
).config;

export interface AlertInput {
  fingerprint: string;
  rule: string;
  kind: string;
  direction?: 'up' | 'down';
  status?: 'firing' | 'resolved';
  startsAt?: string;
  endsAt?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Builds one alert as Alertmanager's webhook sends it. */
export function alert(input: AlertInput) {
  const status = input.status ?? 'firing';
  return {
    status,
    labels: {
      alertname: `Swarm_${input.rule}`,
      scaling_rule: input.rule,
      scaling_kind: input.kind,
      ...(input.direction ? { scaling_direction: input.direction } : { scaling_direction: 'up' }),
      swarm: 'ms-framework',
      ...input.labels,
    },
    annotations: input.annotations ?? {},
    startsAt: input.startsAt ?? '2026-01-01T00:00:00Z',
    endsAt: input.endsAt ?? (status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-01-01T00:05:00Z'),
    generatorURL: 'http://prometheus.invalid/graph',
    fingerprint: input.fingerprint,
  };
}

/** Builds the firing watchdog alert. */
export function watchdog(startsAt = '2026-01-01T00:00:00Z') {
  return alert({
    fingerprint: 'watchdog',
    rule: 'watchdog',
    kind: 'watchdog',
    startsAt,
    labels: { scaling_direction: '' },
  });
}

/** Wraps `alerts` in a webhook payload of version 4. */
export function payload(alerts: ReturnType<typeof alert>[]) {
  return {
    version: '4',
    groupKey: '{}:{alertname="x"}',
    truncatedAlerts: 0,
    status: alerts.some((entry) => entry.status === 'firing') ? 'firing' : 'resolved',
    receiver: 'swarm-scaler',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.invalid',
    alerts,
  };
}
