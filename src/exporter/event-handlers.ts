/**
 * Per-kind event handlers: each checks one decoded event against its kind's schema and, only
 * when all of it is valid, updates the pre-resolved cells of its catalogue metrics.
 *
 * These checks are a hand-written copy of EVENT_SCHEMAS (src/telemetry/schema.ts), because
 * running zod on every event costs more than the rest of ingest together. A property test
 * (test/exporter/event-handlers.test.ts) checks that both accept exactly the same events.
 */
import { boundedValues, OTHER } from './labels';
import type { CounterCell, FastCounter } from './metrics/fast-counter';
import type { FastHistogram, HistogramCell } from './metrics/fast-histogram';
import type { DropReason, SelfMetrics } from './self-metrics';
import type { SignalMetrics } from './signal-metrics';
import { findSignal } from '../catalog/signals';
import type { EventKind } from '../telemetry/schema';

type EventObject = Record<string, unknown>;

/** Applies one event; returns why it was dropped, or undefined when it was counted. */
export type EventHandler = (event: EventObject) => DropReason | undefined;

/** Resolves a label value to its cell; values outside the catalogue resolve to `other`. */
class LabelLookup<C> {
  private readonly cells = new Map<string, C>();

  constructor(
    private readonly label: string,
    metric: string,
    cellOf: (value: string) => C,
    private readonly self: SelfMetrics,
  ) {
    const spec = findSignal(metric)?.labels.find((l) => l.name === label);
    for (const value of spec ? boundedValues(spec) : [OTHER]) this.cells.set(value, cellOf(value));
  }

  /**
   * Returns the cell of a string value, or undefined when `value` is not a string. A folded value
   * is counted unless `isRepeat` marks that another lookup of the same event already counted it.
   */
  resolve(value: unknown, isRepeat = false): C | undefined {
    if (typeof value !== 'string') return undefined;
    const cell = this.cells.get(value);
    if (cell !== undefined) return cell;
    if (!isRepeat) this.self.fold(this.label);
    return this.cells.get(OTHER);
  }
}

const isSeconds = (value: unknown): value is number =>
  typeof value === 'number' && value >= 0 && value !== Infinity;

/** Builds the handler of every event kind over the metrics' cells. */
export function buildEventHandlers(
  metrics: SignalMetrics,
  self: SelfMetrics,
): Record<EventKind, EventHandler> {
  const counterBy = (metric: string, label: string): LabelLookup<CounterCell> => {
    const counter: FastCounter = metrics.counter(metric);
    return new LabelLookup(label, metric, (value) => counter.cell({ [label]: value }), self);
  };
  const histogramBy = (metric: string, label: string): LabelLookup<HistogramCell> => {
    const histogram: FastHistogram = metrics.histogram(metric);
    return new LabelLookup(label, metric, (value) => histogram.cell({ [label]: value }), self);
  };
  const plainCounter = (metric: string): CounterCell => metrics.counter(metric).cell();
  const plainHistogram = (metric: string): HistogramCell => metrics.histogram(metric).cell();

  const observeSeconds =
    (cell: HistogramCell): EventHandler =>
    (event) => {
      if (!isSeconds(event.seconds)) return 'invalid_event';
      cell.observe(event.seconds);
      return undefined;
    };
  const countBy =
    (lookup: LabelLookup<CounterCell>, field: string): EventHandler =>
    (event) => {
      const cell = lookup.resolve(event[field]);
      if (cell === undefined) return 'invalid_event';
      cell.inc();
      return undefined;
    };

  const requests = plainCounter('framework_requests_total');
  const requestSeconds = plainHistogram('framework_request_duration_seconds');
  const deadLetters = plainCounter('eventbus_dead_letters_total');
  const natsProcessed = plainCounter('nats_messages_processed_total');
  const attempts = counterBy('error_recovery_attempts_total', 'kind');
  const successes = counterBy('error_recovery_successes_total', 'kind');
  const queries = counterBy('pg_queries_total', 'pool');
  const querySeconds = histogramBy('pg_query_duration_seconds', 'pool');

  return {
    systemcore_init: observeSeconds(plainHistogram('systemcore_init_duration_seconds')),
    lifecycle: countBy(counterBy('systemcore_lifecycle_events_total', 'event'), 'event'),
    actor_route: observeSeconds(plainHistogram('actor_message_routing_duration_seconds')),
    restart: countBy(counterBy('supervision_restarts_total', 'strategy'), 'strategy'),
    eventbus: countBy(counterBy('eventbus_events_total', 'kind'), 'kind'),
    dead_letter: () => {
      deadLetters.inc();
      return undefined;
    },
    request: (event) => {
      if (!isSeconds(event.seconds)) return 'invalid_event';
      requests.inc();
      requestSeconds.observe(event.seconds);
      return undefined;
    },
    error: countBy(counterBy('framework_errors_total', 'kind'), 'kind'),
    recovery: (event) => {
      if (typeof event.ok !== 'boolean' || typeof event.kind !== 'string') return 'invalid_event';
      (attempts.resolve(event.kind) as CounterCell).inc();
      if (event.ok) (successes.resolve(event.kind, true) as CounterCell).inc();
      return undefined;
    },
    pg_query: (event) => {
      if (!isSeconds(event.seconds) || typeof event.pool !== 'string') return 'invalid_event';
      (queries.resolve(event.pool) as CounterCell).inc();
      (querySeconds.resolve(event.pool, true) as HistogramCell).observe(event.seconds);
      return undefined;
    },
    kv_op: buildKvHandler(metrics, self),
    nats_processed: (event) => {
      const count = event.count;
      if (count === undefined) {
        natsProcessed.inc();
        return undefined;
      }
      if (!Number.isSafeInteger(count) || (count as number) <= 0) return 'invalid_event';
      natsProcessed.inc(count as number);
      return undefined;
    },
  };
}

/** Builds the `kv_op` handler: operations by bucket and operation, hits and misses of gets. */
function buildKvHandler(metrics: SignalMetrics, self: SelfMetrics): EventHandler {
  const operations = metrics.counter('jetstream_kv_operations_total');
  const byBucket = (metric: string): LabelLookup<CounterCell> => {
    const counter = metrics.counter(metric);
    return new LabelLookup('bucket', metric, (bucket) => counter.cell({ bucket }), self);
  };
  const hits = byBucket('jetstream_kv_hits_total');
  const misses = byBucket('jetstream_kv_misses_total');
  const operationsOf = new LabelLookup(
    'bucket',
    'jetstream_kv_operations_total',
    (bucket) =>
      new LabelLookup(
        'operation',
        'jetstream_kv_operations_total',
        (operation) => operations.cell({ bucket, operation }),
        self,
      ),
    self,
  );

  return (event) => {
    const { bucket, operation, hit } = event;
    if (typeof bucket !== 'string' || typeof operation !== 'string') return 'invalid_event';
    if (hit !== undefined && typeof hit !== 'boolean') return 'invalid_event';
    const cell = (operationsOf.resolve(bucket) as LabelLookup<CounterCell>).resolve(operation);
    (cell as CounterCell).inc();
    if (hit !== undefined && operation === 'get') {
      ((hit ? hits : misses).resolve(bucket, true) as CounterCell).inc();
    }
    return undefined;
  };
}
