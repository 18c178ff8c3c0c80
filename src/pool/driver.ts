/**
 * The seam between the scaler and the agent runtime. One implementation per file: in-process,
 * NATS command bus, exec and HTTP.
 */
import type { AgentSpec } from '../config/model';

/** Agent that the scaler requests the runtime to start. */
export interface SpawnRequest {
  /** Unique agent instance id chosen by the scaler, such as `actor-supervisor-7f3a2c`. */
  agentId: string;
  role: string;
  category: string;
  spec: AgentSpec;
  /** Stable key for the decision that caused this spawn; a retried spawn reuses it. */
  idempotencyKey: string;
}

/** Closed set of failure reasons, reused as the `reason` label of failure metrics. */
export type DriverFailureReason =
  | 'timeout'
  | 'rejected'
  | 'unreachable'
  | 'exit_status'
  | 'invalid_response';

/** Raised by drivers; `retryable` is true when trying the same request again can succeed. */
export class DriverError extends Error {
  override name = 'DriverError';
  /** Stable code derived from the reason, such as `DRIVER_TIMEOUT`. */
  readonly code: string;

  constructor(
    message: string,
    readonly reason: DriverFailureReason,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = `DRIVER_${reason.toUpperCase()}`;
  }
}

/** A heartbeat seen by the driver. */
export interface Heartbeat {
  agentId: string;
  /** Milliseconds since the epoch. */
  at: number;
}

/** Operations every pool driver provides. */
export interface PoolDriver {
  readonly kind: string;
  /** Starts the agent; resolves once the runtime acknowledged it, rejects with DriverError. */
  spawn(request: SpawnRequest): Promise<void>;
  /** Stops the agent; resolves once acknowledged. Retiring an unknown agent is not an error. */
  retire(agentId: string): Promise<void>;
  /** Registers a listener for heartbeats; returns a function that removes it. */
  onHeartbeat(listener: (heartbeat: Heartbeat) => void): () => void;
  /** Opens connections; called once before the first spawn. */
  start(): Promise<void>;
  /** Closes connections and stops timers. */
  stop(): Promise<void>;
  /**
   * False while the driver is down after several consecutive failed operations. The scaler should
   * freeze spawns until it turns true again. Drivers without this member are always healthy.
   */
  isHealthy?(): boolean;
  /**
   * False when the driver has no liveness source, such as an exec driver without a status
   * command. Missing heartbeats then do not mean its agents are dead. Absent means true.
   */
  readonly reportsHeartbeats?: boolean;
}
