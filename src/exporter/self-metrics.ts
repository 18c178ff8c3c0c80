/**
 * The exporter's account of itself: accepted and dropped telemetry, folded label values, the
 * NATS connection's health and the time of the last event.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

import { EVENT_KINDS, SNAPSHOT_KIND } from '../telemetry/schema';
import { registerCustomMetric } from './metrics/custom-metric';
import { FastCounter, type CounterCell } from './metrics/fast-counter';

/** Why telemetry was dropped: the closed set of `swarm_exporter_events_dropped_total{reason}`. */
export const DROP_REASONS = [
  /** The message body is not JSON; counted once per message. */
  'invalid_json',
  /** An event does not match its kind's schema. */
  'invalid_event',
  /** An event or snapshot has a `v` other than 1. */
  'unsupported_version',
  /** A snapshot does not match the schema or names a gauge outside the catalogue. */
  'invalid_snapshot',
  /** A snapshot came from a new source while the source limit was reached. */
  'too_many_sources',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

/** Label names whose values can be folded into `other`, for the folded-values counter. */
const FOLDABLE_LABELS = ['event', 'strategy', 'kind', 'pool', 'bucket', 'operation'] as const;

/** The exporter's self-metrics and the cells the ingest path updates. */
export class SelfMetrics {
  readonly accepted = new Map<string, CounterCell>();
  readonly dropped = new Map<DropReason, CounterCell>();
  readonly folded = new Map<string, CounterCell>();
  readonly slowConsumers: Counter;
  readonly reconnects: Counter;
  readonly disconnects: Counter;
  readonly connected: Gauge;
  /** Messages taken by ingest; read once a second to date the last event. */
  messagesAccepted = 0;
  /** Unix time in milliseconds of the last accepted message, to the second; 0 before the first. */
  lastEventMs = 0;
  private messagesAtLastCheck = 0;

  constructor(registry: Registry, snapshotSources: () => number) {
    const events = new FastCounter(
      'swarm_exporter_events_total',
      'Telemetry events accepted, by kind; snapshots count as kind snapshot.',
      ['kind'],
    );
    for (const kind of [...EVENT_KINDS, SNAPSHOT_KIND])
      this.accepted.set(kind, events.cell({ kind }));
    registerCustomMetric(registry, events);

    const dropped = new FastCounter(
      'swarm_exporter_events_dropped_total',
      'Telemetry events dropped, by reason.',
      ['reason'],
    );
    for (const reason of DROP_REASONS) this.dropped.set(reason, dropped.cell({ reason }));
    registerCustomMetric(registry, dropped);

    const folded = new FastCounter(
      'swarm_exporter_label_values_folded_total',
      'Label values outside the catalogue that were exported as other, by label.',
      ['label'],
    );
    for (const label of FOLDABLE_LABELS) this.folded.set(label, folded.cell({ label }));
    registerCustomMetric(registry, folded);

    const registers = [registry];
    this.slowConsumers = new Counter({
      name: 'swarm_exporter_nats_slow_consumer_events_total',
      help: 'Times NATS reported the telemetry subscription as a slow consumer.',
      registers,
    });
    this.reconnects = new Counter({
      name: 'swarm_exporter_nats_reconnects_total',
      help: 'Reconnections to NATS after a lost connection.',
      registers,
    });
    this.disconnects = new Counter({
      name: 'swarm_exporter_nats_disconnects_total',
      help: 'Losses of the NATS connection.',
      registers,
    });
    this.connected = new Gauge({
      name: 'swarm_exporter_nats_connected',
      help: '1 while the exporter is connected to NATS, else 0.',
      registers,
    });
    const self = this;
    new Gauge({
      name: 'swarm_exporter_last_event_timestamp_seconds',
      help: 'Unix time of the last accepted telemetry message; 0 before the first.',
      registers,
      collect() {
        self.markActivity();
        this.set(self.lastEventMs / 1000);
      },
    });
    new Gauge({
      name: 'swarm_exporter_snapshot_sources',
      help: 'Sources whose last snapshot has not expired.',
      registers,
      collect() {
        this.set(snapshotSources());
      },
    });
  }

  /**
   * Sets the last event time to now when messages arrived since the previous call. Called once
   * a second (and at each scrape), because reading the clock per message costs more ingest
   * throughput than a last-event time finer than a second is worth.
   */
  markActivity(nowMs = Date.now()): void {
    if (this.messagesAccepted === this.messagesAtLastCheck) return;
    this.messagesAtLastCheck = this.messagesAccepted;
    this.lastEventMs = nowMs;
  }

  /** Counts `count` dropped events for `reason`. */
  drop(reason: DropReason, count = 1): void {
    (this.dropped.get(reason) as CounterCell).inc(count);
  }

  /** Counts one label value folded into `other`. */
  fold(label: string): void {
    this.folded.get(label)?.inc();
  }
}
