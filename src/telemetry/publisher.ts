/**
 * The typed publisher framework components (and `swarm-scaler simulate`) use to send telemetry.
 *
 * Events are buffered per kind and sent as a JSON array once `maxBatch` of them are waiting, or
 * on `flush()`. With `maxBatch: 1` every event goes out as its own object.
 */
import type { NatsConnection } from '@nats-io/transport-node';

import {
  SNAPSHOT_SCHEMA,
  TELEMETRY_VERSION,
  type EventBody,
  type EventKind,
  type SnapshotBody,
  type TelemetryEvent,
} from './schema';
import { DEFAULT_SUBJECT_PREFIX, eventSubject, snapshotSubject } from './subjects';

export interface PublisherOptions {
  /** Subject prefix; default `swarm.telemetry`. */
  subjectPrefix?: string;
  /** Events per message before a batch is sent; default 100. */
  maxBatch?: number;
}

/** Raised when a snapshot does not match the telemetry format. */
export class TelemetryFormatError extends Error {
  override name = 'TelemetryFormatError';
  readonly code = 'TELEMETRY_INVALID';
}

/** Publishes events and snapshots in the telemetry format on one NATS connection. */
export class TelemetryPublisher {
  private readonly prefix: string;
  private readonly maxBatch: number;
  private readonly pending = new Map<EventKind, unknown[]>();
  private published = 0;

  constructor(
    private readonly nc: NatsConnection,
    options: PublisherOptions = {},
  ) {
    this.prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
    this.maxBatch = Math.max(1, Math.floor(options.maxBatch ?? 100));
  }

  /** Number of events handed to NATS so far (buffered events are not counted). */
  get publishedEvents(): number {
    return this.published;
  }

  /** Queues one event; sends the kind's batch once it is full. */
  emit<K extends EventKind>(kind: K, body: EventBody<K>): void {
    const event = { v: TELEMETRY_VERSION, ...body } as TelemetryEvent<K>;
    if (this.maxBatch === 1) {
      this.send(kind, [event]);
      return;
    }
    let batch = this.pending.get(kind);
    if (!batch) {
      batch = [];
      this.pending.set(kind, batch);
    }
    batch.push(event);
    if (batch.length >= this.maxBatch) this.sendPending(kind);
  }

  /** Validates and publishes a snapshot at once; throws TelemetryFormatError when invalid. */
  snapshot(body: SnapshotBody): void {
    const parsed = SNAPSHOT_SCHEMA.safeParse({ v: TELEMETRY_VERSION, ...body });
    if (!parsed.success) {
      throw new TelemetryFormatError(
        `invalid snapshot from source ${JSON.stringify(body.source)}: ${parsed.error.message}; ` +
          'expected gauges keyed by catalogue metric name with numeric values',
        { cause: parsed.error },
      );
    }
    this.nc.publish(snapshotSubject(this.prefix), JSON.stringify(parsed.data));
  }

  /** Sends every buffered batch and waits until the server has received them. */
  async flush(): Promise<void> {
    for (const kind of this.pending.keys()) this.sendPending(kind);
    await this.nc.flush();
  }

  private sendPending(kind: EventKind): void {
    const batch = this.pending.get(kind);
    if (!batch || batch.length === 0) return;
    this.pending.set(kind, []);
    this.send(kind, batch);
  }

  private send(kind: EventKind, events: unknown[]): void {
    const body = events.length === 1 ? events[0] : events;
    this.nc.publish(eventSubject(this.prefix, kind), JSON.stringify(body));
    this.published += events.length;
  }
}
