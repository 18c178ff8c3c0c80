/**
 * Turns telemetry messages into metric updates: one JSON.parse per message, then one handler
 * call per event, and every event either counted by kind or dropped with a reason.
 */
import { EVENT_KINDS, SNAPSHOT_SCHEMA, TELEMETRY_VERSION } from '../telemetry/schema';
import { eventSubject } from '../telemetry/subjects';
import { buildEventHandlers, type EventHandler } from './event-handlers';
import type { CounterCell } from './metrics/fast-counter';
import type { DropReason, SelfMetrics } from './self-metrics';
import type { SignalMetrics } from './signal-metrics';
import type { SnapshotStore } from './snapshot-store';

interface KindRoute {
  handle: EventHandler;
  accepted: CounterCell;
}

/** Returns the drop reason of a version field other than 1, or undefined for version 1. */
function checkVersion(version: unknown): DropReason | undefined {
  if (version === TELEMETRY_VERSION) return undefined;
  return typeof version === 'number' ? 'unsupported_version' : 'invalid_event';
}

const utf8 = new TextDecoder();

/** Applies telemetry messages to the exporter's metrics. */
export class TelemetryIngest {
  private readonly routes = new Map<string, KindRoute>();

  constructor(
    metrics: SignalMetrics,
    private readonly self: SelfMetrics,
    private readonly store: SnapshotStore,
    prefix: string,
  ) {
    const handlers = buildEventHandlers(metrics, self);
    for (const kind of EVENT_KINDS) {
      const accepted = self.accepted.get(kind) as CounterCell;
      this.routes.set(eventSubject(prefix, kind), { handle: handlers[kind], accepted });
    }
  }

  /** Returns the message handler of one event kind's subject, resolved once. */
  kindHandler(subject: string): (data: Uint8Array) => void {
    const route = this.routes.get(subject);
    if (!route) throw new Error(`${subject} is not a telemetry event subject`);
    return (data) => this.applyMessage(route, data);
  }

  /** Event subjects, one per kind. */
  get eventSubjects(): string[] {
    return [...this.routes.keys()];
  }

  /** Applies an event message: one event object, or an array of them. */
  private applyMessage(route: KindRoute, data: Uint8Array): void {
    const body = this.parse(data);
    if (body === undefined) return;
    this.self.messagesAccepted++;
    if (Array.isArray(body)) {
      for (let i = 0; i < body.length; i++) this.applyEvent(route, body[i]);
    } else {
      this.applyEvent(route, body);
    }
  }

  /** Applies a snapshot message. */
  handleSnapshotMessage(data: Uint8Array): void {
    const body = this.parse(data);
    if (body === undefined) return;
    const record = body as Record<string, unknown> | null;
    const versionDrop = checkVersion(record?.v);
    if (versionDrop === 'unsupported_version') {
      this.self.drop(versionDrop);
      return;
    }
    const parsed = SNAPSHOT_SCHEMA.safeParse(body);
    const rejection = parsed.success ? this.store.put(parsed.data) : 'invalid_snapshot';
    if (rejection) {
      this.self.drop(rejection);
      return;
    }
    this.self.messagesAccepted++;
    (this.self.accepted.get('snapshot') as CounterCell).inc();
  }

  private parse(data: Uint8Array): unknown {
    try {
      return JSON.parse(utf8.decode(data));
    } catch {
      this.self.drop('invalid_json');
      return undefined;
    }
  }

  private applyEvent(route: KindRoute, event: unknown): void {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      this.self.drop('invalid_event');
      return;
    }
    const record = event as Record<string, unknown>;
    const reason = checkVersion(record.v) ?? route.handle(record);
    if (reason) this.self.drop(reason);
    else route.accepted.inc();
  }
}
