import { Registry } from 'prom-client';

import type { DriverConfig } from '../../src/config/model';
import { applyDriverEnv } from '../../src/pool/driver-env';
import { createDriver } from '../../src/pool/index';
import { DriverConfigError } from '../../src/pool/options';
import { configWithDriver, silentLogger } from './helpers';

const FILE_DRIVER: DriverConfig = {
  kind: 'nats',
  startDelaySeconds: 1,
  timeoutSeconds: 10,
  options: { url: 'nats://127.0.0.1:4222', subject_root: 'agents' },
};

describe('driver environment overrides', () => {
  test('no variables keep the file settings', () => {
    expect(applyDriverEnv(FILE_DRIVER, {})).toEqual(FILE_DRIVER);
  });

  test('single-key variables override options', () => {
    const driver = applyDriverEnv(FILE_DRIVER, {
      SWARM_DRIVER_URL: 'nats://127.0.0.1:4333',
      SWARM_DRIVER_SUBJECT_ROOT: 'staging.agents',
      SWARM_DRIVER_SPAWN_SUBJECT: 'staging.spawn',
      SWARM_DRIVER_TIMEOUT: '3s',
      SWARM_DRIVER_START_DELAY: '500ms',
    });
    expect(driver).toEqual({
      kind: 'nats',
      startDelaySeconds: 0.5,
      timeoutSeconds: 3,
      options: {
        url: 'nats://127.0.0.1:4333',
        subject_root: 'staging.agents',
        spawn_subject: 'staging.spawn',
      },
    });
  });

  test('SWARM_DRIVER_OPTIONS merges under single keys', () => {
    const driver = applyDriverEnv(FILE_DRIVER, {
      SWARM_DRIVER_OPTIONS: '{"subject_root":"json.agents","failure_threshold":5}',
      SWARM_DRIVER_SUBJECT_ROOT: 'single.agents',
    });
    expect(driver.options).toEqual({
      url: 'nats://127.0.0.1:4222',
      subject_root: 'single.agents',
      failure_threshold: 5,
    });
  });

  test('another kind drops the file options', () => {
    const driver = applyDriverEnv(FILE_DRIVER, {
      SWARM_DRIVER: 'in-process',
      SWARM_DRIVER_URL: 'http://127.0.0.1:1',
    });
    expect(driver.kind).toBe('in-process');
    expect(driver.options).toEqual({});
  });

  test.each([
    [
      'unknown kind',
      { SWARM_DRIVER: 'docker' },
      /invalid SWARM_DRIVER "docker": expected one of in-process, nats, exec, http/,
    ],
    ['timeout without unit', { SWARM_DRIVER_TIMEOUT: '10' }, /invalid SWARM_DRIVER_TIMEOUT/],
    [
      'options not JSON',
      { SWARM_DRIVER_OPTIONS: '{url:' },
      /invalid SWARM_DRIVER_OPTIONS: expected a JSON object/,
    ],
    ['options an array', { SWARM_DRIVER_OPTIONS: '[1]' }, /invalid SWARM_DRIVER_OPTIONS/],
  ])('invalid variable: %s', (_name, env, message) => {
    expect(() => applyDriverEnv(FILE_DRIVER, env)).toThrow(DriverConfigError);
    expect(() => applyDriverEnv(FILE_DRIVER, env)).toThrow(message);
  });
});

describe('createDriver', () => {
  const deps = () => ({ logger: silentLogger(), registry: new Registry(), env: {} });

  test.each([
    ['in-process', {}],
    ['nats', {}],
    ['exec', { spawn: ['cli', 'spawn', '{agentId}'], retire: ['cli', 'retire', '{agentId}'] }],
    ['http', { url: 'http://127.0.0.1:8080' }],
  ] as const)('builds the %s driver', (kind, options) => {
    const driver = createDriver(configWithDriver({ kind, options }), deps());
    expect(driver.kind).toBe(kind);
  });

  test('SWARM_DRIVER selects the kind', () => {
    const driver = createDriver(configWithDriver({ kind: 'in-process' }), {
      ...deps(),
      env: { SWARM_DRIVER: 'nats' },
    });
    expect(driver.kind).toBe('nats');
  });

  test('unknown option key is rejected with its name', () => {
    const create = () =>
      createDriver(configWithDriver({ kind: 'in-process', options: { heartbeat: '1s' } }), deps());
    expect(create).toThrow(DriverConfigError);
    expect(create).toThrow(/invalid options for the in-process pool driver/);
    expect(create).toThrow(/heartbeat/);
  });

  test('invalid duration names the key and value', () => {
    const options = { heartbeat_interval: 'often' };
    const create = () => createDriver(configWithDriver({ kind: 'in-process', options }), deps());
    expect(create).toThrow(
      /driver\.options\.heartbeat_interval: .*duration "often".*\(got "often"\)/,
    );
  });

  test('http driver requires a URL', () => {
    const create = () => createDriver(configWithDriver({ kind: 'http', options: {} }), deps());
    expect(create).toThrow(/driver\.options\.url: .*\(missing\)/);
  });
});
