/**
 * Service settings from command-line flags and the environment. Flags win over the environment;
 * every default points at this machine's loopback services.
 */
import { readFileSync } from 'node:fs';

import { DEFAULT_PORT } from '../catalog/alert-contract';

export interface ServiceSettings {
  host: string;
  port: number;
  natsUrl: string;
  natsMonitorUrl?: string;
  telemetryPrefix?: string;
  queueGroup?: string;
  /** Store of the scaler; PGlite in `dataDir` when absent. */
  databaseUrl?: string;
  /** PostgreSQL that the exporter probes (`pg_stat_*`); defaults to DATABASE_URL. */
  probeDatabaseUrl?: string;
  dataDir?: string;
  alertmanagerUrl?: string;
  auth?: { bearerToken?: string; basic?: { username: string; password: string } };
  dryRun: boolean;
  env: NodeJS.ProcessEnv;
}

/** Raised for a setting that cannot be used, naming the flag or variable. */
export class SettingsError extends Error {
  override name = 'SettingsError';
  readonly code = 'SETTINGS_INVALID';
}

export interface ServeFlags {
  host?: string;
  port?: string;
  natsUrl?: string;
  databaseUrl?: string;
  dataDir?: string;
  alertmanagerUrl?: string;
  dryRun?: boolean;
}

/** Resolves settings; throws SettingsError on a value that cannot be used. */
export function resolveSettings(flags: ServeFlags, env: NodeJS.ProcessEnv): ServiceSettings {
  const portText = flags.port ?? env.PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SettingsError(
      `invalid port "${portText}": expected an integer from 0 to 65535 (--port or PORT)`,
    );
  }
  const databaseUrl = flags.databaseUrl ?? (env.DATABASE_URL || undefined);
  if (databaseUrl !== undefined) checkDatabaseUrl(databaseUrl, flags.databaseUrl ? '--database-url' : 'DATABASE_URL');
  return {
    host: flags.host ?? (env.HOST || DEFAULT_HOST),
    port,
    natsUrl: flags.natsUrl ?? env.NATS_URL ?? 'nats://127.0.0.1:4222',
    natsMonitorUrl: env.NATS_MONITOR_URL || undefined,
    telemetryPrefix: env.SWARM_TELEMETRY_PREFIX || undefined,
    queueGroup: env.SWARM_EXPORTER_QUEUE_GROUP || undefined,
    databaseUrl,
    probeDatabaseUrl: env.PROBE_DATABASE_URL || databaseUrl,
    dataDir: flags.dataDir ?? env.SWARM_DATA_DIR ?? '.data/pglite',
    alertmanagerUrl: flags.alertmanagerUrl ?? (env.ALERTMANAGER_URL || undefined),
    auth: readAuth(env),
    dryRun: flags.dryRun ?? env.SWARM_DRY_RUN === 'true',
    env,
  };
}

/** Default listen address: loopback, so an unauthenticated admin API is not reachable from outside. */
export const DEFAULT_HOST = '127.0.0.1';

/** True when `host` is reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function checkDatabaseUrl(url: string, source: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new SettingsError(
      `invalid ${source} "${redactUrl(url)}": expected a URL such as postgres://user@127.0.0.1:5432/swarm`,
    );
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new SettingsError(
      `invalid ${source} "${redactUrl(url)}": expected the postgres:// or postgresql:// scheme, got "${protocol}"`,
    );
  }
}

/** Replaces the password of a URL with `***`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

function readAuth(env: NodeJS.ProcessEnv): ServiceSettings['auth'] {
  const token =
    env.SWARM_WEBHOOK_TOKEN || readSecretFile(env.SWARM_WEBHOOK_TOKEN_FILE, 'SWARM_WEBHOOK_TOKEN_FILE');
  const username = env.SWARM_WEBHOOK_USERNAME;
  const password =
    env.SWARM_WEBHOOK_PASSWORD ||
    readSecretFile(env.SWARM_WEBHOOK_PASSWORD_FILE, 'SWARM_WEBHOOK_PASSWORD_FILE');
  if (!token && !username) return undefined;
  if (username && !password) {
    throw new SettingsError(
      'SWARM_WEBHOOK_USERNAME is set without a password: set SWARM_WEBHOOK_PASSWORD or SWARM_WEBHOOK_PASSWORD_FILE',
    );
  }
  return {
    bearerToken: token || undefined,
    basic: username && password ? { username, password } : undefined,
  };
}

/** Reads a secret file; an empty file is an error, since it would silently turn authentication off. */
function readSecretFile(file: string | undefined, variable: string): string | undefined {
  if (!file) return undefined;
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new SettingsError(
      `failed to read ${variable}=${file}: ${(err as Error).message}: check the path and its permissions`,
      { cause: err },
    );
  }
  if (secret === '') {
    throw new SettingsError(
      `${variable}=${file} is empty: write the secret into the file, or unset ${variable} to run without credentials`,
    );
  }
  return secret;
}
