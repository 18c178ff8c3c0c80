/**
 * Pool drivers: `createDriver` builds the driver that the config's `driver:` section and the
 * `SWARM_DRIVER*` environment variables select.
 */
import type { Registry } from 'prom-client';

import type { SwarmConfig } from '../config/model';
import type { Logger } from '../log';
import type { PoolDriver } from './driver';
import { applyDriverEnv } from './driver-env';
import { createDriverRuntime } from './driver-runtime';
import { ExecDriver, parseExecOptions } from './exec';
import { HttpDriver, parseHttpOptions } from './http';
import { InProcessDriver, parseInProcessOptions } from './in-process';
import { NatsDriver, parseNatsOptions } from './nats';

export { DriverError } from './driver';
export type { DriverFailureReason, Heartbeat, PoolDriver, SpawnRequest } from './driver';
export { DriverConfigError } from './options';
export { DEFAULT_RETRY, isRetryableDriverError, RetryPolicy } from './retry';
export type { RetryPolicyOptions } from './retry';
export { applyDriverEnv } from './driver-env';
export { InProcessDriver } from './in-process';
export { NatsDriver } from './nats';
export { ExecDriver } from './exec';
export { HttpDriver } from './http';
export { AgentHost } from './agent-host';

/** Dependencies the service passes to `createDriver`. */
export interface DriverDeps {
  logger: Logger;
  registry: Registry;
  /** The service's NATS URL, used by the NATS driver when its options and env give none. */
  natsUrl?: string;
  /** Environment read for overrides; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Creates the pool driver selected by `config.driver` and the environment. Throws
 * `DriverConfigError` when the settings are invalid; call `start()` on the result before use.
 */
export function createDriver(config: SwarmConfig, deps: DriverDeps): PoolDriver {
  const env = deps.env ?? process.env;
  const driver = applyDriverEnv(config.driver, env);
  const runtime = () =>
    createDriverRuntime(driver.kind, {
      logger: deps.logger,
      registry: deps.registry,
      timeoutMs: driver.timeoutSeconds * 1000,
      failureThreshold: readFailureThreshold(driver.options),
    });

  switch (driver.kind) {
    case 'in-process': {
      const options = parseInProcessOptions(driver.options, driver.startDelaySeconds * 1000);
      return new InProcessDriver(options, runtime());
    }
    case 'nats':
      return new NatsDriver(parseNatsOptions(driver.options, deps.natsUrl), runtime());
    case 'exec':
      return new ExecDriver(parseExecOptions(driver.options), runtime());
    case 'http':
      return new HttpDriver(parseHttpOptions(driver.options, env.SWARM_DRIVER_TOKEN), runtime());
  }
}

/** Reads `failure_threshold`, which each driver's schema has already validated. */
function readFailureThreshold(options: Record<string, unknown>): number | undefined {
  const value = options.failure_threshold;
  return typeof value === 'number' ? value : undefined;
}
