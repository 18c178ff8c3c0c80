/**
 * An agent that runs as an object in this process: it becomes ready after a start delay and then
 * reports a heartbeat on a fixed interval until it is stopped.
 *
 * The in-process driver and the NATS agent host both run their agents as `LocalAgent`s.
 */
import type { SpawnRequest } from './driver';

/** Lifecycle states of an agent, also sent in NATS status messages. */
export type AgentState = 'starting' | 'running' | 'stopped';

/** Timing of a local agent. */
export interface LocalAgentOptions {
  /** Delay between the spawn and the agent being ready, in milliseconds. */
  startDelayMs: number;
  /** Time between two heartbeats, in milliseconds. */
  heartbeatIntervalMs: number;
  /** Called with the time of each heartbeat (milliseconds since the epoch). */
  onHeartbeat: (at: number) => void;
}

/** Raised by `LocalAgent.start` when the agent is stopped or aborted before it is ready. */
export class AgentStartAbortedError extends Error {
  override name = 'AgentStartAbortedError';
  readonly code = 'AGENT_START_ABORTED';
}

/** One agent instance. */
export class LocalAgent {
  private currentState: AgentState = 'starting';
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private startTimer: NodeJS.Timeout | undefined;
  private abortStart: ((err: Error) => void) | undefined;
  private isSilenced = false;
  /** Settles when the agent is running, or rejects if it stopped first. */
  readonly ready: Promise<void>;

  constructor(
    readonly request: SpawnRequest,
    private readonly options: LocalAgentOptions,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.abortStart = reject;
      this.startTimer = setTimeout(() => {
        this.run();
        resolve();
      }, options.startDelayMs);
    });
    // When the agent stops early, no caller may await `ready`: this keeps its rejection handled.
    this.ready.catch(() => undefined);
  }

  get agentId(): string {
    return this.request.agentId;
  }

  get state(): AgentState {
    return this.currentState;
  }

  /** Stops heartbeats while the agent stays `running`, as a hung agent would; for tests. */
  silence(): void {
    this.isSilenced = true;
    clearInterval(this.heartbeatTimer);
  }

  /** Restarts heartbeats stopped by `silence`; for tests. */
  resume(): void {
    if (!this.isSilenced) return;
    this.isSilenced = false;
    if (this.currentState === 'running') this.startHeartbeats();
  }

  /** Stops the agent; a start still in progress rejects `ready`. */
  stop(): void {
    if (this.currentState === 'stopped') return;
    this.currentState = 'stopped';
    clearTimeout(this.startTimer);
    clearInterval(this.heartbeatTimer);
    this.abortStart?.(
      new AgentStartAbortedError(`agent ${this.agentId} was stopped before it was ready`),
    );
  }

  private run(): void {
    this.currentState = 'running';
    this.abortStart = undefined;
    this.startHeartbeats();
  }

  private startHeartbeats(): void {
    this.beat();
    this.heartbeatTimer = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  private beat(): void {
    if (!this.isSilenced && this.currentState === 'running') this.options.onHeartbeat(Date.now());
  }
}
