/**
 * The exporter's NATS side: connects (retrying in the background while NATS is unreachable),
 * subscribes to events in a queue group and to snapshots without one, and counts the
 * connection's troubles.
 *
 * Events are queue-grouped so that replicas share them; snapshots go to every replica, because
 * a gauge must show the same value whichever replica Prometheus scrapes.
 */
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';

import type { Logger } from '../log';
import { snapshotSubject } from '../telemetry/subjects';
import type { TelemetryIngest } from './ingest';
import { redactUrl } from './redact-url';
import type { SelfMetrics } from './self-metrics';

export interface TelemetrySubscriberOptions {
  natsUrl: string;
  prefix: string;
  queueGroup: string;
  ingest: TelemetryIngest;
  self: SelfMetrics;
  logger: Logger;
  /** Delay before the first retry of a failed connect; doubles up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

/** Maximum wait for a drain at stop, because a drain waits for the server, which may be down. */
const DRAIN_TIMEOUT_MS = 2000;

/** Drains `nc` so that received messages are applied, or closes it when draining stalls. */
async function drainOrClose(nc: NatsConnection): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => resolve('stalled'), DRAIN_TIMEOUT_MS);
  });
  const outcome = await Promise.race([nc.drain().catch(() => 'failed' as const), stalled]);
  clearTimeout(timer);
  if (outcome !== undefined && !nc.isClosed()) await nc.close();
}

/** Keeps the telemetry subscriptions alive for the exporter's lifetime. */
export class TelemetrySubscriber {
  private nc?: NatsConnection;
  private subscriptions: Subscription[] = [];
  private retryTimer?: NodeJS.Timeout;
  private activityTimer?: NodeJS.Timeout;
  private stopped = false;
  private failures = 0;

  constructor(private readonly options: TelemetrySubscriberOptions) {}

  /** The current connection, or undefined while not connected. */
  get connection(): NatsConnection | undefined {
    return this.nc;
  }

  /** Tries to connect once; on failure logs one warning and keeps retrying in the background. */
  async start(): Promise<void> {
    await this.attempt();
  }

  /** Stops retrying, drains the subscriptions (so accepted messages are applied) and closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.activityTimer);
    const nc = this.nc;
    this.nc = undefined;
    if (nc && !nc.isClosed()) await drainOrClose(nc);
    this.options.self.connected.set(0);
  }

  /** Connects once, and on failure logs (without the URL's user info) and schedules a retry. */
  private async attempt(): Promise<void> {
    if (this.stopped) return;
    const { logger } = this.options;
    const natsUrl = redactUrl(this.options.natsUrl);
    try {
      const nc = await connect({
        servers: this.options.natsUrl,
        name: 'swarm-scaler-exporter',
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        timeout: 2000,
      });
      if (this.stopped) {
        await nc.close();
        return;
      }
      this.attach(nc);
      // A round trip to the server, so that start() resolves once the subscriptions are live. A
      // failure here is a lost connection, which nats.js recovers from on its own.
      await nc.flush().catch(() => undefined);
      if (this.stopped) return;
      // The gauge and the log line change together, so the metric and the log never disagree.
      this.options.self.connected.set(1);
      if (this.failures > 0)
        logger.info({ natsUrl, attempts: this.failures + 1 }, 'nats connected');
      this.failures = 0;
    } catch (err) {
      if (this.failures === 0) logger.warn({ err, natsUrl }, 'nats unreachable, retrying');
      else logger.debug({ err, natsUrl, attempts: this.failures + 1 }, 'nats still unreachable');
      this.failures++;
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    const base = this.options.retryDelayMs ?? 500;
    const max = this.options.maxRetryDelayMs ?? 5000;
    const delay = Math.min(max, base * 2 ** Math.min(this.failures - 1, 10));
    this.retryTimer = setTimeout(() => void this.attempt(), delay);
    this.retryTimer.unref();
  }

  private attach(nc: NatsConnection): void {
    const { prefix, queueGroup, ingest } = this.options;
    const snapshots = snapshotSubject(prefix);
    this.nc = nc;
    // One subscription per kind, so each callback is bound to its kind and never decodes the
    // subject.
    // NOTE: a message on `<prefix>.<unknown kind>` is therefore never received, so it is neither
    // counted nor dropped; only the server's message counters include it.
    this.subscriptions = ingest.eventSubjects.map((subject) => {
      const handle = ingest.kindHandler(subject);
      return nc.subscribe(subject, {
        queue: queueGroup,
        callback: (err, msg) => {
          if (!err) handle(msg.data);
        },
      });
    });
    this.subscriptions.push(
      nc.subscribe(snapshots, {
        callback: (err, msg) => {
          if (!err) ingest.handleSnapshotMessage(msg.data);
        },
      }),
    );
    clearInterval(this.activityTimer);
    this.activityTimer = setInterval(() => this.options.self.markActivity(), 1000);
    this.activityTimer.unref();
    void this.watchStatus(nc);
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    const { self, logger } = this.options;
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          self.disconnects.inc();
          self.connected.set(0);
          logger.warn({ server: status.server }, 'nats disconnected');
          break;
        case 'reconnect':
          self.reconnects.inc();
          self.connected.set(1);
          logger.info({ server: status.server }, 'nats reconnected');
          break;
        case 'slowConsumer':
          self.slowConsumers.inc();
          logger.warn(
            { subject: status.sub.getSubject(), pending: status.pending },
            'telemetry subscription is a slow consumer',
          );
          break;
        case 'error':
          if (/slow consumer/i.test(status.error.message)) self.slowConsumers.inc();
          logger.warn({ err: status.error }, 'nats reported an error');
          break;
        default:
          break;
      }
    }
  }
}
