/**
 * The NATS command bus driver: spawn by request/reply on the spawn subject, retire by a command on
 * `<root>.<agent_id>.commands`, liveness from `<root>.<agent_id>.heartbeat`.
 *
 * Agent hosts (`swarm-scaler agent-host`) serve the spawn subject in a queue group, so each spawn
 * reaches one host. The subjects and message bodies are in nats-protocol.ts and docs/drivers.md.
 */
import {
  connect,
  errors,
  TimeoutError,
  type Msg,
  type NatsConnection,
} from '@nats-io/transport-node';
import { z } from 'zod';

import { DriverError, type Heartbeat, type PoolDriver, type SpawnRequest } from './driver';
import type { DriverRuntime } from './driver-runtime';
import {
  agentEventSchema,
  agentSubjects,
  DEFAULT_SUBJECT_ROOT,
  encodeJson,
  isSubjectToken,
  replySchema,
  replyToError,
  type AgentSubjects,
  type Reply,
} from './nats-protocol';
import { logConnectionStatus } from './nats-status';
import { parseOptions } from './options';

/** NATS server used when neither the config, the environment nor the service gives one. */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** `driver.options` of the NATS driver. */
export const natsOptionsSchema = z.strictObject({
  /** NATS server URL; default: the service's NATS URL, else nats://127.0.0.1:4222. */
  url: z.string().min(1).optional(),
  /** Root of the agent subjects; default `agents`. */
  subject_root: z
    .string()
    .regex(/^[^*>\s]+$/, { error: 'expected a subject without wildcards' })
    .optional(),
  /** Subject of spawn requests; default `<subject_root>.spawn`. */
  spawn_subject: z
    .string()
    .regex(/^[^*>\s]+$/, { error: 'expected a subject without wildcards' })
    .optional(),
  failure_threshold: z.number().int().positive().optional(),
});

/** Resolved settings of a NATS driver. */
export interface NatsDriverOptions {
  url: string;
  subjectRoot: string;
  spawnSubject?: string;
}

/** Reads `driver.options` of the NATS driver; `fallbackUrl` is the service's own NATS URL. */
export function parseNatsOptions(options: unknown, fallbackUrl?: string): NatsDriverOptions {
  const parsed = parseOptions('nats', natsOptionsSchema, options);
  return {
    url: parsed.url ?? fallbackUrl ?? DEFAULT_NATS_URL,
    subjectRoot: parsed.subject_root ?? DEFAULT_SUBJECT_ROOT,
    spawnSubject: parsed.spawn_subject,
  };
}

/** Drives agents through agent hosts on a NATS server. */
export class NatsDriver implements PoolDriver {
  readonly kind = 'nats';
  private readonly subjects: AgentSubjects;
  private connection: NatsConnection | undefined;

  constructor(
    private readonly options: NatsDriverOptions,
    private readonly runtime: DriverRuntime,
  ) {
    this.subjects = agentSubjects(options.subjectRoot, options.spawnSubject);
  }

  async start(): Promise<void> {
    try {
      this.connection = await connect({
        servers: this.options.url,
        name: 'swarm-scaler-pool-driver',
      });
    } catch (err) {
      throw new DriverError(
        `cannot connect to NATS at ${this.options.url}: start the NATS server or set SWARM_DRIVER_URL`,
        'unreachable',
        true,
        { cause: err },
      );
    }
    void logConnectionStatus(this.connection, this.runtime.logger);
    this.connection.subscribe(this.subjects.allHeartbeats, {
      callback: (err, msg) => this.onMessage(err, msg),
    });
    this.runtime.logger.info(
      { spawnSubject: this.subjects.spawn, root: this.subjects.root },
      'nats pool driver started',
    );
  }

  async stop(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection && !connection.isClosed()) await connection.drain();
  }

  spawn(request: SpawnRequest): Promise<void> {
    return this.runtime.tracker.track('spawn', request.agentId, async () => {
      checkAgentId(request.agentId);
      const body = {
        agentId: request.agentId,
        role: request.role,
        category: request.category,
        spec: request.spec,
        idempotencyKey: request.idempotencyKey,
      };
      await this.request(this.subjects.spawn, body, 'spawn');
    });
  }

  retire(agentId: string): Promise<void> {
    return this.runtime.tracker.track('retire', agentId, async () => {
      checkAgentId(agentId);
      try {
        await this.request(
          this.subjects.commands(agentId),
          { command: 'retire', agentId },
          'retire',
        );
      } catch (err) {
        // No host subscribes to the agent's command subject, so the agent is already gone.
        if (
          !(
            err instanceof DriverError &&
            err.cause instanceof errors.RequestError &&
            err.cause.isNoResponders()
          )
        ) {
          throw err;
        }
        this.runtime.logger.debug({ agentId }, 'retired agent has no host');
      }
    });
  }

  onHeartbeat(listener: (heartbeat: Heartbeat) => void): () => void {
    return this.runtime.heartbeats.add(listener);
  }

  isHealthy(): boolean {
    return this.runtime.health.isHealthy();
  }

  private async request(subject: string, body: unknown, operation: string): Promise<void> {
    const connection = this.requireConnection();
    let msg: Msg;
    try {
      msg = await connection.request(subject, encodeJson(body), {
        timeout: this.runtime.tracker.timeoutMs,
      });
    } catch (err) {
      throw toDriverError(err, subject, operation);
    }
    const reply = parseReply(msg, subject);
    if (!reply.ok) throw replyToError(reply, subject);
  }

  private requireConnection(): NatsConnection {
    if (!this.connection || this.connection.isClosed()) {
      throw new DriverError(
        'the NATS pool driver is not connected: call start() first',
        'unreachable',
        false,
      );
    }
    return this.connection;
  }

  private onMessage(err: Error | null, msg: Msg): void {
    if (err) {
      this.runtime.logger.warn({ err }, 'heartbeat subscription failed');
      return;
    }
    const event = parseJson(msg, agentEventSchema);
    if (!event) {
      this.runtime.logger.debug({ subject: msg.subject }, 'invalid heartbeat ignored');
      return;
    }
    // The receipt time is used, not the host's clock, so clock skew cannot age a heartbeat.
    this.runtime.heartbeats.emit({ agentId: event.agentId, at: Date.now() });
  }
}

function checkAgentId(agentId: string): void {
  if (isSubjectToken(agentId)) return;
  throw new DriverError(
    `agent id ${JSON.stringify(agentId)} cannot be a NATS subject token: use an id without dots, *, > or whitespace`,
    'rejected',
    false,
  );
}

function parseReply(msg: Msg, subject: string): Reply {
  const reply = parseJson(msg, replySchema);
  if (reply) return reply;
  throw new DriverError(
    `${subject}: reply is not a valid agent host reply (expected {"ok":true,...} or {"ok":false,...}): ${msg.string().slice(0, 200)}`,
    'invalid_response',
    false,
  );
}

function parseJson<T>(msg: Msg, schema: z.ZodType<T>): T | undefined {
  try {
    const result = schema.safeParse(msg.json());
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

function toDriverError(err: unknown, subject: string, operation: string): DriverError {
  if (err instanceof TimeoutError) {
    return new DriverError(
      `${operation} request on ${subject} timed out: check that an agent host is running`,
      'timeout',
      true,
      { cause: err },
    );
  }
  if (err instanceof errors.RequestError && err.isNoResponders()) {
    return new DriverError(
      `${operation} request on ${subject} has no responders: start an agent host (swarm-scaler agent-host)`,
      'unreachable',
      true,
      { cause: err },
    );
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new DriverError(
    `${operation} request on ${subject} failed: ${detail}`,
    'unreachable',
    true,
    { cause: err },
  );
}
