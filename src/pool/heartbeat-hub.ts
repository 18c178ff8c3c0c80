/**
 * Fan-out of heartbeats to the listeners registered through `PoolDriver.onHeartbeat`.
 */
import type { Logger } from '../log';
import type { Heartbeat } from './driver';

/** A set of heartbeat listeners; a listener that throws does not stop the others. */
export class HeartbeatHub {
  private readonly listeners = new Set<(heartbeat: Heartbeat) => void>();

  constructor(private readonly logger: Logger) {}

  /** Adds `listener`; returns a function that removes it. */
  add(listener: (heartbeat: Heartbeat) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Delivers `heartbeat` to every listener. */
  emit(heartbeat: Heartbeat): void {
    for (const listener of this.listeners) {
      try {
        listener(heartbeat);
      } catch (err) {
        this.logger.warn({ agentId: heartbeat.agentId, err }, 'heartbeat listener failed');
      }
    }
  }
}
