/**
 * A recording driver whose failures, health and heartbeat support a test sets: spawns of chosen
 * roles fail with a given reason, `healthy` feeds `isHealthy()`, and every spawn attempt is kept
 * with its idempotency key.
 */
import { DriverError, type DriverFailureReason, type SpawnRequest } from '../../src/pool/driver';
import { RecordingDriver } from './recording-driver';

/** A scripted failure for one role, or for every role under `*`: the next `times` attempts fail. */
export interface ScriptedFailure {
  reason: DriverFailureReason;
  retryable: boolean;
  times: number;
}

export class ScriptedDriver extends RecordingDriver {
  healthy = true;
  readonly failures = new Map<string, ScriptedFailure>();
  /** Every spawn attempt, failed ones included. */
  readonly attempts: { agentId: string; role: string; key: string; failed: boolean }[] = [];

  constructor(
    maxAgents: number,
    readonly reportsHeartbeats?: boolean,
  ) {
    super(maxAgents);
  }

  isHealthy(): boolean {
    return this.healthy;
  }

  override async spawn(request: SpawnRequest): Promise<void> {
    const failure = this.failures.get(request.role) ?? this.failures.get('*');
    const attempt = { agentId: request.agentId, role: request.role, key: request.idempotencyKey };
    if (failure && failure.times > 0) {
      failure.times -= 1;
      this.attempts.push({ ...attempt, failed: true });
      throw new DriverError(
        `spawn of ${request.agentId} failed in the test`,
        failure.reason,
        failure.retryable,
      );
    }
    this.attempts.push({ ...attempt, failed: false });
    await super.spawn(request);
  }

  /** Attempts for one agent id. */
  attemptsOf(agentId: string): { key: string; failed: boolean }[] {
    return this.attempts.filter((attempt) => attempt.agentId === agentId);
  }
}
