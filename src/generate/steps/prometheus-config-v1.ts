/**
 * Step prometheus-config/v1: prometheus/prometheus.yml. It scrapes `swarm-scaler serve` as job
 * `swarm-scaler`, loads every `*.yml` of each rule folder and sends alerts to Alertmanager. The
 * rule tests are one level down, in alerts/tests, so the glob does not load them.
 */
import { SCRAPE_JOB } from '../scrape-job';
import { renderYaml } from '../render';
import type { GeneratorStep } from '../result';

/** Path of the Prometheus config in the output folder. */
export const PROMETHEUS_CONFIG_FILE = 'prometheus/prometheus.yml';

export const prometheusConfigStep: GeneratorStep = {
  id: 'prometheus-config',
  version: 1,
  formats: ['prometheus'],
  apply(context, result) {
    const { options } = context;
    // A glob that matches nothing adds no rules, but a plain missing path fails the load. So
    // one config works in every folder layout that ruleFilesDirs lists.
    const ruleFiles = options.ruleFilesDirs.map((dir) => `${dir.replace(/\/$/, '')}/*.yml`);
    const config = {
      global: {
        scrape_interval: options.scrapeInterval,
        evaluation_interval: options.evaluationInterval,
        external_labels: { swarm: options.swarmName },
      },
      rule_files: ruleFiles,
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
