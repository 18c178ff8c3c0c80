import { parse } from 'yaml';

import { generate } from '../../../src/generate/generate';
import { grafanaProvisioningStep } from '../../../src/generate/steps/grafana-provisioning-v1';
import { exampleConfig, fileAt } from '../support';

describe('grafana-provisioning step', () => {
  const result = generate(exampleConfig(), { prometheusAddress: '127.0.0.1:9999' }, [
    grafanaProvisioningStep,
  ]);

  test('datasource points at Prometheus', () => {
    const file = fileAt(result.files, 'dashboards/provisioning/datasources/prometheus.yml');
    const parsed = parse(file) as { datasources: { type: string; url: string; uid: string }[] };
    expect(parsed.datasources).toHaveLength(1);
    expect(parsed.datasources[0]).toMatchObject({
      type: 'prometheus',
      url: 'http://127.0.0.1:9999',
      uid: 'prometheus',
    });
  });

  test('dashboard provider reads the mounted dashboards folder', () => {
    const file = fileAt(result.files, 'dashboards/provisioning/dashboards/swarm-scaler.yml');
    const parsed = parse(file) as { providers: { type: string; options: { path: string } }[] };
    expect(parsed.providers[0].type).toBe('file');
    expect(parsed.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
  });
});
