/**
 * The embedded pool driver: agents are objects in this process that become ready after
 * `driver.start_delay` and heartbeat every `driver.options.heartbeat_interval`.
 *
 * It is the default driver of `npm start` and the demo. The methods marked "for tests" simulate a
 * hung agent and an unavailable runtime so that heartbeat loss and failures can be exercised.
 */
import { z } from 'zod';

import { DriverError, type Heartbeat, type PoolDriver, type SpawnRequest } from './driver';
import type { DriverRuntime } from './driver-runtime';
import { AgentStartAbortedError, LocalAgent } from './local-agent';
import { durationMs, parseOptions } from './options';

/** `driver.options` of the in-process driver. */
export const inProcessOptionsSchema = z.strictObject({
  /** Time between two heartbeats of an agent; default 2s. */
  heartbeat_interval: durationMs().default(2000),
  /** Agents this runtime runs at once; a spawn beyond it is rejected. Default: unbounded. */
  capacity: z.number().int().positive().optional(),
  failure_threshold: z.number().int().positive().optional(),
});

/** Resolved settings of an in-process driver. */
export interface InProcessDriverOptions {
  startDelayMs: number;
  heartbeatIntervalMs: number;
  capacity?: number;
}

/** Reads `driver.options` of the in-process driver. */
export function parseInProcessOptions(
  options: unknown,
  startDelayMs: number,
): InProcessDriverOptions {
  const parsed = parseOptions('in-process', inProcessOptionsSchema, options);
  return {
    startDelayMs,
    heartbeatIntervalMs: parsed.heartbeat_interval,
    capacity: parsed.capacity,
  };
}

/** Runs agents as `LocalAgent` objects in this process. */
export class InProcessDriver implements PoolDriver {
  readonly kind = 'in-process';
  private readonly agents = new Map<string, LocalAgent>();
  private readonly starts = new Map<string, number>();
  private failuresToInject = 0;
  private isUnavailable = false;

  constructor(
    private readonly options: InProcessDriverOptions,
    private readonly runtime: DriverRuntime,
  ) {}

  async start(): Promise<void> {
    this.runtime.logger.info(
      {
        startDelayMs: this.options.startDelayMs,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      },
      'in-process pool driver started',
    );
  }

  async stop(): Promise<void> {
    for (const agent of this.agents.values()) agent.stop();
    this.agents.clear();
  }

  spawn(request: SpawnRequest): Promise<void> {
    return this.runtime.tracker.track('spawn', request.agentId, async (signal) => {
      this.failIfInjected(request.agentId);
      const agent = this.agents.get(request.agentId) ?? this.createAgent(request);
      if (agent.request.idempotencyKey !== request.idempotencyKey) {
        throw new DriverError(
          `agent id ${request.agentId} is already used by another spawn (idempotency key ${agent.request.idempotencyKey}): choose a new agent id`,
          'rejected',
          false,
        );
      }
      await this.waitUntilReady(agent, signal);
    });
  }

  retire(agentId: string): Promise<void> {
    return this.runtime.tracker.track('retire', agentId, async () => {
      this.failIfInjected(agentId);
      this.agents.get(agentId)?.stop();
      this.agents.delete(agentId);
    });
  }

  onHeartbeat(listener: (heartbeat: Heartbeat) => void): () => void {
    return this.runtime.heartbeats.add(listener);
  }

  isHealthy(): boolean {
    return this.runtime.health.isHealthy();
  }

  /** Returns the ids of agents that are starting or running. */
  agentIds(): string[] {
    return [...this.agents.keys()];
  }

  /** Returns how many times an agent with this id was started; for tests. */
  startCount(agentId: string): number {
    return this.starts.get(agentId) ?? 0;
  }

  /** Stops the heartbeats of `agentId` but keeps it in the pool, as a hung agent; for tests. */
  silence(agentId: string): boolean {
    const agent = this.agents.get(agentId);
    agent?.silence();
    return agent !== undefined;
  }

  /** Restarts the heartbeats of `agentId` after `silence`; for tests. */
  resume(agentId: string): boolean {
    const agent = this.agents.get(agentId);
    agent?.resume();
    return agent !== undefined;
  }

  /** Makes the next `count` spawns or retires fail as `unreachable`; for tests. */
  injectFailures(count: number): void {
    this.failuresToInject = count;
  }

  /** Makes every operation fail as `unreachable` until called with false; for tests. */
  setUnavailable(isUnavailable: boolean): void {
    this.isUnavailable = isUnavailable;
  }

  private createAgent(request: SpawnRequest): LocalAgent {
    const { capacity, startDelayMs, heartbeatIntervalMs } = this.options;
    if (capacity !== undefined && this.agents.size >= capacity) {
      throw new DriverError(
        `cannot spawn agent ${request.agentId}: the in-process runtime is full (capacity ${capacity}); raise driver.options.capacity or retire agents`,
        'rejected',
        false,
      );
    }
    const agent = new LocalAgent(request, {
      startDelayMs,
      heartbeatIntervalMs,
      onHeartbeat: (at) => this.runtime.heartbeats.emit({ agentId: request.agentId, at }),
    });
    this.agents.set(request.agentId, agent);
    this.starts.set(request.agentId, this.startCount(request.agentId) + 1);
    return agent;
  }

  private async waitUntilReady(agent: LocalAgent, signal: AbortSignal): Promise<void> {
    // A timed-out spawn must not leave an agent behind that the scaler counts as failed.
    const onAbort = (): void => this.discard(agent);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await agent.ready;
    } catch (err) {
      if (err instanceof AgentStartAbortedError) {
        throw new DriverError(err.message, 'rejected', false, { cause: err });
      }
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private discard(agent: LocalAgent): void {
    agent.stop();
    if (this.agents.get(agent.agentId) === agent) this.agents.delete(agent.agentId);
  }

  private failIfInjected(agentId: string): void {
    if (!this.isUnavailable && this.failuresToInject === 0) return;
    if (this.failuresToInject > 0) this.failuresToInject -= 1;
    throw new DriverError(
      `in-process runtime unavailable for agent ${agentId} (failure injected by a test)`,
      'unreachable',
      true,
    );
  }
}
