/**
 * Panel specs of the scaler dashboard: the pool by category, role and state, desired against
 * actual agents, decisions and their reasons, skipped steps, alert-to-spawn latency, webhook
 * outcomes and the alert pipeline's health.
 *
 * The scaler's self-metrics are `swarm_scaler_decisions_total{rule,action,outcome}`,
 * `swarm_scaler_skipped_steps_total{reason}`, `swarm_scaler_alert_to_spawn_seconds` (histogram),
 * `swarm_scaler_webhook_requests_total{status}`, `swarm_scaler_desired_agents`,
 * `swarm_scaler_frozen` and `swarm_scaler_paused`; the pool gauge `swarm_agents` comes from the
 * catalogue.
 */
import type { SwarmConfig } from '../config/model';
import { RATE_INTERVAL, type PanelThreshold } from './dashboard-panels';
import type { PanelDraft } from './framework-panels';

/** Self-metric names of the scaler that the dashboard reads. */
export const SCALER_METRICS = {
  decisions: 'swarm_scaler_decisions_total',
  skippedSteps: 'swarm_scaler_skipped_steps_total',
  alertToSpawn: 'swarm_scaler_alert_to_spawn_seconds',
  webhookRequests: 'swarm_scaler_webhook_requests_total',
  desiredAgents: 'swarm_scaler_desired_agents',
  frozen: 'swarm_scaler_frozen',
  paused: 'swarm_scaler_paused',
} as const;

const LIVE = 'state=~"starting|running"';

/** Rows of the scaler dashboard, in order. */
export function scalerRows(
  config: SwarmConfig,
  swarmName: string,
  job: string,
): { title: string; panels: PanelDraft[] }[] {
  return [
    { title: 'Pool', panels: poolPanels(config) },
    { title: 'Decisions', panels: decisionPanels() },
    { title: 'Alert pipeline', panels: pipelinePanels(swarmName, job) },
  ];
}

function poolPanels(config: SwarmConfig): PanelDraft[] {
  const bounds = poolBounds(config);
  return [
    {
      title: 'Agents by category',
      description: 'Starting and running agents per category, stacked.' + boundsText(config),
      unit: 'short',
      queries: [{ expr: `sum by (category) (swarm_agents{${LIVE}})`, legend: '{{category}}' }],
      thresholds: bounds,
      stacked: true,
    },
    {
      title: 'Agents by role',
      description: 'Starting and running agents per role, stacked.',
      unit: 'short',
      queries: [{ expr: `sum by (role) (swarm_agents{${LIVE}})`, legend: '{{role}}' }],
      stacked: true,
    },
    {
      title: 'Agents by state',
      description: 'Agents per lifecycle state: starting, running, retiring, failed.',
      unit: 'short',
      queries: [{ expr: 'sum by (state) (swarm_agents)', legend: '{{state}}' }],
    },
    {
      title: 'Desired against actual agents',
      description:
        'The pool size the scaler wants against the agents starting or running.' +
        boundsText(config),
      unit: 'short',
      queries: [
        { expr: `max(${SCALER_METRICS.desiredAgents})`, legend: 'desired' },
        { expr: `sum(swarm_agents{${LIVE}})`, legend: 'actual' },
      ],
      thresholds: bounds,
      width: 12,
    },
  ];
}

function decisionPanels(): PanelDraft[] {
  const decisions = SCALER_METRICS.decisions;
  return [
    {
      title: 'Decisions by rule and action',
      description: 'Scaling decisions per scaling rule and action (spawn, retire).',
      unit: 'short',
      queries: [
        {
          expr: `sum by (rule, action) (increase(${decisions}[${RATE_INTERVAL}]))`,
          legend: '{{rule}} {{action}}',
        },
      ],
    },
    {
      title: 'Decision outcomes',
      description: 'Scaling decisions per outcome, such as applied or skipped.',
      unit: 'short',
      queries: [
        {
          expr: `sum by (outcome) (increase(${decisions}[${RATE_INTERVAL}]))`,
          legend: '{{outcome}}',
        },
      ],
    },
    {
      title: 'Skipped steps by reason',
      description:
        'Planned steps the scaler did not take, by reason, such as cooldown, stabilization,' +
        ' at_max or category_full.',
      unit: 'short',
      queries: [
        {
          expr: `sum by (reason) (increase(${SCALER_METRICS.skippedSteps}[${RATE_INTERVAL}]))`,
          legend: '{{reason}}',
        },
      ],
    },
    {
      title: 'Scale-down frozen, scaling paused',
      description:
        'frozen: 1 while scale-down is held because the alert pipeline may be blind (watchdog' +
        ' silent or exporter down). paused: 1 while an operator has paused automatic scaling.',
      unit: 'short',
      queries: [
        { expr: `max(${SCALER_METRICS.frozen})`, legend: 'frozen' },
        { expr: `max(${SCALER_METRICS.paused})`, legend: 'paused' },
      ],
      thresholds: [{ value: 1, source: 'frozen or paused', direction: 'up' }],
    },
  ];
}

function pipelinePanels(swarmName: string, job: string): PanelDraft[] {
  const latency = `${SCALER_METRICS.alertToSpawn}_bucket[${RATE_INTERVAL}]`;
  return [
    {
      title: 'Alert to spawn latency',
      description: 'Time from an alert starting to fire to the agents it asked for being spawned.',
      unit: 's',
      queries: [0.5, 0.9, 0.99].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (le) (rate(${latency})))`,
        legend: `p${Math.round(q * 100)}`,
      })),
    },
    {
      title: 'Webhook requests by status',
      description: 'Alertmanager webhook requests per HTTP status; 503 means retried later.',
      unit: 'reqps',
      queries: [
        {
          expr: `sum by (status) (rate(${SCALER_METRICS.webhookRequests}[${RATE_INTERVAL}]))`,
          legend: '{{status}}',
        },
      ],
    },
    {
      title: 'Firing alerts',
      description:
        'Alerts of this swarm that Prometheus reports firing; the watchdog is always among them.',
      unit: 'short',
      queries: [
        {
          expr: `count by (alertname) (ALERTS{alertstate="firing", swarm="${swarmName}"})`,
          legend: '{{alertname}}',
        },
      ],
    },
    {
      title: 'Exporter scrapes',
      description: `Whether Prometheus scrapes job ${job}: 1 up, 0 down.`,
      unit: 'short',
      queries: [{ expr: `up{job="${job}"}`, legend: '{{instance}}' }],
    },
  ];
}

function poolBounds(config: SwarmConfig): PanelThreshold[] {
  return [
    { value: config.autoScale.minAgents, source: 'swarm.auto_scale.min_agents', direction: 'down' },
    { value: config.autoScale.maxAgents, source: 'swarm.auto_scale.max_agents', direction: 'up' },
  ];
}

function boundsText(config: SwarmConfig): string {
  const { minAgents, maxAgents } = config.autoScale;
  return ` Dashed lines: auto_scale bounds ${minAgents} and ${maxAgents}.`;
}
