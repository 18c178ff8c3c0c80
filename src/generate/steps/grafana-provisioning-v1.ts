/**
 * Step grafana-provisioning/v1: Grafana provisioning files under dashboards/provisioning/, a
 * Prometheus datasource and a file provider for the generated dashboards. Paths match the
 * compose stack, which mounts dashboards/provisioning at /etc/grafana/provisioning and
 * dashboards/ at /var/lib/grafana/dashboards.
 */
import { renderYaml } from '../render';
import type { GeneratorStep } from '../result';

/** Uid of the provisioned Prometheus datasource. */
export const DATASOURCE_UID = 'prometheus';

/** Folder Grafana reads the dashboard JSON files from. */
export const GRAFANA_DASHBOARDS_PATH = '/var/lib/grafana/dashboards';

export const grafanaProvisioningStep: GeneratorStep = {
  id: 'grafana-provisioning',
  version: 1,
  formats: ['prometheus', 'prometheus-operator'],
  apply(context, result) {
    const datasources = {
      apiVersion: 1,
      datasources: [
        {
          name: 'Prometheus',
          type: 'prometheus',
          uid: DATASOURCE_UID,
          access: 'proxy',
          url: `http://${context.options.prometheusAddress}`,
          isDefault: true,
          editable: false,
          jsonData: { timeInterval: context.options.scrapeInterval },
        },
      ],
    };
    const providers = {
      apiVersion: 1,
      providers: [
        {
          name: 'swarm-scaler',
          folder: 'swarm-scaler',
          type: 'file',
          disableDeletion: true,
          allowUiUpdates: false,
          updateIntervalSeconds: 30,
          options: { path: GRAFANA_DASHBOARDS_PATH, foldersFromFilesStructure: false },
        },
      ],
    };
    result.files.push(
      {
        path: 'dashboards/provisioning/datasources/prometheus.yml',
        content: renderYaml(datasources, context, this),
      },
      {
        path: 'dashboards/provisioning/dashboards/swarm-scaler.yml',
        content: renderYaml(providers, context, this),
      },
    );
  },
};
