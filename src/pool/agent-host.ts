/**
 * The agent host of the NATS command bus: serves spawn requests in a queue group, runs each agent
 * as a `LocalAgent`, publishes its heartbeats and status, and retires it on command.
 *
 * `swarm-scaler agent-host` runs one; the NATS driver's tests run one in-process and one as a
 * child process. Several hosts may serve one subject root: each spawn reaches one of them.
 */
import { hostname } from 'node:os';

import {
  connect,
  errors,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';

import type { Logger } from '../log';
import type { SpawnRequest } from './driver';
import { LocalAgent, type AgentState } from './local-agent';
import { logConnectionStatus } from './nats-status';
import {
  agentSubjects,
  commandMessageSchema,
  encodeJson,
  errorReply,
  HOST_QUEUE_GROUP,
  isSubjectToken,
  okReply,
  replySchema,
  spawnMessageSchema,
  type AgentSubjects,
  type Reply,
} from './nats-protocol';

/** Settings of an agent host. */
export interface AgentHostOptions {
  url: string;
  subjectRoot: string;
  spawnSubject?: string;
  heartbeatIntervalMs: number;
  startDelayMs: number;
  /** Agents this host runs at once; further spawns are rejected as retryable. */
  capacity?: number;
  /** Name of this host in replies and events; default `<hostname>-<pid>`. */
  hostId?: string;
  logger: Logger;
}

/** Time a host waits for another host's status reply before it starts the agent itself. */
const OWNER_PROBE_TIMEOUT_MS = 500;

/** Runs agents for the NATS driver. */
export class AgentHost {
  readonly hostId: string;
  readonly subjects: AgentSubjects;
  private readonly agents = new Map<string, LocalAgent>();
  private readonly commandSubscriptions = new Map<string, Subscription>();
  private readonly pendingSpawns = new Map<string, { key: string; reply: Promise<Reply> }>();
  private connection: NatsConnection | undefined;
  private repliesToDrop = 0;

  constructor(private readonly options: AgentHostOptions) {
    this.hostId = options.hostId ?? `${hostname()}-${process.pid}`;
    this.subjects = agentSubjects(options.subjectRoot, options.spawnSubject);
  }

  /** Connects and starts serving spawn requests. */
  async start(): Promise<void> {
    this.connection = await connect({
      servers: this.options.url,
      name: `swarm-agent-host-${this.hostId}`,
    });
    void logConnectionStatus(this.connection, this.options.logger);
    this.connection.subscribe(this.subjects.spawn, {
      queue: HOST_QUEUE_GROUP,
      callback: (err, msg) => this.dispatch(err, msg, () => this.handleSpawn(msg)),
    });
    await this.connection.flush();
    this.options.logger.info(
      { hostId: this.hostId, spawnSubject: this.subjects.spawn, capacity: this.options.capacity },
      'agent host started',
    );
  }

  /** Retires every agent, publishing their `stopped` status, then closes the connection. */
  async stop(): Promise<void> {
    for (const agentId of [...this.agents.keys()]) this.retireLocal(agentId);
    const connection = this.connection;
    this.connection = undefined;
    if (connection && !connection.isClosed()) await connection.drain();
    this.options.logger.info({ hostId: this.hostId }, 'agent host stopped');
  }

  /** Resolves when the connection closes, for example after `stop()`. */
  async closed(): Promise<void> {
    await this.connection?.closed();
  }

  /** Returns the ids of agents this host runs. */
  agentIds(): string[] {
    return [...this.agents.keys()];
  }

  /** Stops the heartbeats of `agentId` while it stays running, as a hung agent; for tests. */
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

  /** Handles the next `count` spawns but sends no reply, as if the reply were lost; for tests. */
  dropNextReplies(count: number): void {
    this.repliesToDrop = count;
  }

  private dispatch(err: Error | null, msg: Msg, handle: () => Promise<Reply>): void {
    if (err) {
      this.options.logger.warn({ err }, 'agent host subscription failed');
      return;
    }
    handle().then(
      (reply) => this.respond(msg, reply),
      (failure: unknown) => {
        this.options.logger.error(
          { err: failure, subject: msg.subject },
          'agent host request failed',
        );
        this.respond(
          msg,
          errorReply('', 'agent host failed: see its log', 'invalid_response', true),
        );
      },
    );
  }

  private respond(msg: Msg, reply: Reply): void {
    if (this.repliesToDrop > 0 && msg.subject === this.subjects.spawn) {
      this.repliesToDrop -= 1;
      return;
    }
    if (this.connection && !this.connection.isClosed()) msg.respond(encodeJson(reply));
  }

  private async handleSpawn(msg: Msg): Promise<Reply> {
    const parsed = spawnMessageSchema.safeParse(parseBody(msg));
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ');
      return errorReply('', `invalid spawn request: ${detail}`, 'rejected', false);
    }
    const request = parsed.data as SpawnRequest;
    if (!isSubjectToken(request.agentId)) {
      return errorReply(request.agentId, 'agent id must be one subject token', 'rejected', false);
    }
    const pending = this.pendingSpawns.get(request.agentId);
    if (pending)
      return pending.key === request.idempotencyKey
        ? pending.reply
        : reusedIdReply(request, pending.key);
    const reply = this.spawnOnce(request).finally(() => this.pendingSpawns.delete(request.agentId));
    this.pendingSpawns.set(request.agentId, { key: request.idempotencyKey, reply });
    return reply;
  }

  private async spawnOnce(request: SpawnRequest): Promise<Reply> {
    const existing = this.agents.get(request.agentId);
    if (existing) return this.replyForExisting(existing, request);

    const elsewhere = await this.probeOwner(request.agentId);
    if (elsewhere) return elsewhere;

    const { capacity } = this.options;
    if (capacity !== undefined && this.agents.size >= capacity) {
      return errorReply(
        request.agentId,
        `agent host ${this.hostId} is full (capacity ${capacity})`,
        'rejected',
        true,
      );
    }
    return this.startAgent(request);
  }

  private async replyForExisting(agent: LocalAgent, request: SpawnRequest): Promise<Reply> {
    if (agent.request.idempotencyKey !== request.idempotencyKey) {
      return reusedIdReply(request, agent.request.idempotencyKey);
    }
    return this.awaitReady(agent);
  }

  /** Asks whether another host already runs `agentId`, so that a retried spawn starts no twin. */
  // NOTE: two copies of one spawn that reach two hosts within one round trip can both find no
  // owner and both start the agent; this check narrows that window but does not close it.
  private async probeOwner(agentId: string): Promise<Reply | undefined> {
    const connection = this.requireConnection();
    try {
      const body = encodeJson({ command: 'status', agentId });
      const msg = await connection.request(this.subjects.commands(agentId), body, {
        timeout: OWNER_PROBE_TIMEOUT_MS,
      });
      const reply = replySchema.safeParse(parseBody(msg));
      return reply.success && reply.data.ok ? reply.data : undefined;
    } catch (err) {
      if (err instanceof errors.RequestError && err.isNoResponders()) return undefined;
      return errorReply(
        agentId,
        `cannot tell whether another host runs agent ${agentId}`,
        'timeout',
        true,
      );
    }
  }

  private async startAgent(request: SpawnRequest): Promise<Reply> {
    const connection = this.requireConnection();
    const { agentId } = request;
    const agent = new LocalAgent(request, {
      startDelayMs: this.options.startDelayMs,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      onHeartbeat: (at) =>
        this.publishEvent(this.subjects.heartbeat(agentId), agentId, 'running', at),
    });
    this.agents.set(agentId, agent);
    const subscription = connection.subscribe(this.subjects.commands(agentId), {
      callback: (err, msg) => this.dispatch(err, msg, () => this.handleCommand(agentId, msg)),
    });
    this.commandSubscriptions.set(agentId, subscription);
    await connection.flush();
    this.publishStatus(agentId, 'starting');
    this.options.logger.info(
      { agentId, role: request.role, category: request.category },
      'agent starting',
    );
    return this.awaitReady(agent);
  }

  private async awaitReady(agent: LocalAgent): Promise<Reply> {
    try {
      await agent.ready;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return errorReply(agent.agentId, message, 'rejected', false);
    }
    if (agent.state === 'running') this.publishStatus(agent.agentId, 'running');
    return okReply(agent.agentId, agent.state, this.hostId);
  }

  private async handleCommand(agentId: string, msg: Msg): Promise<Reply> {
    const parsed = commandMessageSchema.safeParse(parseBody(msg));
    if (!parsed.success || parsed.data.agentId !== agentId) {
      return errorReply(
        agentId,
        'invalid command: expected {"command":"retire"|"status","agentId":...}',
        'rejected',
        false,
      );
    }
    const agent = this.agents.get(agentId);
    if (parsed.data.command === 'status')
      return okReply(agentId, agent?.state ?? 'stopped', this.hostId);
    this.retireLocal(agentId);
    return okReply(agentId, 'stopped', this.hostId);
  }

  private retireLocal(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    agent.stop();
    this.agents.delete(agentId);
    // The reply to a retire command goes to its reply subject, so it is sent after this too.
    this.commandSubscriptions.get(agentId)?.unsubscribe();
    this.commandSubscriptions.delete(agentId);
    this.publishStatus(agentId, 'stopped');
    this.options.logger.info({ agentId }, 'agent retired');
  }

  private publishStatus(agentId: string, state: AgentState): void {
    this.publishEvent(this.subjects.status(agentId), agentId, state, Date.now());
  }

  private publishEvent(subject: string, agentId: string, state: AgentState, at: number): void {
    if (!this.connection || this.connection.isClosed()) return;
    this.connection.publish(subject, encodeJson({ agentId, at, state, host: this.hostId }));
  }

  private requireConnection(): NatsConnection {
    if (!this.connection || this.connection.isClosed())
      throw new Error('agent host is not connected');
    return this.connection;
  }
}

function reusedIdReply(request: SpawnRequest, existingKey: string): Reply {
  const message = `agent id ${request.agentId} is already used by another spawn (idempotency key ${existingKey})`;
  return errorReply(request.agentId, message, 'rejected', false);
}

function parseBody(msg: Msg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}
