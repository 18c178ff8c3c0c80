import { rmSync } from 'node:fs';

import { parse } from 'yaml';

import { generate } from '../../../src/generate/generate';
import {
  ALERTMANAGER_CONFIG_FILE,
  alertmanagerConfigStep,
} from '../../../src/generate/steps/alertmanager-config-v1';
import { exampleConfig, fileAt, runTool, writeTemp } from '../support';

interface Webhook {
  url: string;
  send_resolved: boolean;
  http_config: { authorization: { credentials_file: string } };
}

interface AlertmanagerYaml {
  route: {
    group_by: string[];
    group_wait: string;
    group_interval: string;
    routes: {
      receiver: string;
      matchers: string[];
      repeat_interval?: string;
      group_interval?: string;
    }[];
  };
  inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
  receivers: { name: string; webhook_configs?: Webhook[] }[];
}

describe('alertmanager-config step', () => {
  const config = exampleConfig();
  const result = generate(config, {}, [alertmanagerConfigStep]);
  const content = fileAt(result.files, ALERTMANAGER_CONFIG_FILE);
  const parsed = parse(content) as AlertmanagerYaml;

  test('groups by alert and scaling rule with a short wait', () => {
    expect(parsed.route.group_by).toEqual(['alertname', 'scaling_rule']);
    expect(parsed.route.group_wait).toMatch(/^[0-5]s$/);
  });

  test('webhooks send resolved alerts with a credentials file', () => {
    const webhooks = parsed.receivers.flatMap((receiver) => receiver.webhook_configs ?? []);
    expect(webhooks).toHaveLength(2);
    for (const webhook of webhooks) {
      expect(webhook.url).toBe('http://swarm-scaler:9477/webhook/alertmanager');
      expect(webhook.send_resolved).toBe(true);
      expect(webhook.http_config.authorization.credentials_file).toBe(
        '/etc/alertmanager/secrets/webhook-token',
      );
    }
  });

  test('critical inhibits warning', () => {
    expect(parsed.inhibit_rules).toEqual([
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ['swarm', 'scaling_rule'],
      },
    ]);
  });

  test('amtool check-config accepts it', () => {
    const dir = writeTemp(result.files);
    const { code, output } = runTool('amtool', ['check-config', ALERTMANAGER_CONFIG_FILE], dir);
    rmSync(dir, { recursive: true, force: true });
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  test.each([
    ['watchdog', ['alertname=SwarmScalerWatchdog', 'swarm=ms-framework'], 'swarm-scaler-watchdog'],
    ['scaling alert', ['alertname=SwarmScalerErrorRateHigh', 'swarm=ms-framework'], 'swarm-scaler'],
    ['exporter alert', ['alertname=SwarmScalerExporterDown', 'swarm=ms-framework'], 'swarm-scaler'],
    ['other swarm', ['alertname=SwarmScalerErrorRateHigh', 'swarm=elsewhere'], 'discard'],
  ])('amtool routes the %s', (_name, labels, receiver) => {
    const dir = writeTemp(result.files);
    const args = [
      'config',
      'routes',
      'test',
      `--config.file=${ALERTMANAGER_CONFIG_FILE}`,
      ...labels,
    ];
    const { code, output } = runTool('amtool', args, dir);
    rmSync(dir, { recursive: true, force: true });
    expect(output.split('\n')[0].trim()).toBe(receiver);
    expect(code).toBe(0);
  });

  test('flags change the webhook host and credentials file', () => {
    const custom = generate(
      config,
      {
        serviceAddress: '127.0.0.1:4000',
        webhookCredentialsFile: '/tmp/token',
        groupInterval: '2s',
        watchdogInterval: '5s',
      },
      [alertmanagerConfigStep],
    );
    const text = fileAt(custom.files, ALERTMANAGER_CONFIG_FILE);
    const customParsed = parse(text) as AlertmanagerYaml;
    expect(text).toContain('url: http://127.0.0.1:4000/webhook/alertmanager');
    expect(text).toContain('credentials_file: /tmp/token');
    expect(customParsed.route.group_interval).toBe('2s');
    expect(customParsed.route.routes[0].repeat_interval).toBe('5s');
    expect(customParsed.route.routes[0].repeat_interval).toBe('5s');
  });

  test.each([
    { source: 'the default', seconds: undefined, flag: undefined, expected: '1m' },
    { source: 'scaler.watchdog_interval', seconds: 90, flag: undefined, expected: '90s' },
    { source: 'the flag over the config', seconds: 90, flag: '5s', expected: '5s' },
  ])('watchdog interval comes from $source', ({ seconds, flag, expected }) => {
    const scaler = { ...config.scaler, watchdogIntervalSeconds: seconds };
    const withInterval = { ...config, scaler };
    const generated = generate(withInterval, { watchdogInterval: flag }, [alertmanagerConfigStep]);
    const route = (parse(fileAt(generated.files, ALERTMANAGER_CONFIG_FILE)) as AlertmanagerYaml)
      .route.routes[0];
    expect(route.receiver).toBe('swarm-scaler-watchdog');
    expect(route.repeat_interval).toBe(expected);
    expect(route.group_interval).toBe(expected);
  });
});
