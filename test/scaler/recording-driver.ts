/**
 * A pool driver for tests: it records every call, keeps the set of live agents, and notes any
 * instant at which that set passes `maxAgents`. A spawn with a known idempotency key is a no-op.
 */
import {
  DriverError,
  type Heartbeat,
  type PoolDriver,
  type SpawnRequest,
} from '../../src/pool/driver';

export interface DriverCall {
  kind: 'spawn' | 'retire';
  agentId: string;
  role?: string;
  at: number;
}

export class RecordingDriver implements PoolDriver {
  readonly kind = 'recording';
  readonly calls: DriverCall[] = [];
  readonly live = new Map<string, SpawnRequest>();
  readonly keys = new Set<string>();
  /** Live counts above maxAgents seen right after a spawn. */
  readonly violations: number[] = [];
  maxLive = 0;
  failSpawns = false;
  private readonly listeners = new Set<(heartbeat: Heartbeat) => void>();

  constructor(private readonly maxAgents = Infinity) {}

  async spawn(request: SpawnRequest): Promise<void> {
    if (this.failSpawns)
      throw new DriverError(`spawn of ${request.agentId} rejected by the test`, 'rejected', true);
    this.calls.push({
      kind: 'spawn',
      agentId: request.agentId,
      role: request.role,
      at: Date.now(),
    });
    if (this.keys.has(request.idempotencyKey) && this.live.has(request.agentId)) return;
    this.keys.add(request.idempotencyKey);
    this.live.set(request.agentId, request);
    this.maxLive = Math.max(this.maxLive, this.live.size);
    if (this.live.size > this.maxAgents) this.violations.push(this.live.size);
  }

  async retire(agentId: string): Promise<void> {
    this.calls.push({ kind: 'retire', agentId, at: Date.now() });
    this.live.delete(agentId);
  }

  onHeartbeat(listener: (heartbeat: Heartbeat) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends a heartbeat for every live agent, or for those in `only`. */
  beat(at = Date.now(), only?: string[]): void {
    for (const agentId of only ?? [...this.live.keys()])
      for (const listener of this.listeners) listener({ agentId, at });
  }

  /** Live agents per role. */
  roles(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const request of this.live.values())
      counts[request.role] = (counts[request.role] ?? 0) + 1;
    return counts;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}
