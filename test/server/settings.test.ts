import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  DEFAULT_HOST,
  isLoopbackHost,
  redactUrl,
  resolveSettings,
  SettingsError,
} from '../../src/server/settings';

describe('resolveSettings', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'swarm-settings-'));

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  test('listens on loopback by default', () => {
    const settings = resolveSettings({}, {});
    expect(settings.host).toBe(DEFAULT_HOST);
    expect(isLoopbackHost(settings.host)).toBe(true);
    expect(settings.port).toBe(9477);
  });

  test('flags win over the environment', () => {
    const settings = resolveSettings({ port: '1234', host: '0.0.0.0' }, { PORT: '999', HOST: '::1' });
    expect(settings.port).toBe(1234);
    expect(settings.host).toBe('0.0.0.0');
  });

  test.each([
    ['-1', /invalid port "-1"/],
    ['70000', /invalid port "70000"/],
    ['http', /expected an integer from 0 to 65535/],
  ])('rejects port %s', (port, message) => {
    expect(() => resolveSettings({ port }, {})).toThrow(SettingsError);
    expect(() => resolveSettings({ port }, {})).toThrow(message);
  });

  test.each([
    ['not a url', /invalid --database-url "not a url": expected a URL/],
    ['mysql://root@127.0.0.1/db', /expected the postgres:\/\/ or postgresql:\/\/ scheme/],
  ])('rejects database URL %s', (databaseUrl, message) => {
    expect(() => resolveSettings({ databaseUrl }, {})).toThrow(message);
  });

  test('database URL errors hide the password', () => {
    const attempt = () => resolveSettings({}, { DATABASE_URL: 'mysql://bob:hunter2@127.0.0.1/db' });
    expect(attempt).toThrow(/DATABASE_URL/);
    expect(attempt).not.toThrow(/hunter2/);
  });

  test('reads the webhook token from a file', () => {
    const file = path.join(work, 'token');
    writeFileSync(file, 'secret-token\n');
    const settings = resolveSettings({}, { SWARM_WEBHOOK_TOKEN_FILE: file });
    expect(settings.auth?.bearerToken).toBe('secret-token');
  });

  test('rejects an empty token file', () => {
    const file = path.join(work, 'empty-token');
    writeFileSync(file, '\n');
    const attempt = () => resolveSettings({}, { SWARM_WEBHOOK_TOKEN_FILE: file });
    expect(attempt).toThrow(SettingsError);
    expect(attempt).toThrow(/SWARM_WEBHOOK_TOKEN_FILE=.* is empty/);
  });

  test('rejects a missing token file', () => {
    const attempt = () =>
      resolveSettings({}, { SWARM_WEBHOOK_TOKEN_FILE: path.join(work, 'absent') });
    expect(attempt).toThrow(/failed to read SWARM_WEBHOOK_TOKEN_FILE=/);
  });

  test('rejects a username without a password', () => {
    expect(() => resolveSettings({}, { SWARM_WEBHOOK_USERNAME: 'alertmanager' })).toThrow(
      /set SWARM_WEBHOOK_PASSWORD or SWARM_WEBHOOK_PASSWORD_FILE/,
    );
  });
});

describe('redactUrl', () => {
  test.each([
    ['postgres://bob:hunter2@127.0.0.1:5432/db', 'postgres://bob:***@127.0.0.1:5432/db'],
    ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4222'],
    ['not a url //bob:pw@host', 'not a url //bob:***@host'],
  ])('redacts %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
