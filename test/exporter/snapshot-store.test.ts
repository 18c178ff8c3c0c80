/** Snapshot expiry, aggregation across sources and validation against the catalogue. */
import { SnapshotStore } from '../../src/exporter/snapshot-store';
import { exporterSignals } from '../../src/exporter/signal-metrics';

function storeAt(clock: { now: number }, maxSources?: number): SnapshotStore {
  return new SnapshotStore({
    signals: exporterSignals(),
    defaultTtlSeconds: 10,
    maxSources,
    now: () => clock.now,
  });
}

describe('snapshot store', () => {
  test('sums counts and takes the max of ratios', () => {
    const store = storeAt({ now: 0 });
    store.put({
      v: 1,
      source: 'a',
      gauges: { actors_active: { worker: 2 }, framework_cpu_utilization_ratio: 0.5 },
    });
    store.put({
      v: 1,
      source: 'b',
      gauges: { actors_active: { worker: 3, router: 1 }, framework_cpu_utilization_ratio: 0.4 },
    });
    expect(store.aggregate('actors_active')).toEqual(
      new Map([
        ['worker', 5],
        ['router', 1],
      ]),
    );
    expect(store.aggregate('framework_cpu_utilization_ratio').get('')).toBe(0.5);
  });

  test('a newer snapshot replaces its source', () => {
    const store = storeAt({ now: 0 });
    store.put({ v: 1, source: 'a', gauges: { actors_active: { worker: 2 } } });
    store.put({ v: 1, source: 'a', gauges: { task_queue_depth: { low: 1 } } });
    expect(store.aggregate('actors_active').size).toBe(0);
    expect(store.aggregate('task_queue_depth').get('low')).toBe(1);
  });

  test('a quiet source expires', () => {
    const clock = { now: 0 };
    const store = storeAt(clock);
    store.put({ v: 1, source: 'a', gauges: { actors_active: { worker: 2 } } });
    store.put({ v: 1, source: 'b', ttl_seconds: 30, gauges: { actors_active: { worker: 1 } } });
    clock.now = 10_000;
    expect(store.aggregate('actors_active').get('worker')).toBe(1);
    expect(store.sourceCount).toBe(1);
    clock.now = 30_000;
    expect(store.aggregate('actors_active').size).toBe(0);
  });

  test('unknown label values fold into other', () => {
    const store = storeAt({ now: 0 });
    store.put({
      v: 1,
      source: 'a',
      gauges: { actors_active: { 'actor-1': 1, 'actor-2': 1, worker: 1 } },
    });
    expect(store.aggregate('actors_active')).toEqual(
      new Map([
        ['other', 2],
        ['worker', 1],
      ]),
    );
  });

  test.each([
    ['unknown metric', { no_such_metric: 1 }],
    ['counter as gauge', { pg_queries_total: 1 }],
    ['labels on an unlabelled gauge', { systemcore_components_active: { a: 1 } }],
    ['number for a labelled gauge', { actors_active: 3 }],
  ])('rejects %s', (_name, gauges) => {
    const store = storeAt({ now: 0 });
    expect(store.put({ v: 1, source: 'a', gauges })).toBe('invalid_snapshot');
  });

  test('source limit rejects new sources', () => {
    const store = storeAt({ now: 0 }, 2);
    expect(store.put({ v: 1, source: 'a', gauges: {} })).toBeUndefined();
    expect(store.put({ v: 1, source: 'b', gauges: {} })).toBeUndefined();
    expect(store.put({ v: 1, source: 'c', gauges: {} })).toBe('too_many_sources');
    expect(store.put({ v: 1, source: 'a', gauges: {} })).toBeUndefined();
  });
});
