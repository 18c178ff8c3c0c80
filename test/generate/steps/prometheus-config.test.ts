import { rmSync } from 'node:fs';

import { parse } from 'yaml';

import { generate } from '../../../src/generate/generate';
import { alertRulesStep } from '../../../src/generate/steps/alert-rules-v1';
import {
  PROMETHEUS_CONFIG_FILE,
  prometheusConfigStep,
} from '../../../src/generate/steps/prometheus-config-v1';
import { recordingRulesStep } from '../../../src/generate/steps/recording-rules-v1';
import { exampleConfig, fileAt, runTool, writeTemp } from '../support';

const steps = [alertRulesStep, recordingRulesStep, prometheusConfigStep];

interface PrometheusYaml {
  global: { scrape_interval: string; evaluation_interval: string };
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
}

describe('prometheus-config step', () => {
  const config = exampleConfig();

  test('defaults scrape the compose service and send to its Alertmanager', () => {
    const result = generate(config, {}, steps);
    const parsed = parse(fileAt(result.files, PROMETHEUS_CONFIG_FILE)) as PrometheusYaml;
    expect(parsed.scrape_configs[0].job_name).toBe('swarm-scaler');
    expect(parsed.scrape_configs[0].static_configs[0].targets).toEqual(['swarm-scaler:9477']);
    expect(parsed.alerting.alertmanagers[0].static_configs[0].targets).toEqual([
      'alertmanager:9093',
    ]);
    expect(parsed.rule_files).toEqual(['alerts/*.yml', '../alerts/*.yml']);
  });

  test('flags point it at loopback with short intervals', () => {
    const result = generate(
      config,
      {
        serviceAddress: '127.0.0.1:19477',
        alertmanagerAddress: '127.0.0.1:19093',
        scrapeInterval: '1s',
        evaluationInterval: '1s',
      },
      steps,
    );
    const parsed = parse(fileAt(result.files, PROMETHEUS_CONFIG_FILE)) as PrometheusYaml;
    expect(parsed.global.scrape_interval).toBe('1s');
    expect(parsed.global.evaluation_interval).toBe('1s');
    expect(parsed.scrape_configs[0].static_configs[0].targets).toEqual(['127.0.0.1:19477']);
    expect(parsed.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['127.0.0.1:19093']);
  });

  test('promtool check config finds both rule files', () => {
    const dir = writeTemp(generate(config, {}, steps).files);
    const { code, output } = runTool('promtool', ['check', 'config', PROMETHEUS_CONFIG_FILE], dir);
    rmSync(dir, { recursive: true, force: true });
    expect(output).toContain('SUCCESS: 2 rule files found');
    expect(code).toBe(0);
  });
});
