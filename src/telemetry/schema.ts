/**
 * The telemetry wire format, version 1: what framework components publish on NATS and the
 * exporter accepts. docs/telemetry.md describes it for people; these zod schemas are the rule.
 *
 * An event message goes to `<prefix>.<kind>` and carries one event object or a JSON array of
 * them. A snapshot goes to `<prefix>.snapshot` and carries one snapshot object. Label fields are
 * named after the catalogue label they fill; a value outside the catalogue is accepted and
 * exported as `other`. Unknown extra fields (ids, for example) are allowed and ignored.
 */
import { z } from 'zod';

/** The format version every event and snapshot carries in `v`. */
export const TELEMETRY_VERSION = 1;

const version = z.literal(TELEMETRY_VERSION);
const seconds = z.number().nonnegative();
const labelValue = z.string();

/** Event schemas by kind; the kind is the last token of the subject, not a body field. */
export const EVENT_SCHEMAS = {
  /** One SystemCore initialisation and how long it took. */
  systemcore_init: z.looseObject({ v: version, seconds }),
  /** A SystemCore lifecycle event such as `component_registration`. */
  lifecycle: z.looseObject({ v: version, event: labelValue }),
  /** One message routed into an actor mailbox and how long that took. */
  actor_route: z.looseObject({ v: version, seconds }),
  /** One actor restart by a supervisor with the given strategy. */
  restart: z.looseObject({ v: version, strategy: labelValue }),
  /** One event published on the event bus. */
  eventbus: z.looseObject({ v: version, kind: labelValue }),
  /** One event moved to the dead-letter queue. */
  dead_letter: z.looseObject({ v: version }),
  /** One request handled by the framework and its latency. */
  request: z.looseObject({ v: version, seconds }),
  /** One error raised in the framework, by error kind. */
  error: z.looseObject({ v: version, kind: labelValue }),
  /** One recovery attempt after an error; `ok` is true when it succeeded. */
  recovery: z.looseObject({ v: version, kind: labelValue, ok: z.boolean() }),
  /** One PostgreSQL query, by pool, and its latency. */
  pg_query: z.looseObject({ v: version, pool: labelValue, seconds }),
  /** One JetStream KV operation; `hit` on a `get` is true when a value was found. */
  kv_op: z.looseObject({
    v: version,
    bucket: labelValue,
    operation: labelValue,
    hit: z.boolean().optional(),
  }),
  /** NATS messages processed by the framework; `count` (default 1) pre-aggregates. */
  nats_processed: z.looseObject({ v: version, count: z.number().int().positive().optional() }),
} as const;

/** Every event kind, in the order of EVENT_SCHEMAS. */
export type EventKind = keyof typeof EVENT_SCHEMAS;

export const EVENT_KINDS = Object.keys(EVENT_SCHEMAS) as EventKind[];

/** The subject token and `swarm_exporter_events_total` kind of snapshot messages. */
export const SNAPSHOT_KIND = 'snapshot';

/** An event of one kind as it goes on the wire. */
export type TelemetryEvent<K extends EventKind> = z.input<(typeof EVENT_SCHEMAS)[K]>;

/** An event of one kind as a publisher writes it: `v` is added by the publisher. */
export type EventBody<K extends EventKind> = Omit<TelemetryEvent<K>, 'v'>;

/** A gauge value in a snapshot: a number, or numbers by the value of the gauge's one label. */
const gaugeValue = z.union([z.number(), z.record(z.string(), z.number())]);

/**
 * A snapshot: the full current state of the gauges one source owns. A newer snapshot from the
 * same source replaces the older one; a source that sends nothing for its TTL is forgotten.
 */
export const SNAPSHOT_SCHEMA = z.object({
  v: version,
  /** Stable id of the component instance that owns these values, such as `core-1`. */
  source: z.string().min(1).max(128),
  /** How long the values stay valid without a newer snapshot; the exporter caps it. */
  ttl_seconds: z.number().positive().optional(),
  /** Gauge values by catalogue metric name, such as `actors_active: { worker: 3 }`. */
  gauges: z.record(z.string(), gaugeValue),
});

/** A snapshot as it goes on the wire. */
export type Snapshot = z.input<typeof SNAPSHOT_SCHEMA>;

/** A snapshot as a publisher writes it: `v` is added by the publisher. */
export type SnapshotBody = Omit<Snapshot, 'v'>;
