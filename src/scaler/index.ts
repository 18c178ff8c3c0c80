/**
 * The scaler service: the Alertmanager webhook, the admin API, the decision engine on PostgreSQL
 * (or embedded PGlite) and the reconcile loop.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

import type { Registry } from 'prom-client';
import type { Router } from 'express';

import { DEFAULT_SWARM_NAME } from '../catalog/alert-contract';
import type { SwarmConfig } from '../config/model';
import type { Logger } from '../log';
import type { PoolDriver } from '../pool/driver';
import { RetryPolicy, type RetryPolicyOptions } from '../pool/retry';
import { openDatabase, type Database } from '../store/database';
import { migrate } from '../store/migrate';
import { listDecisions } from '../store/scaler-repository';
import { defaultWatchdogWindowSeconds } from './freeze';
import { registerScalerMetrics } from './metrics';
import { readAlertView, readPoolView } from './pool-view';
import { createScalerRouter } from './router';
import { ScalerCore } from './scaler-core';

/** Everything the scaler needs from the service wiring. */
export interface ScalerOptions {
  config: SwarmConfig;
  registry: Registry;
  logger: Logger;
  /** The pool driver (from src/pool). */
  driver: PoolDriver;
  /** PostgreSQL via pg when set; embedded PGlite otherwise (same SQL, same migrations). */
  databaseUrl?: string;
  /** PGlite directory; undefined keeps the database in memory. */
  dataDir?: string;
  /** Base URL of Alertmanager for the reconcile loop's `GET /api/v2/alerts`; the re-read is skipped when absent. */
  alertmanagerUrl?: string;
  /** Credentials required on the webhook and the admin API; none leaves them open. */
  auth?: { bearerToken?: string; basic?: { username: string; password: string } };
  /** Webhook body size limit in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Start in dry-run mode: decide and log, apply nothing. */
  dryRun?: boolean;
  /** Clock in milliseconds since the epoch (tests pass a fake one). */
  now?: () => number;
  /**
   * Scale-down freezes when no watchdog notification arrived for this long, in seconds. Default:
   * twice `scaler.watchdog_interval` plus 30 s (see defaultWatchdogWindowSeconds).
   */
  watchdogWindowSeconds?: number;
  /**
   * Immediate retries of a failed spawn (default: 3 attempts, 200 ms doubling, see RetryPolicy).
   * A spawn that still fails leaves its agent `failed`, and the reconcile loop retries it.
   */
  spawnRetry?: Partial<RetryPolicyOptions>;
}

/** The running scaler, as the service wiring uses it. */
export interface ScalerService {
  router: Router;
  start(): Promise<void>;
  stop(): Promise<void>;
  isReady(): boolean;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Opens the store, runs migrations and builds the router; `start` restores the pool and starts the loops. */
export async function createScaler(options: ScalerOptions): Promise<ScalerService> {
  return (await openScaler(options)).service;
}

/** The service together with its core, for tests and tools that drive reconcile directly. */
export interface OpenedScaler {
  service: ScalerService;
  core: ScalerCore;
  database: Database;
}

/** Like createScaler, but also returns the core and the database. */
export async function openScaler(options: ScalerOptions): Promise<OpenedScaler> {
  const { config, logger, driver } = options;
  const now = options.now ?? Date.now;
  const swarm = DEFAULT_SWARM_NAME;
  const watchdogWindowSeconds =
    options.watchdogWindowSeconds ??
    defaultWatchdogWindowSeconds(config.scaler.watchdogIntervalSeconds);
  const replica = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

  const database: Database = await openDatabase({
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
    logger,
  });
  try {
    await migrate(database, (message) => logger.debug({ migration: message }, 'migration'));
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
  const metrics = registerScalerMetrics(options.registry, () => countPool(database, swarm));
  const core = new ScalerCore({
    database,
    config,
    driver,
    logger,
    metrics,
    swarm,
    replica,
    now,
    watchdogWindowSeconds,
    alertmanagerUrl: options.alertmanagerUrl,
    retry: new RetryPolicy(options.spawnRetry),
  });
  let isStarted = false;

  const router = createScalerRouter({
    core: () => (isStarted ? core : undefined),
    readPool: () => readPoolView(database, config, swarm, now(), watchdogWindowSeconds),
    readAlerts: () => readAlertView(database, swarm),
    readDecisions: (query) => listDecisions(database, swarm, query),
    bounds: { min: config.autoScale.minAgents, max: config.autoScale.maxAgents },
    auth: options.auth,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    metrics,
    logger,
  });

  const service: ScalerService = {
    router,
    async start() {
      await core.start(options.dryRun);
      isStarted = true;
      logger.info(
        { replica, store: database.kind, dryRun: options.dryRun ?? false },
        'scaler started',
      );
    },
    async stop() {
      isStarted = false;
      await core.stop();
      await database.close();
      logger.info({ replica }, 'scaler stopped');
    },
    isReady: () => isStarted,
  };
  return { service, core, database };
}

async function countPool(database: Database, swarm: string) {
  const result = await database.query<{
    category: string;
    role: string;
    state: string;
    count: unknown;
  }>(
    `SELECT category, role, state, count(*) AS count FROM agents
     WHERE swarm = $1 AND state IN ('spawning', 'running', 'retiring', 'failed') GROUP BY category, role, state`,
    [swarm],
  );
  return result.rows.map((row) => ({ ...row, count: Number(row.count) }));
}
