/**
 * Deployment options of `swarm-scaler generate`: where the generated configs point.
 *
 * The defaults match the docker compose stack, where every service is reached by its service name.
 * Tests and the end-to-end run override them to point at loopback ports with short intervals.
 */
import { DEFAULT_PORT, DEFAULT_SWARM_NAME } from '../catalog/alert-contract';
import { GenerateError } from './errors';

/** Output flavour: plain Prometheus files, or PrometheusRule resources for Prometheus Operator. */
export type OutputFormat = 'prometheus' | 'prometheus-operator';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['prometheus', 'prometheus-operator'];

export interface GenerateOptions {
  format: OutputFormat;
  /** `host:port` of `swarm-scaler serve`: the scrape target and the webhook receiver. */
  serviceAddress: string;
  /** `host:port` of Alertmanager, where Prometheus sends alerts. */
  alertmanagerAddress: string;
  /** `host:port` of Prometheus, for the Grafana datasource. */
  prometheusAddress: string;
  /** File Alertmanager reads the webhook's bearer token from. */
  webhookCredentialsFile: string;
  /** Prometheus scrape interval, such as `15s`. */
  scrapeInterval: string;
  /** Prometheus rule evaluation interval; also the `interval` of every rule group. */
  evaluationInterval: string;
  /** Alertmanager `group_interval` of scaling alerts: the wait before a group's next update. */
  groupInterval: string;
  /** How often Alertmanager repeats the watchdog to the scaler. */
  watchdogInterval: string;
  /**
   * Folders of the rule files on the Prometheus host, relative to prometheus.yml or absolute.
   * prometheus.yml loads `<folder>/*.yml` of each, so a folder that does not exist adds no rules.
   */
  ruleFilesDirs: string[];
  /** Base of every alert's `runbook_url`. */
  runbookBaseUrl: string;
  /** Value of the `swarm` label on every alert. */
  swarmName: string;
}

/** Defaults for the docker compose stack, where prometheus/ is mounted at /etc/prometheus. */
export const DEFAULT_OPTIONS: GenerateOptions = {
  format: 'prometheus',
  serviceAddress: `swarm-scaler:${DEFAULT_PORT}`,
  alertmanagerAddress: 'alertmanager:9093',
  prometheusAddress: 'prometheus:9090',
  webhookCredentialsFile: '/etc/alertmanager/secrets/webhook-token',
  scrapeInterval: '15s',
  evaluationInterval: '15s',
  groupInterval: '30s',
  // The scaler freezes scale-down after minutes without a watchdog, so one a minute is plenty.
  watchdogInterval: '1m',
  // The compose stack mounts alerts/ at /etc/prometheus/alerts, next to prometheus.yml; in the
  // repository and in any --out folder, alerts/ is a sibling of prometheus/.
  ruleFilesDirs: ['alerts', '../alerts'],
  runbookBaseUrl: 'docs/runbooks',
  swarmName: DEFAULT_SWARM_NAME,
};

const DURATION = /^(\d+)(ms|s|m|h)$/;
const ADDRESS = /^[A-Za-z0-9.[\]:-]+:\d{1,5}$/;

/** Merges overrides into the defaults and validates them; throws GenerateError on a bad value. */
export function resolveOptions(overrides: Partial<GenerateOptions> = {}): GenerateOptions {
  const options = { ...DEFAULT_OPTIONS, ...dropUndefined(overrides) };
  if (!OUTPUT_FORMATS.includes(options.format)) {
    throw invalid('--format', options.format, OUTPUT_FORMATS.join(' or '));
  }
  for (const key of ['serviceAddress', 'alertmanagerAddress', 'prometheusAddress'] as const) {
    if (!ADDRESS.test(options[key])) throw invalid(flagName(key), options[key], 'host:port');
  }
  const durations = [
    'scrapeInterval',
    'evaluationInterval',
    'groupInterval',
    'watchdogInterval',
  ] as const;
  for (const key of durations) {
    if (!DURATION.test(options[key])) {
      throw invalid(flagName(key), options[key], 'a duration such as 15s or 1m');
    }
  }
  if (options.ruleFilesDirs.length === 0) {
    throw invalid('--rule-files-dir', '', 'at least one folder');
  }
  if (!options.webhookCredentialsFile.startsWith('/')) {
    throw invalid('--webhook-credentials-file', options.webhookCredentialsFile, 'an absolute path');
  }
  return options;
}

/** Converts a Prometheus duration such as `15s` or `1m` to seconds. */
export function durationSeconds(text: string): number {
  const match = DURATION.exec(text);
  if (!match) throw invalid('duration', text, 'a duration such as 15s or 1m');
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * factor;
}

/** Formats seconds as a Prometheus duration: `90` → `1m30s`, `0` → `0s`. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(seconds * 1000);
  const units = [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const;
  for (const [unit, ms] of units) {
    if (rest >= ms) {
      parts.push(`${Math.floor(rest / ms)}${unit}`);
      rest %= ms;
    }
  }
  return parts.join('');
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return Object.fromEntries(entries) as Partial<T>;
}

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function invalid(flag: string, value: string, expected: string): GenerateError {
  return new GenerateError(
    'GENERATE_OPTION_INVALID',
    `invalid ${flag} "${value}": expected ${expected}`,
  );
}
