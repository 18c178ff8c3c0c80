/**
 * Step prometheus-config/v1: prometheus/prometheus.yml. Scrapes `swarm-scaler serve` as job
 * `swarm-scaler`, loads the generated rule files and sends alerts to Alertmanager.
 */
import { SCRAPE_JOB } from '../scrape-job';
import { renderYaml } from '../render';
import type { GeneratorStep } from '../result';
import { ALERT_RULES_FILE } from './alert-rules-v1';
import { RECORDING_RULES_FILE } from './recording-rules-v1';

/** Path of the Prometheus config in the output folder. */
export const PROMETHEUS_CONFIG_FILE = 'prometheus/prometheus.yml';

export const prometheusConfigStep: GeneratorStep = {
  id: 'prometheus-config',
  version: 1,
  formats: ['prometheus'],
  apply(context, result) {
    const { options } = context;
    const ruleDir = options.ruleFilesDir.replace(/\/$/, '');
    const ruleFile = (path: string) => `${ruleDir}/${path.split('/').slice(1).join('/')}`;
    const config = {
      global: {
        scrape_interval: options.scrapeInterval,
        evaluation_interval: options.evaluationInterval,
        external_labels: { swarm: options.swarmName },
      },
      rule_files: [ruleFile(ALERT_RULES_FILE), ruleFile(RECORDING_RULES_FILE)],
      alerting: {
        alertmanagers: [{ static_configs: [{ targets: [options.alertmanagerAddress] }] }],
      },
      scrape_configs: [
        {
          job_name: SCRAPE_JOB,
          scrape_interval: options.scrapeInterval,
          metrics_path: '/metrics',
          static_configs: [{ targets: [options.serviceAddress] }],
        },
      ],
    };
    result.files.push({ path: PROMETHEUS_CONFIG_FILE, content: renderYaml(config, context, this) });
  },
};
