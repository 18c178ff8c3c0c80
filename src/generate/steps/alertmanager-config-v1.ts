/**
 * Step alertmanager-config/v1: prometheus/alertmanager.yml. Alerts of this swarm go to the
 * scaler's webhook, grouped per alert and scaling rule with a short group_wait, resolved
 * notifications included. The watchdog has a route of its own with a short repeat interval,
 * because the scaler reads a silent watchdog as a broken pipeline. Alerts of other swarms sharing
 * this Alertmanager fall through to a receiver with no integrations.
 */
import { ALERT_LABELS, WEBHOOK_PATH } from '../../catalog/alert-contract';
import { WATCHDOG_ALERT } from '../pipeline-alerts';
import { renderYaml } from '../render';
import type { GenerationContext, GeneratorStep } from '../result';

/** Path of the Alertmanager config in the output folder. */
export const ALERTMANAGER_CONFIG_FILE = 'prometheus/alertmanager.yml';

/** Receiver names, as the scaler's logs and Alertmanager's UI show them. */
export const RECEIVERS = {
  scaler: 'swarm-scaler',
  watchdog: 'swarm-scaler-watchdog',
  discard: 'discard',
} as const;

// Scaling should start within seconds of an alert firing; a short wait still batches alerts
// that fire in the same evaluation.
const GROUP_WAIT = '1s';
// The scaler diffs notifications by fingerprint, so a resend every few minutes costs little and
// recovers a lost notification.
const REPEAT_INTERVAL = '5m';

export const alertmanagerConfigStep: GeneratorStep = {
  id: 'alertmanager-config',
  version: 1,
  formats: ['prometheus', 'prometheus-operator'],
  apply(context, result) {
    const config = {
      route: {
        receiver: RECEIVERS.discard,
        group_by: ['alertname', ALERT_LABELS.rule],
        group_wait: GROUP_WAIT,
        group_interval: context.options.groupInterval,
        repeat_interval: REPEAT_INTERVAL,
        routes: [
          {
            receiver: RECEIVERS.watchdog,
            matchers: [`alertname="${WATCHDOG_ALERT}"`, swarmMatcher(context)],
            group_wait: '0s',
            group_interval: context.options.watchdogInterval,
            repeat_interval: context.options.watchdogInterval,
          },
          { receiver: RECEIVERS.scaler, matchers: [swarmMatcher(context)] },
        ],
      },
      inhibit_rules: [
        {
          source_matchers: ['severity="critical"'],
          target_matchers: ['severity="warning"'],
          equal: [ALERT_LABELS.swarm, ALERT_LABELS.rule],
        },
      ],
      receivers: [
        { name: RECEIVERS.discard },
        { name: RECEIVERS.scaler, webhook_configs: [webhook(context)] },
        { name: RECEIVERS.watchdog, webhook_configs: [webhook(context)] },
      ],
    };
    const content = renderYaml(config, context, this);
    result.files.push({ path: ALERTMANAGER_CONFIG_FILE, content });
  },
};

function swarmMatcher(context: GenerationContext): string {
  return `${ALERT_LABELS.swarm}="${context.options.swarmName}"`;
}

function webhook(context: GenerationContext) {
  const { options } = context;
  return {
    url: `http://${options.serviceAddress}${WEBHOOK_PATH}`,
    send_resolved: true,
    http_config: {
      authorization: { type: 'Bearer', credentials_file: options.webhookCredentialsFile },
    },
  };
}
