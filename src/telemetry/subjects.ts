/** NATS subjects of the telemetry format: `<prefix>.<kind>`. */
import { SNAPSHOT_KIND, type EventKind } from './schema';

/** Subject prefix used when none is configured. */
export const DEFAULT_SUBJECT_PREFIX = 'swarm.telemetry';

/** Returns the subject of an event kind. */
export function eventSubject(prefix: string, kind: EventKind): string {
  return `${prefix}.${kind}`;
}

/** Returns the subject snapshots are published on. */
export function snapshotSubject(prefix: string): string {
  return `${prefix}.${SNAPSHOT_KIND}`;
}

/** Returns the wildcard subject that matches every telemetry message under `prefix`. */
export function telemetryWildcard(prefix: string): string {
  return `${prefix}.*`;
}
