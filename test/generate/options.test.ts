import {
  DEFAULT_OPTIONS,
  durationSeconds,
  formatDuration,
  resolveOptions,
} from '../../src/generate/options';
import { GenerateError } from '../../src/generate/errors';

describe('generate options', () => {
  test('defaults target the compose stack', () => {
    const options = resolveOptions();
    expect(options.serviceAddress).toBe('swarm-scaler:9477');
    expect(options.alertmanagerAddress).toBe('alertmanager:9093');
    expect(options.webhookCredentialsFile).toBe('/etc/alertmanager/secrets/webhook-token');
    expect(options).toEqual(DEFAULT_OPTIONS);
  });

  test('overrides replace defaults, undefined keeps them', () => {
    const options = resolveOptions({ serviceAddress: '127.0.0.1:4000', scrapeInterval: undefined });
    expect(options.serviceAddress).toBe('127.0.0.1:4000');
    expect(options.scrapeInterval).toBe('15s');
  });

  test.each([
    ['service address without port', { serviceAddress: 'swarm-scaler' }, '--service-address'],
    ['interval without unit', { scrapeInterval: '15' }, '--scrape-interval'],
    [
      'relative credentials file',
      { webhookCredentialsFile: 'token' },
      '--webhook-credentials-file',
    ],
    ['unknown format', { format: 'helm' as never }, '--format'],
  ])('rejects %s', (_name, overrides, flag) => {
    expect(() => resolveOptions(overrides)).toThrow(GenerateError);
    expect(() => resolveOptions(overrides)).toThrow(flag);
  });

  test.each([
    ['15s', 15],
    ['1m', 60],
    ['500ms', 0.5],
    ['2h', 7200],
  ])('durationSeconds(%s) is %d', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });

  test.each([
    [0, '0s'],
    [30, '30s'],
    [90, '1m30s'],
    [300, '5m'],
    [0.5, '500ms'],
  ])('formatDuration(%d) is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
