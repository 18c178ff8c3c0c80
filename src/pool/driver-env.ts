/**
 * Environment overrides of the `driver:` section, applied over the config file.
 *
 * Precedence, lowest first: the config's `driver.options`, then `SWARM_DRIVER_OPTIONS` (a JSON
 * object merged key by key), then the single-key variables. When `SWARM_DRIVER` selects another
 * kind than the file, the file's options are dropped, since they belong to the other driver.
 */
import { parseDuration, QuantityError } from '../config/quantity';
import type { DriverConfig, DriverKind } from '../config/model';
import { DriverConfigError } from './options';

const KINDS: readonly DriverKind[] = ['in-process', 'nats', 'exec', 'http'];

/** Variables that set one option, and the driver kinds that read it. */
const OPTION_VARIABLES: { variable: string; key: string; kinds: readonly DriverKind[] }[] = [
  { variable: 'SWARM_DRIVER_URL', key: 'url', kinds: ['nats', 'http'] },
  { variable: 'SWARM_DRIVER_SUBJECT_ROOT', key: 'subject_root', kinds: ['nats'] },
  { variable: 'SWARM_DRIVER_SPAWN_SUBJECT', key: 'spawn_subject', kinds: ['nats'] },
  { variable: 'SWARM_DRIVER_HEARTBEAT_INTERVAL', key: 'heartbeat_interval', kinds: ['in-process'] },
  { variable: 'SWARM_DRIVER_LIVENESS_INTERVAL', key: 'liveness_interval', kinds: ['http'] },
];

/** Returns `driver` with the environment's overrides applied. */
export function applyDriverEnv(driver: DriverConfig, env: NodeJS.ProcessEnv): DriverConfig {
  const kind = readKind(env.SWARM_DRIVER) ?? driver.kind;
  const options: Record<string, unknown> = {
    ...(kind === driver.kind ? driver.options : {}),
    ...readJsonOptions(env.SWARM_DRIVER_OPTIONS),
  };
  for (const { variable, key, kinds } of OPTION_VARIABLES) {
    const value = env[variable];
    if (value !== undefined && value !== '' && kinds.includes(kind)) options[key] = value;
  }
  return {
    kind,
    startDelaySeconds: readSeconds('SWARM_DRIVER_START_DELAY', env) ?? driver.startDelaySeconds,
    timeoutSeconds: readSeconds('SWARM_DRIVER_TIMEOUT', env) ?? driver.timeoutSeconds,
    options,
  };
}

function readKind(value: string | undefined): DriverKind | undefined {
  if (value === undefined || value === '') return undefined;
  if ((KINDS as readonly string[]).includes(value)) return value as DriverKind;
  throw new DriverConfigError(
    `invalid SWARM_DRIVER "${value}": expected one of ${KINDS.join(', ')}`,
  );
}

function readSeconds(variable: string, env: NodeJS.ProcessEnv): number | undefined {
  const value = env[variable];
  if (value === undefined || value === '') return undefined;
  try {
    return parseDuration(value);
  } catch (err) {
    const detail = err instanceof QuantityError ? err.message : String(err);
    throw new DriverConfigError(`invalid ${variable}: ${detail}`, undefined, { cause: err });
  }
}

function readJsonOptions(value: string | undefined): Record<string, unknown> {
  if (value === undefined || value === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new DriverConfigError('invalid SWARM_DRIVER_OPTIONS: expected a JSON object', undefined, {
      cause: err,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DriverConfigError(
      'invalid SWARM_DRIVER_OPTIONS: expected a JSON object such as {"url": "..."}',
    );
  }
  return parsed as Record<string, unknown>;
}
