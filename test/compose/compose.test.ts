import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { execFileSync } from 'node:child_process';

import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const root = path.join(__dirname, '..', '..');
const composeFile = path.join(root, 'docker-compose.yml');
// dclint ships the Compose specification's JSON Schema (draft-07) and lints against it.
const schemaFile = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
const dclint = path.join(path.dirname(require.resolve('dclint/package.json')), 'bin', 'dclint.cjs');

interface ComposeService {
  image?: string;
  build?: unknown;
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  command?: string[];
}

const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const services = Object.entries(compose.services);

describe('docker-compose.yml', () => {
  test('validates against the Compose specification', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    // The schema names its draft as "https://json-schema.org/draft-07/schema", a spelling ajv does
    // not register; ajv implements draft-07 by default, so the reference is dropped before compiling.
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(schemaFile, 'utf8'));
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('passes dclint with its default rules', () => {
    const output = execFileSync(process.execPath, [dclint, '--color', 'false', composeFile], { encoding: 'utf8' });
    expect(output).not.toMatch(/error|warning/);
  });

  test('runs the whole local stack', () => {
    const names = Object.keys(compose.services).sort();
    expect(names).toEqual(
      ['agent-host', 'alertmanager', 'grafana', 'nats', 'postgres', 'prometheus', 'simulator', 'swarm-scaler'].sort(),
    );
  });

  test.each(services)('%s pins its image tag', (_name, service) => {
    if (service.build !== undefined) return expect(service.image).toBe('swarm-scaler:local');
    expect(service.image).toMatch(/^[a-z0-9./-]+:[A-Za-z0-9._-]+$/);
    expect(service.image).not.toMatch(/:latest$/);
  });

  test.each(services)('%s depends only on healthy services', (_name, service) => {
    for (const [dependency, rule] of Object.entries(service.depends_on ?? {})) {
      expect(compose.services[dependency]).toBeDefined();
      expect(compose.services[dependency].healthcheck).toBeDefined();
      expect(rule.condition).toBe('service_healthy');
    }
  });

  test('servers have health checks', () => {
    for (const name of ['nats', 'postgres', 'swarm-scaler', 'prometheus', 'alertmanager', 'grafana']) {
      expect(compose.services[name].healthcheck?.test).toBeDefined();
    }
  });

  test('NATS runs with JetStream and monitoring', () => {
    const command = compose.services.nats.command ?? [];
    expect(command).toContain('-js');
    expect(command).toContain('-m');
  });

  test.each(services)('%s mounts files that exist in the repository', (_name, service) => {
    for (const volume of service.volumes ?? []) {
      const source = volume.split(':')[0];
      if (!source.startsWith('./')) continue;
      expect(existsSync(path.join(root, source))).toBe(true);
    }
  });
});
