/**
 * The exporter: framework telemetry from NATS and infrastructure probes, as Prometheus metrics
 * on the service's registry. docs/telemetry.md describes the input; src/catalog/signals.ts the
 * output.
 */
import type { Registry } from 'prom-client';

import { KV_BUCKETS } from '../catalog/signals';
import type { SwarmConfig } from '../config/model';
import type { Logger } from '../log';
import { DEFAULT_SUBJECT_PREFIX } from '../telemetry/subjects';
import { configuredKvTtls, configuredPoolSizes } from './config-facts';
import { TelemetryIngest } from './ingest';
import { KvBucketProbe, type KvBucketNames } from './probes/kv-bucket-probe';
import { createNatsMonitorProbes } from './probes/nats-monitor-probe';
import { PostgresProbe } from './probes/postgres-probe';
import { ProbeRunner } from './probes/probe-runner';
import { SelfMetrics } from './self-metrics';
import { exporterSignals, SignalMetrics } from './signal-metrics';
import { SnapshotStore } from './snapshot-store';
import { TelemetrySubscriber } from './telemetry-subscriber';

export interface ExporterOptions {
  config: SwarmConfig;
  registry: Registry;
  logger: Logger;
  natsUrl: string;
  /** Telemetry subject prefix; default `swarm.telemetry`. */
  subjectPrefix?: string;
  /** NATS queue group shared by exporter replicas; default `swarm-exporter`. */
  queueGroup?: string;
  /** NATS monitoring base URL, such as http://127.0.0.1:8222; the probe is off when absent. */
  natsMonitorUrl?: string;
  /** PostgreSQL URL to read statistics from; the probe is off when absent. */
  databaseUrl?: string;
  /** Seconds a snapshot stays valid without a newer one from its source; default 30. */
  snapshotTtlSeconds?: number;
  /** Deadline of one probe run, in milliseconds; default 2000. */
  probeTimeoutMs?: number;
  /** Interval between probe runs, in milliseconds; default 10000. */
  probeIntervalMs?: number;
  /** JetStream KV bucket names by catalogue bucket; default the catalogue names themselves. */
  kvBuckets?: KvBucketNames;
}

/** A running exporter. */
export interface Exporter {
  /** Subscribes to telemetry and starts the probes; resolves even while NATS is unreachable. */
  start(): Promise<void>;
  /** Applies the messages already received, then closes the connection and the probes. */
  stop(): Promise<void>;
}

/** Default queue group of exporter replicas. */
export const DEFAULT_QUEUE_GROUP = 'swarm-exporter';

function defaultBuckets(): KvBucketNames {
  return Object.fromEntries(KV_BUCKETS.map((bucket) => [bucket, bucket]));
}

/** Fallback values of pg_pool_max_connections: the pool sizes the config declares. */
function gaugeFallbacks(config: SwarmConfig): Map<string, Map<string, number>> {
  return new Map([['pg_pool_max_connections', configuredPoolSizes(config)]]);
}

/** The exporter's parts, exposed for tests and benchmarks; services use `Exporter`. */
export class TelemetryExporter implements Exporter {
  readonly store: SnapshotStore;
  readonly metrics: SignalMetrics;
  readonly self: SelfMetrics;
  readonly ingest: TelemetryIngest;
  readonly subscriber: TelemetrySubscriber;
  readonly probes: ProbeRunner;
  private readonly prefix: string;

  constructor(private readonly options: ExporterOptions) {
    const { config, registry, logger } = options;
    this.prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
    this.store = new SnapshotStore({
      signals: exporterSignals(),
      defaultTtlSeconds: options.snapshotTtlSeconds ?? 30,
    });
    this.metrics = new SignalMetrics({
      registry,
      store: this.store,
      gaugeFallbacks: gaugeFallbacks(config),
    });
    this.self = new SelfMetrics(registry, () => this.store.sourceCount);
    this.ingest = new TelemetryIngest(this.metrics, this.self, this.store, this.prefix);
    this.subscriber = new TelemetrySubscriber({
      natsUrl: options.natsUrl,
      prefix: this.prefix,
      queueGroup: options.queueGroup ?? DEFAULT_QUEUE_GROUP,
      ingest: this.ingest,
      self: this.self,
      logger,
    });
    this.probes = this.createProbes();
  }

  /** Connects to NATS (or starts retrying) and starts the probes; resolves without NATS. */
  async start(): Promise<void> {
    await this.subscriber.start();
    this.probes.start();
    this.options.logger.info(
      { prefix: this.prefix, probes: this.probes.names },
      'exporter started',
    );
  }

  /** Drains the telemetry subscriptions, stops the probes and clears every snapshot. */
  async stop(): Promise<void> {
    await this.subscriber.stop();
    await this.probes.stop();
    this.store.clear();
    this.options.logger.info({ prefix: this.prefix }, 'exporter stopped');
  }

  private createProbes(): ProbeRunner {
    const { config, registry, logger } = this.options;
    const timeoutMs = this.options.probeTimeoutMs ?? 2000;
    const intervalMs = this.options.probeIntervalMs ?? 10_000;
    const probes = new ProbeRunner({ registry, logger, intervalMs, timeoutMs });
    if (this.options.natsMonitorUrl) {
      for (const probe of createNatsMonitorProbes(this.options.natsMonitorUrl, timeoutMs)) {
        probes.add(probe);
      }
    }
    probes.add(
      new KvBucketProbe({
        connection: () => this.subscriber.connection,
        buckets: this.options.kvBuckets ?? defaultBuckets(),
        expectedTtls: configuredKvTtls(config),
      }),
    );
    if (this.options.databaseUrl) {
      const poolSizes = configuredPoolSizes(config);
      probes.add(
        new PostgresProbe({ databaseUrl: this.options.databaseUrl, timeoutMs, poolSizes }),
      );
    }
    return probes;
  }
}

/** Creates the exporter and registers its metrics on `options.registry`. */
export function createExporter(options: ExporterOptions): Exporter {
  return new TelemetryExporter(options);
}
