/**
 * The live snapshots, one per source, and the gauge values they add up to.
 *
 * A snapshot replaces its source's previous one. A source whose snapshot is older than its TTL
 * is forgotten, so its share of every gauge disappears at the next scrape. A gauge is the sum
 * over live sources, except ratio gauges (unit `percentunit`), which take the maximum: two
 * runtimes at 50% CPU are not one at 100%.
 */
import type { Signal } from '../catalog/signals';
import type { Snapshot } from '../telemetry/schema';
import { OTHER } from './labels';

/** Rejection reason of a schema-valid snapshot, a `swarm_exporter_events_dropped_total` reason. */
export type SnapshotRejection = 'invalid_snapshot' | 'too_many_sources';

interface LiveSnapshot {
  expiresAtMs: number;
  /** Values by metric, then by label value (`''` for unlabelled gauges). */
  values: Map<string, Map<string, number>>;
}

export interface SnapshotStoreOptions {
  signals: readonly Signal[];
  defaultTtlSeconds: number;
  /** Longest TTL a snapshot may ask for; default 10 times the default TTL. */
  maxTtlSeconds?: number;
  /** Most sources kept at once; a snapshot from a new source beyond it is rejected. */
  maxSources?: number;
  now?: () => number;
}

/** Stores live snapshots and aggregates them per gauge and label value. */
export class SnapshotStore {
  private readonly live = new Map<string, LiveSnapshot>();
  private readonly signals: Map<string, Signal>;
  private readonly now: () => number;

  constructor(private readonly options: SnapshotStoreOptions) {
    this.signals = new Map(options.signals.map((signal) => [signal.metric, signal]));
    this.now = options.now ?? Date.now;
  }

  /** Number of sources with a live snapshot. */
  get sourceCount(): number {
    this.expire();
    return this.live.size;
  }

  /** Stores a schema-valid snapshot; returns a rejection reason when it cannot be used. */
  put(snapshot: Snapshot): SnapshotRejection | undefined {
    const values = this.readGauges(snapshot.gauges);
    if (!values) return 'invalid_snapshot';
    const maxSources = this.options.maxSources ?? 10_000;
    if (!this.live.has(snapshot.source) && this.live.size >= maxSources) {
      this.expire();
      if (this.live.size >= maxSources) return 'too_many_sources';
    }
    const maxTtl = this.options.maxTtlSeconds ?? this.options.defaultTtlSeconds * 10;
    const ttlSeconds = Math.min(snapshot.ttl_seconds ?? this.options.defaultTtlSeconds, maxTtl);
    this.live.set(snapshot.source, { expiresAtMs: this.now() + ttlSeconds * 1000, values });
    return undefined;
  }

  /** Returns the value of every label value of `metric` over live sources. */
  aggregate(metric: string): Map<string, number> {
    this.expire();
    const useMax = this.signals.get(metric)?.unit === 'percentunit';
    const totals = new Map<string, number>();
    for (const snapshot of this.live.values()) {
      const values = snapshot.values.get(metric);
      if (!values) continue;
      for (const [labelValue, value] of values) {
        const previous = totals.get(labelValue);
        if (previous === undefined) totals.set(labelValue, value);
        else totals.set(labelValue, useMax ? Math.max(previous, value) : previous + value);
      }
    }
    return totals;
  }

  /** Forgets every source. */
  clear(): void {
    this.live.clear();
  }

  private expire(): void {
    const now = this.now();
    for (const [source, snapshot] of this.live) {
      if (snapshot.expiresAtMs <= now) this.live.delete(source);
    }
  }

  /** Checks gauges against the catalogue and folds label values; undefined when invalid. */
  private readGauges(gauges: Snapshot['gauges']): Map<string, Map<string, number>> | undefined {
    const result = new Map<string, Map<string, number>>();
    for (const [metric, value] of Object.entries(gauges)) {
      const signal = this.signals.get(metric);
      if (!signal) return undefined;
      const label = signal.labels[0];
      const byLabel = new Map<string, number>();
      if (typeof value === 'number') {
        if (label) return undefined;
        byLabel.set('', value);
      } else {
        if (!label) return undefined;
        for (const [labelValue, count] of Object.entries(value)) {
          const folded = label.values?.includes(labelValue) ? labelValue : OTHER;
          byLabel.set(folded, (byLabel.get(folded) ?? 0) + count);
        }
      }
      result.set(metric, byLabel);
    }
    return result;
  }
}
